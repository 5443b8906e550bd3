// Drawing an item: both records side by side, the match-weight waterfall, the cluster around it.
// Everything is built with DOM nodes and textContent: values from the data are never parsed as HTML.
"use strict";
window.Render = (() => {
  const t = (k, v) => window.I18N.t(k, v);
  const FIELDS = ["nik", "kk", "fullName", "birthDate", "birthPlace", "sex", "motherName", "relationship",
                  "villageCode", "address", "phone", "deathDate"];
  const ORIGINAL = { fullName: "full_name", birthDate: "birth_date", birthPlace: "birth_place",
                     motherName: "mother_name", villageCode: "village_code", deathDate: "death_date" };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function originalOf(record, field) {
    const orig = (record && record.original) || {};
    const flat = {};
    for (const [k, v] of Object.entries(orig)) {
      if (v && typeof v === "object" && !Array.isArray(v)) Object.assign(flat, v); else flat[k] = v;
    }
    const key = ORIGINAL[field] || field;
    return flat[key] ?? flat[field] ?? null;
  }

  function cell(record, field) {
    const value = record ? record[field] : null;
    const orig = originalOf(record, field);
    const td = el("td", {}, el("span", { class: "std", text: value ?? "—" }));
    if (orig !== null && String(orig) !== String(value ?? "")) {
      td.append(el("span", { class: "orig", title: t("original"), text: String(orig) }));
    }
    return td;
  }

  function compare(table, item) {
    const { left, right } = item;
    table.querySelector("#left-head").textContent = left ? `${left.dataset.name} · ${left.sourceId}` : "—";
    table.querySelector("#right-head").textContent = right ? `${right.dataset.name} · ${right.sourceId}` : "—";
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const f of FIELDS) {
      const a = left ? left[f] : null, b = right ? right[f] : null;
      if (a == null && b == null && originalOf(left, f) == null && originalOf(right, f) == null) continue;
      const row = el("tr", { class: a != null && b != null ? (String(a) === String(b) ? "same" : "differ") : "" },
                     el("th", { text: t(`f_${f}`) }), cell(left, f), cell(right, f));
      body.append(row);
    }
    const attrs = new Set([...(left?.attributes || []), ...(right?.attributes || [])].map((x) => x.name));
    for (const name of [...attrs].sort()) {
      const val = (r) => (r?.attributes || []).find((x) => x.name === name)?.value ?? "—";
      body.append(el("tr", { class: "attr" }, el("th", { text: name }), el("td", { text: val(left) }),
                      el("td", { text: val(right) })));
    }
  }

  // Splink's waterfall: start at the prior match weight, each comparison adds its weight, the end is
  // the pair's total match weight; probability = 2^w / (1 + 2^w). The prior is what the total leaves.
  function waterfall(box, item) {
    box.replaceChildren();
    const expl = item.explanation || {};
    const weights = expl.weights || {};
    const levels = expl.levels || {};
    const names = Object.keys(weights);
    if (!names.length) {
      box.append(el("p", { class: "muted", text: expl.reason ? `${t("reason")}: ${expl.reason}` : t("noWeights") }));
      return;
    }
    const p = Math.min(Math.max(item.probability ?? 0.5, 1e-9), 1 - 1e-9);
    const total = Math.log2(p / (1 - p));
    const sum = names.reduce((s, n) => s + Number(weights[n]), 0);
    const steps = [{ name: t("prior"), level: "", w: total - sum }, ...names.map((n) =>
      ({ name: n, level: levels[n] || "", w: Number(weights[n]) }))];
    let run = 0;
    const points = [0];
    for (const s of steps) { run += s.w; points.push(run); }
    const lo = Math.min(...points), hi = Math.max(...points), span = Math.max(hi - lo, 1);
    const pos = (w) => ((w - lo) / span) * 100;
    run = 0;
    for (const s of steps) {
      const start = run, end = run + s.w;
      run = end;
      const bar = el("div", { class: `wf-bar ${s.w >= 0 ? "pos" : "neg"}` });
      bar.style.left = `${pos(Math.min(start, end))}%`;
      bar.style.width = `${Math.max(pos(Math.max(start, end)) - pos(Math.min(start, end)), 0.5)}%`;
      box.append(el("div", { class: "wf-row", "data-comparison": s.name },
        el("span", { class: "wf-name", text: s.name }), el("span", { class: "wf-level", text: s.level }),
        el("div", { class: "wf-track" }, bar), el("span", { class: "wf-w", text: s.w.toFixed(2) })));
    }
    const totalBar = el("div", { class: `wf-bar total ${total >= 0 ? "pos" : "neg"}` });
    totalBar.style.left = `${pos(Math.min(0, total))}%`;
    totalBar.style.width = `${Math.max(pos(Math.max(0, total)) - pos(Math.min(0, total)), 0.5)}%`;
    box.append(el("div", { class: "wf-row wf-total" }, el("span", { class: "wf-name", text: t("total") }),
      el("span", { class: "wf-level", title: t("probability"), text: `${(p * 100).toFixed(1)}%` }),
      el("div", { class: "wf-track" }, totalBar), el("span", { class: "wf-w", text: total.toFixed(2) })));
  }

  function cluster(box, item) {
    box.replaceChildren();
    const people = [item.person, item.left?.person, item.right?.person].filter(Boolean);
    const seen = new Set();
    const keys = new Set([item.left?.id, item.right?.id]);
    for (const person of people) {
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      const list = el("ul", { class: "cluster-records" });
      const edges = [];
      for (const r of person.records || []) {
        list.append(el("li", { class: keys.has(r.id) ? "in-item" : "" },
          el("span", { class: "ds", text: r.dataset.name }), ` ${r.fullName ?? "—"} · ${r.birthDate ?? "—"}`));
        for (const m of r.matches || []) {
          if (m.leftKey === r.id) edges.push(`${m.leftKey} ↔ ${m.rightKey}: ${(m.probability * 100).toFixed(1)}%`);
        }
      }
      const block = el("div", { class: "cluster-person" },
        el("h4", { text: `${t("person")} ${person.id}${person.fullName ? ` — ${person.fullName}` : ""}` }), list);
      if (edges.length) {
        block.append(el("p", { class: "muted", text: `${t("edges")}:` }));
        block.append(el("ul", { class: "edges" }, ...edges.map((e) => el("li", { text: e }))));
      }
      box.append(block);
    }
  }

  function queueEntry(item, active) {
    const name = (r) => (r ? `${r.fullName ?? "—"} (${r.dataset.name})` : "—");
    const li = el("li", { class: `queue-item${active ? " active" : ""}`, "data-id": item.id, tabindex: "0" },
      el("span", { class: "kind", text: t(`kind_${item.kind}`) }),
      el("span", { class: "names", text: `${name(item.left)} ↔ ${name(item.right)}` }),
      el("span", { class: "muted", text: [item.probability != null ? `${(item.probability * 100).toFixed(0)}%` : null,
        item.villageCode, (item.programs || []).join(", ")].filter(Boolean).join(" · ") }));
    return li;
  }

  return { compare, waterfall, cluster, queueEntry, el };
})();
