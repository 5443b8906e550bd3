"""Turn the linked workspace into the :class:`~graph.model.Publication` one run publishes.

A person's values are its registry record's when it has one (Dukcapil is the
reference), else the most frequent value among its records; households take the KK
their key names and their members' most frequent village and address.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

import duckdb

from graph.model import (
    ATTRIBUTE_GROUPS,
    DatasetRow,
    FieldGroup,
    HouseholdRow,
    MatchRow,
    PersonRow,
    RecordRow,
    ReviewItemRow,
    Verification,
)
from linkage.clustering import ReviewPair
from linkage.predict import Pair

__all__ = ["build_rows", "review_priority"]

_RECORD_FIELDS = ("nik", "kk", "full_name", "birth_date", "birth_place", "sex", "mother_name", "relationship",
                  "address", "village_code", "phone", "death_date")
_PERSON_FIELDS = ("nik", "full_name", "birth_date", "sex", "birth_place", "mother_name", "address", "phone",
                  "village_code", "death_date")


def _loads(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    return value if isinstance(value, dict) else json.loads(value)


def _best(rows: list[dict[str, Any]], name: str) -> Any:
    for r in rows:
        if r["reference"] and r[name] is not None:
            return r[name]
    counts = Counter(r[name] for r in rows if r[name] is not None)
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0]


def build_rows(con: duckdb.DuckDBPyConnection, *, person_ids: Mapping[str, str],
               household_ids: Mapping[str, str], statuses: Mapping[str, Verification],
               pairs: list[Pair], review: list[ReviewPair], threshold: float) -> dict[str, list[Any]]:
    """Datasets, records, persons, households, matches and review items of this run."""
    cols = ["record_key", "dataset", "source_id", "agency", "program", "reference", *_RECORD_FIELDS,
            "attributes", "original", "flags", "cluster_id", "household_cluster_id", "role"]
    cur = con.execute(
        f"SELECT {', '.join('r.' + c for c in cols[:-3])}, c.cluster_id, h.household_cluster_id, h.role "
        "FROM records r JOIN person_clusters c USING (record_key) "
        "LEFT JOIN household_clusters h ON h.cluster_id = c.cluster_id ORDER BY r.record_key")
    records: list[RecordRow] = []
    by_person: dict[str, list[dict[str, Any]]] = {}
    datasets: dict[str, DatasetRow] = {}
    while batch := cur.fetchmany(50_000):
        for values in batch:
            r = dict(zip(cols, values, strict=True))
            r["attributes"] = {k: str(v) for k, v in _loads(r["attributes"]).items() if v is not None}
            pid = person_ids[r["cluster_id"]]
            records.append(RecordRow(
                record_key=r["record_key"], dataset=r["dataset"], source_id=r["source_id"], person_id=pid,
                program=r["program"], **{f: r[f] for f in _RECORD_FIELDS}, attributes=r["attributes"],
                original=_loads(r["original"]), flags=list(r["flags"] or [])))
            by_person.setdefault(r["cluster_id"], []).append(r)
            ds = datasets.setdefault(r["dataset"], DatasetRow(r["dataset"], r["agency"], r["program"],
                                                              bool(r["reference"])))
            ds.records += 1
    persons, households = _people(by_person, person_ids, household_ids, statuses)
    where = {rec.record_key: rec for rec in records}
    matches = [MatchRow(p.left, p.right, p.probability, p.match_weight, p.weights, p.levels) for p in pairs
               if where[p.left].person_id == where[p.right].person_id or p.probability < threshold]
    items = [_item(rv, where) for rv in review]
    return {"datasets": sorted(datasets.values(), key=lambda d: d.name), "records": records,
            "persons": persons, "households": households, "matches": matches, "review_items": items}


def _people(by_person: dict[str, list[dict[str, Any]]], person_ids: Mapping[str, str],
            household_ids: Mapping[str, str], statuses: Mapping[str, Verification],
            ) -> tuple[list[PersonRow], list[HouseholdRow]]:
    persons: list[PersonRow] = []
    members: dict[str, list[dict[str, Any]]] = {}
    for cluster, rows in by_person.items():
        hkey = rows[0]["household_cluster_id"]
        hid = household_ids.get(hkey) if hkey is not None else None
        attrs: dict[str, str] = {}
        for r in sorted(rows, key=lambda r: (not r["reference"], r["record_key"])):
            for k, v in r["attributes"].items():
                attrs.setdefault(k, v)
        persons.append(PersonRow(
            person_id=person_ids[cluster], household_id=hid, role=rows[0]["role"] if hid else None,
            **{f: _best(rows, f) for f in _PERSON_FIELDS},
            verification=statuses.get(cluster, Verification.NO_NIK),
            health={k: v for k, v in attrs.items() if ATTRIBUTE_GROUPS.get(k) is FieldGroup.HEALTH},
            education={k: v for k, v in attrs.items() if ATTRIBUTE_GROUPS.get(k) is FieldGroup.EDUCATION}))
        if hid is not None:
            members.setdefault(hkey, []).extend(rows)
    households = []
    for hkey, rows in members.items():
        attrs = Counter((k, v) for r in rows for k, v in r["attributes"].items()
                        if ATTRIBUTE_GROUPS.get(k) is FieldGroup.WELFARE)
        welfare: dict[str, str] = {}
        for (k, v), _n in sorted(attrs.items(), key=lambda kv: (-kv[1], kv[0])):
            welfare.setdefault(k, v)
        decile = welfare.pop("welfare_decile", None)
        households.append(HouseholdRow(
            household_id=household_ids[hkey], kk=hkey[3:] if hkey.startswith("kk:") else _best(rows, "kk"),
            village_code=_best(rows, "village_code"), address=_best(rows, "address"),
            welfare_decile=int(float(decile)) if decile not in (None, "") else None, welfare=welfare))
    persons.sort(key=lambda p: p.person_id)
    households.sort(key=lambda h: h.household_id)
    return persons, households


def review_priority(probability: float | None, programs: list[str]) -> float:
    """How much a steward's look is worth, in [0, 1]: mostly how close the pair is to a coin
    toss (a conflict counts as a coin toss), then what is at stake: each program the records
    enrol someone in (up to two) adds to it, since a wrong link there moves benefits."""
    uncertainty = 1.0 if probability is None else 1.0 - abs(probability - 0.5) * 2
    return round(0.8 * uncertainty + 0.1 * min(len(programs), 2), 6)


def _item(rv: ReviewPair, where: Mapping[str, RecordRow]) -> ReviewItemRow:
    left, right = where[rv.left], where[rv.right]
    programs = sorted({p for p in (left.program, right.program) if p})
    uncertain = rv.probability is not None
    return ReviewItemRow(
        item_id=rv.item_id, kind=rv.kind, left_key=rv.left, right_key=rv.right, person_id=left.person_id,
        village_code=left.village_code or right.village_code, probability=rv.probability,
        priority=review_priority(rv.probability if uncertain else None, programs),
        explanation={"weights": rv.weights, "levels": rv.levels} if uncertain else
        {"reason": "two valid NIKs held together by strong links", "nik_left": left.nik,
         "nik_right": right.nik},
        programs=programs)
