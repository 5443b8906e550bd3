"""Publication rows -> flat property maps, the one shape both stores persist.

Flattening once, here, is what keeps the two stores' answers identical: the
masked NIK/KK is computed at write time (so readers without FieldGroup.NIK
select ``nik_masked`` and the full number never leaves the store), attributes
and raw source values are split by the group that unlocks them (so a
projection picks whole columns/properties), dates become ISO strings and maps
become JSON text (Neo4j properties cannot hold maps).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from graph.model import (
    ATTRIBUTE_GROUPS,
    FieldGroup,
    HouseholdRow,
    MatchRow,
    PersonRow,
    Publication,
    RecordRow,
    ReviewItemRow,
    Verification,
    mask_number,
    region_chain,
    region_level,
)
from graph.views import role_rank

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "ORIGINAL_COLUMNS",
    "household_props",
    "match_props",
    "person_props",
    "programs_of",
    "record_props",
    "regions_of",
    "review_props",
]

#: Record attribute column -> group that unlocks it (unlisted attributes: LINKAGE).
ATTRIBUTE_COLUMNS: dict[str, FieldGroup] = {
    "attr_welfare": FieldGroup.WELFARE, "attr_health": FieldGroup.HEALTH,
    "attr_education": FieldGroup.EDUCATION, "attr_linkage": FieldGroup.LINKAGE,
}
#: Record raw-value column -> group.
ORIGINAL_COLUMNS: dict[str, FieldGroup] = {
    "orig_identity": FieldGroup.IDENTITY, "orig_nik": FieldGroup.NIK, "orig_contact": FieldGroup.CONTACT,
}
_ORIGINAL_GROUP = {"nik": "orig_nik", "kk": "orig_nik", "address": "orig_contact", "phone": "orig_contact",
                   "postcode": "orig_contact", "locality": "orig_contact"}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def person_props(p: PersonRow) -> dict[str, Any]:
    return {
        "person_id": p.person_id, "household_id": p.household_id, "role": p.role,
        "role_rank": role_rank(p.role), "nik": p.nik, "nik_masked": mask_number(p.nik),
        "full_name": p.full_name, "birth_date": _iso(p.birth_date), "sex": p.sex,
        "birth_place": p.birth_place, "mother_name": p.mother_name, "address": p.address, "phone": p.phone,
        "village_code": p.village_code, "verification": Verification(p.verification).value,
        "death_date": _iso(p.death_date),
        "deceased": p.death_date is not None or p.verification == Verification.DECEASED,
        "health": _json(p.health), "education": _json(p.education),
    }


def household_props(h: HouseholdRow) -> dict[str, Any]:
    return {"household_id": h.household_id, "kk": h.kk, "kk_masked": mask_number(h.kk),
            "village_code": h.village_code, "address": h.address, "welfare_decile": h.welfare_decile,
            "welfare": _json(h.welfare)}


def record_props(r: RecordRow, agency: str | None) -> dict[str, Any]:
    attrs: dict[str, dict[str, str]] = {col: {} for col in ATTRIBUTE_COLUMNS}
    for name, value in r.attributes.items():
        group = ATTRIBUTE_GROUPS.get(name, FieldGroup.LINKAGE)
        attrs[f"attr_{group.value}"][name] = value
    orig: dict[str, dict[str, Any]] = {col: {} for col in ORIGINAL_COLUMNS}
    for name, value in r.original.items():
        orig[_ORIGINAL_GROUP.get(name, "orig_identity")][name] = value
    return {
        "record_key": r.record_key, "dataset": r.dataset, "source_id": r.source_id,
        "person_id": r.person_id, "agency": agency, "program": r.program,
        "nik": r.nik, "nik_masked": mask_number(r.nik), "kk": r.kk, "kk_masked": mask_number(r.kk),
        "full_name": r.full_name, "birth_date": _iso(r.birth_date), "birth_place": r.birth_place,
        "sex": r.sex, "mother_name": r.mother_name, "relationship": r.relationship,
        "village_code": r.village_code, "death_date": _iso(r.death_date), "address": r.address,
        "phone": r.phone, "flags": _json(list(r.flags)),
        **{col: _json(v) for col, v in attrs.items()}, **{col: _json(v) for col, v in orig.items()},
    }


def match_props(m: MatchRow, run_id: str) -> dict[str, Any]:
    return {"left_key": m.left_key, "right_key": m.right_key, "probability": m.probability,
            "match_weight": m.match_weight, "weights": _json(m.weights), "levels": _json(m.levels),
            "run_id": run_id}


def review_props(item: ReviewItemRow, run_id: str, datasets: dict[str, str]) -> dict[str, Any]:
    """``datasets`` maps record_key -> dataset, for the queue's dataset filter."""
    return {"item_id": item.item_id, "kind": item.kind, "run_id": run_id, "left_key": item.left_key,
            "right_key": item.right_key, "left_dataset": datasets.get(item.left_key or ""),
            "right_dataset": datasets.get(item.right_key or ""), "person_id": item.person_id,
            "village_code": item.village_code, "probability": item.probability, "priority": item.priority,
            "explanation": _json(item.explanation), "programs": _json(sorted(item.programs))}


def regions_of(codes: Iterator[str | None]) -> list[dict[str, Any]]:
    """Every region the village codes lie in: ``{code, level, parent}``, widest first."""
    found: dict[str, str | None] = {}
    for code in codes:
        chain = region_chain(code)
        for i, c in enumerate(chain):
            found.setdefault(c, chain[i - 1] if i else None)
    return [{"code": c, "level": region_level(c), "parent": parent}
            for c, parent in sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0]))]


def programs_of(pub: Publication) -> list[str]:
    names = {d.program for d in pub.datasets if d.program} | {r.program for r in pub.records if r.program}
    return sorted(names)
