"""The API tests' small graph plus a steward's queue worth looking at.

Three uncertain pairs, each a PKH record against the Dukcapil record of the same person,
with the per-comparison weights and levels Splink gives, and original values that differ
from the standardised ones (old spellings, a title, a date written the Indonesian way):
"""

from __future__ import annotations

from graph import Publication, RecordRow, ReviewItemRow
from tests.api._data import VILLAGES, person_id, publication

#: item id -> (household number, probability, name as the PKH list wrote it)
ITEMS = {"R-0003": (3, 0.62, "Moch. Warga 3 1"), "R-0004": (4, 0.55, "Hj. Warga 4 1"),
         "R-0022": (22, 0.71, "WARGA 22 I")}
WEIGHTS = {"nik": -2.4, "full_name": 3.1, "birth_date": 5.6, "village_code": 1.8, "mother_name": -0.9}
LEVELS = {"nik": "different", "full_name": "jaro-winkler >= 0.88", "birth_date": "exact",
          "village_code": "exact", "mother_name": "all other"}


def review_publication() -> Publication:
    """``tests.api._data.publication()`` with three explained PKH/Dukcapil pairs to review."""
    pub = publication()
    by_key = {r.record_key: r for r in pub.records}
    items = []
    for item_id, (h, probability, written) in ITEMS.items():
        pid = person_id(h, 1)
        ref = by_key[f"dukcapil:D{pid}"]
        key = f"pkh_2025:Q{pid}"
        pub.records.append(RecordRow(
            key, "pkh_2025", f"Q{pid}", pid, "PKH", None, ref.kk, ref.full_name, ref.birth_date,
            village_code=ref.village_code, mother_name=f"IBU {h} X",
            original={"full_name": written, "mother_name": f"Ibu {h} X",
                      "birth_date": ref.birth_date.strftime("%d/%m/%Y") if ref.birth_date else None},
            attributes={"welfare_decile": "3"}))
        items.append(ReviewItemRow(item_id, "uncertain_pair", key, ref.record_key, pid, VILLAGES[h - 1],
                                   probability, round(1 - abs(probability - 0.5) * 2, 6),
                                   {"weights": WEIGHTS, "levels": LEVELS}, programs=["PKH"]))
    pub.review_items = items
    return pub
