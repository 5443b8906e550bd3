// The page's words in Bahasa Indonesia (the default: Kemensos stewards work in it) and English.
"use strict";
window.I18N = (() => {
  const WORDS = {
    id: {
      title: "Tinjauan Kecocokan", language: "Bahasa", signOut: "Keluar",
      signInTitle: "Masuk sebagai steward data",
      signInHelp: "Gunakan client id dan secret steward dari operator hub. Token hanya disimpan di memori halaman ini.",
      clientId: "Client id", clientSecret: "Client secret", signIn: "Masuk",
      region: "Wilayah", dataset: "Dataset", program: "Program", apply: "Terapkan",
      queueEmpty: "Antrean kosong. Terima kasih!", pickItem: "Pilih butir dari antrean.",
      records: "Dua catatan", weights: "Bobot kecocokan per perbandingan", cluster: "Konteks klaster",
      field: "Kolom", note: "Catatan", match: "Cocok", nonMatch: "Bukan orang yang sama", unsure: "Ragu-ragu",
      keysHelp: "Pintasan: M cocok, N bukan, U ragu (lewati), Z batalkan, J/K butir berikut/sebelumnya.",
      undo: "Batalkan keputusan terakhir", undone: "Keputusan atas {id} dibatalkan; butir kembali ke antrean.",
      progress: "{decided} diputuskan · {open} tersisa · {skipped} ditunda",
      signedInAs: "Masuk sebagai {client}", prior: "Awal (prior)", total: "Total",
      probability: "Probabilitas", original: "asli", standardised: "baku",
      decidedMatch: "Disimpan: cocok (must-link).", decidedNonMatch: "Disimpan: bukan orang yang sama (cannot-link).",
      skipped: "Dicatat ragu-ragu: butir tetap terbuka untuk steward lain.",
      earlierUnsure: "{steward} ragu-ragu: {note}",
      conflict: "Butir ini sudah diputuskan steward lain. Antrean dimuat ulang.",
      signInFailed: "Gagal masuk: {why}", error: "Kesalahan: {why}", loading: "Memuat…",
      kind_uncertain_pair: "Pasangan tidak pasti", kind_conflicting_nik: "NIK bertentangan",
      kind_bridge: "Tepi jembatan", kind_suspicious_cluster: "Klaster mencurigakan",
      person: "Orang", noWeights: "Tidak ada bobot perbandingan untuk butir ini.", reason: "Alasan",
      stake: "Taruhan", priority: "Prioritas", edges: "Tepi yang mengikat",
      f_nik: "NIK", f_kk: "No. KK", f_fullName: "Nama lengkap", f_birthDate: "Tanggal lahir",
      f_birthPlace: "Tempat lahir", f_sex: "Jenis kelamin", f_motherName: "Nama ibu kandung",
      f_relationship: "Hubungan", f_villageCode: "Kode desa", f_address: "Alamat", f_phone: "Telepon",
      f_deathDate: "Tanggal wafat",
    },
    en: {
      title: "Match Review", language: "Language", signOut: "Sign out",
      signInTitle: "Sign in as a data steward",
      signInHelp: "Use the steward client id and secret from the hub's operators. The token is kept only in this page's memory.",
      clientId: "Client id", clientSecret: "Client secret", signIn: "Sign in",
      region: "Region", dataset: "Dataset", program: "Program", apply: "Apply",
      queueEmpty: "The queue is empty. Thank you!", pickItem: "Pick an item from the queue.",
      records: "Both records", weights: "Match weight per comparison", cluster: "Cluster context",
      field: "Field", note: "Note", match: "Match", nonMatch: "Not a match", unsure: "Unsure",
      keysHelp: "Shortcuts: M match, N not a match, U unsure (skip), Z undo, J/K next/previous item.",
      undo: "Undo last decision", undone: "Decision on {id} undone; the item is back in the queue.",
      progress: "{decided} decided · {open} open · {skipped} skipped",
      signedInAs: "Signed in as {client}", prior: "Prior", total: "Total",
      probability: "Probability", original: "original", standardised: "standardised",
      decidedMatch: "Saved: match (must-link).", decidedNonMatch: "Saved: not a match (cannot-link).",
      skipped: "Recorded as unsure: the item stays open for another steward.",
      earlierUnsure: "{steward} was unsure: {note}",
      conflict: "Another steward already decided this item. The queue was reloaded.",
      signInFailed: "Sign-in failed: {why}", error: "Error: {why}", loading: "Loading…",
      kind_uncertain_pair: "Uncertain pair", kind_conflicting_nik: "Conflicting NIKs",
      kind_bridge: "Bridge edge", kind_suspicious_cluster: "Suspicious cluster",
      person: "Person", noWeights: "No comparison weights for this item.", reason: "Reason",
      stake: "Stake", priority: "Priority", edges: "Edges that tie them",
      f_nik: "NIK", f_kk: "KK number", f_fullName: "Full name", f_birthDate: "Birth date",
      f_birthPlace: "Birth place", f_sex: "Sex", f_motherName: "Mother's name", f_relationship: "Relationship",
      f_villageCode: "Village code", f_address: "Address", f_phone: "Phone", f_deathDate: "Death date",
    },
  };
  let lang = "id";
  function t(key, vars) {
    let text = (WORDS[lang] && WORDS[lang][key]) || WORDS.en[key] || key;
    for (const [k, v] of Object.entries(vars || {})) text = text.replace(`{${k}}`, String(v));
    return text;
  }
  function apply(root) {
    for (const el of (root || document).querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    document.documentElement.lang = lang;
    document.title = `DTSEN Hub — ${t("title")}`;
  }
  function setLang(next) { if (WORDS[next]) { lang = next; apply(); } }
  return { t, apply, setLang, get lang() { return lang; } };
})();
