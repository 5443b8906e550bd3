// The review workflow: sign in, load the queue, show one item, decide it (buttons or M / N / U).
"use strict";
(() => {
  const t = (k, v) => window.I18N.t(k, v);
  const api = window.HubApi;
  const $ = (id) => document.getElementById(id);
  const PAGE = 50;

  const RECORD = `id sourceId dataset { name agency } nik kk fullName birthDate birthPlace sex motherName
    relationship villageCode address phone deathDate attributes { name value } original
    person { id fullName records { id dataset { name } fullName birthDate
      matches { leftKey rightKey probability } } }`;
  const QUEUE = `query Queue($region: String, $dataset: String, $program: String, $after: String) {
    reviewQueue(region: $region, dataset: $dataset, program: $program, first: ${PAGE}, after: $after) {
      nodes { id kind probability priority programs villageCode explanation decision note steward
        left { ${RECORD} } right { ${RECORD} } }
      pageInfo { hasNextPage endCursor } } }`;
  const DECIDED = `query Decided($region: String, $dataset: String, $program: String, $after: String) {
    reviewQueue(region: $region, dataset: $dataset, program: $program, status: "decided", first: 100,
                after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
  const DECIDE = `mutation Decide($id: ID!, $decision: ReviewDecision!, $note: String) {
    decideReview(itemId: $id, decision: $decision, note: $note) { constraint item { id status decision } } }`;

  const UNDO = `mutation Undo($id: ID!) { undoReview(itemId: $id) { itemId item { id status } } }`;

  // decided: ids decided in the current run (from the server) plus this session's own decisions,
  // which a relink honouring them may already have taken out of the run
  const state = { items: [], current: null, decided: new Set(), mine: new Set(), skipped: new Set(),
                  filters: {}, busy: false, undoable: [] };

  function status(text, kind) { const s = $("status"); s.textContent = text || ""; s.dataset.kind = kind || ""; }

  async function pages(query, vars) {
    const out = [];
    let after = null;
    for (;;) {
      const data = await api.graphql(query, { ...vars, after });
      const conn = data.reviewQueue;
      if (!conn) break;
      out.push(...conn.nodes);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    return out;
  }

  async function loadQueue() {
    status(t("loading"));
    const [open, decided] = await Promise.all([pages(QUEUE, state.filters), pages(DECIDED, state.filters)]);
    // skipped (unsure) items go to the end of this steward's queue; they stay open for others
    state.items = [...open.filter((i) => !state.skipped.has(i.id)), ...open.filter((i) => state.skipped.has(i.id))];
    state.decided = new Set([...decided.map((i) => i.id), ...state.mine]);
    if (!state.items.some((i) => i.id === state.current)) state.current = state.items[0]?.id ?? null;
    status("");
    draw();
  }

  function drawProgress() {
    const open = state.items.length, done = state.decided.size;
    $("progress-text").textContent = t("progress", { decided: done, open, skipped: state.skipped.size });
    $("progress-fill").style.width = `${open + done ? (100 * done) / (open + done) : 100}%`;
  }

  function draw() {
    const list = $("queue-list");
    list.replaceChildren(...state.items.map((i) => window.Render.queueEntry(i, i.id === state.current)));
    $("queue-empty").hidden = state.items.length > 0;
    drawProgress();
    const item = state.items.find((i) => i.id === state.current);
    $("detail-empty").hidden = !!item;
    $("detail-body").hidden = !item;
    if (!item) return;
    $("item-title").textContent = `${t(`kind_${item.kind}`)} · ${item.id}`;
    $("item-meta").textContent = [`${t("priority")} ${item.priority.toFixed(2)}`,
      item.programs?.length ? `${t("stake")}: ${item.programs.join(", ")}` : null, item.villageCode]
      .filter(Boolean).join(" · ");
    const earlier = item.decision === "UNSURE";
    $("item-unsure").hidden = !earlier;
    $("item-unsure").textContent = earlier ? t("earlierUnsure", { steward: item.steward, note: item.note || "—" }) : "";
    window.Render.compare($("compare"), item);
    window.Render.waterfall($("waterfall"), item);
    window.Render.cluster($("cluster"), item);
    list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const at = state.items.findIndex((i) => i.id === state.current);
    const next = state.items[Math.min(Math.max(at + step, 0), state.items.length - 1)];
    if (next) { state.current = next.id; $("note").value = ""; draw(); }
  }

  async function decide(decision) {
    const item = state.items.find((i) => i.id === state.current);
    if (!item || state.busy) return;
    const note = $("note").value.trim() || null;
    if (decision === "UNSURE") {       // recorded with the note; it stays open for a colleague
      state.busy = true;
      try {
        await api.graphql(DECIDE, { id: item.id, decision, note });
      } catch (err) {
        status(t("error", { why: err.message }), "error");
        return;
      } finally {
        state.busy = false;
      }
      item.decision = "UNSURE"; item.note = note;
      state.skipped.add(item.id);
      state.items = [...state.items.filter((i) => i.id !== item.id), item];
      state.current = state.items.find((i) => !state.skipped.has(i.id))?.id ?? state.items[0]?.id ?? null;
      $("note").value = "";
      status(t("skipped"));
      draw();
      return;
    }
    state.busy = true;
    try {
      await api.graphql(DECIDE, { id: item.id, decision, note });
      state.undoable.push(item.id);
      $("btn-undo").hidden = false;
      const at = state.items.indexOf(item);
      state.items.splice(at, 1);
      state.mine.add(item.id);
      state.decided.add(item.id);
      state.current = state.items[Math.min(at, state.items.length - 1)]?.id ?? null;
      $("note").value = "";
      status(t(decision === "MATCH" ? "decidedMatch" : "decidedNonMatch"), "ok");
      draw();
    } catch (err) {
      if (err.code === "CONFLICT") { await loadQueue(); status(t("conflict"), "error"); }
      else if (err.code === "UNAUTHENTICATED") signOut(err.message);
      else status(t("error", { why: err.message }), "error");
    } finally {
      state.busy = false;
    }
  }

  async function undo() {
    const id = state.undoable.pop();
    if (!id || state.busy) return;
    state.busy = true;
    try {
      await api.graphql(UNDO, { id });
      state.mine.delete(id);
      state.current = id;
      await loadQueue();
      status(t("undone", { id }), "ok");
    } catch (err) {
      status(t("error", { why: err.message }), "error");
    } finally {
      state.busy = false;
      $("btn-undo").hidden = state.undoable.length === 0;
    }
  }

  function signOut(why) {
    api.signOut();
    $("workspace").hidden = true; $("signin").hidden = false;
    $("signout").hidden = true; $("who").hidden = true;
    $("signin-error").textContent = why ? t("signInFailed", { why }) : "";
  }

  async function signIn(ev) {
    ev.preventDefault();
    const id = $("client-id").value.trim();
    try {
      await api.signIn(id, $("client-secret").value);
    } catch (err) {
      $("signin-error").textContent = t("signInFailed", { why: err.message });
      return;
    }
    $("client-secret").value = "";
    $("signin-error").textContent = "";
    $("signin").hidden = true; $("workspace").hidden = false; $("signout").hidden = false;
    $("who").hidden = false; $("who").dataset.client = id;
    $("who").textContent = t("signedInAs", { client: id });
    try { await loadQueue(); } catch (err) { status(t("error", { why: err.message }), "error"); }
  }

  function onKey(ev) {
    if (!api.signedIn || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName);
    if (typing && ev.key !== "Escape") return;
    const key = ev.key.toLowerCase();
    const action = { m: () => decide("MATCH"), n: () => decide("NON_MATCH"), u: () => decide("UNSURE"), z: () => undo(),
                     j: () => move(1), arrowdown: () => move(1), k: () => move(-1), arrowup: () => move(-1),
                     escape: () => document.activeElement?.blur() }[key];
    if (action) { ev.preventDefault(); action(); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    window.I18N.apply();
    $("lang").addEventListener("change", (e) => {
      window.I18N.setLang(e.target.value);
      if (api.signedIn) { $("who").textContent = t("signedInAs", { client: $("who").dataset.client }); draw(); }
    });
    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", () => signOut());
    $("btn-undo").addEventListener("click", () => undo());
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      const f = {};
      for (const k of ["region", "dataset", "program"]) { const v = $(`f-${k}`).value.trim(); if (v) f[k] = v; }
      state.filters = f;
      loadQueue().catch((err) => status(t("error", { why: err.message }), "error"));
    });
    $("queue-list").addEventListener("click", (e) => {
      const li = e.target.closest(".queue-item");
      if (li) { state.current = li.dataset.id; draw(); }
    });
    for (const b of document.querySelectorAll("[data-decision]")) {
      b.addEventListener("click", () => decide(b.dataset.decision));
    }
    document.addEventListener("keydown", onKey);
  });
})();
