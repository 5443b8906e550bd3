"""The Neo4j store's lookups: people, households, members, records, matches, enrolments.

Each function returns a :class:`~graph._cypher_pinned.Pinned`: the lookup's Cypher over
the generation variable ``gen`` (one statement, ending in one aggregate row) and how to
turn that row into views. The store runs it as one query between two reads of the
current pointer (``graph._cypher_pinned``), so a lookup is one round trip to Neo4j.
Region filters sit in the WHERE clause and what is collected is a map projection of the
allowed properties only (``graph._project`` decides which); the same ``graph._project``
functions turn the maps into views.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from graph._cypher_pinned import Pinned, constant
from graph._cypher_text import distinct, projection, region_filter
from graph._project import (
    household_props_for,
    household_view,
    person_props_for,
    person_view,
    record_props_for,
    record_view,
)
from graph.model import FieldGroup, Visibility
from graph.views import EnrolmentView, HouseholdView, MatchView, MemberView, PersonView, RecordView

__all__ = [
    "enrolments_of_persons",
    "get_households",
    "get_person_by_nik",
    "get_persons",
    "get_records",
    "household_by_kk",
    "matches_of_records",
    "members_of_households",
    "records_of_persons",
]

_BY_ID = "UNWIND $ids AS id MATCH (p:Person {gen: gen, person_id: id})"


def get_persons(ids: Iterable[str], vis: Visibility) -> Pinned[dict[str, PersonView]]:
    where, params = region_filter("p", vis)

    def decode(rows: list[dict[str, Any]]) -> dict[str, PersonView]:
        return {v.person_id: v for v in map(person_view, rows)}
    return Pinned(f"{_BY_ID} WHERE {where} RETURN collect({projection('p', person_props_for(vis))}) AS rows",
                  decode, {"ids": distinct(ids), **params})


def get_person_by_nik(nik: str, vis: Visibility) -> Pinned[PersonView | None]:
    where, params = region_filter("p", vis)
    return Pinned("MATCH (p:Person {gen: gen, nik: $nik}) "
                  f"WHERE {where} WITH p "
                  "ORDER BY CASE p.verification WHEN 'verified' THEN 0 ELSE 1 END, p.person_id LIMIT 1 "
                  f"RETURN collect({projection('p', person_props_for(vis))}) AS rows",
                  lambda rows: person_view(rows[0]) if rows else None, {"nik": nik, **params})


def _households(vis: Visibility, match: str, tail: str,
                params: dict[str, Any]) -> Pinned[list[HouseholdView]]:
    if not vis.allows(FieldGroup.HOUSEHOLD):
        return constant([])
    where, rparams = region_filter("h", vis)
    return Pinned(f"{match} WHERE {where} WITH h {tail} "
                  f"RETURN collect({projection('h', household_props_for(vis))}) AS rows",
                  lambda rows: [household_view(r) for r in rows], {**params, **rparams})


def _by_household_id(found: Pinned[list[HouseholdView]]) -> Pinned[dict[str, HouseholdView]]:
    return Pinned(found.body, lambda rows: {h.household_id: h for h in found.decode(rows)}, found.params)


def get_households(ids: Iterable[str], vis: Visibility) -> Pinned[dict[str, HouseholdView]]:
    match = "UNWIND $ids AS id MATCH (h:Household {gen: gen, household_id: id})"
    return _by_household_id(_households(vis, match, "", {"ids": distinct(ids)}))


def household_by_kk(kk: str, vis: Visibility) -> Pinned[HouseholdView | None]:
    found = _households(vis, "MATCH (h:Household {gen: gen, kk: $kk})", "ORDER BY h.household_id LIMIT 1",
                        {"kk": kk})
    return Pinned(found.body, lambda rows: next(iter(found.decode(rows)), None), found.params)


def members_of_households(ids: Iterable[str], vis: Visibility) -> Pinned[dict[str, list[MemberView]]]:
    """Every visible household asked for, with its members the reader may see (maybe none)."""
    if not vis.allows(FieldGroup.HOUSEHOLD):
        return constant({})
    hwhere, hparams = region_filter("h", vis, prefix="h_")
    pwhere, pparams = region_filter("p", vis)
    props = [p for p in person_props_for(vis) if p not in ("household_id", "role")]
    wanted = distinct(ids)

    def decode(rows: list[list[Any]]) -> dict[str, list[MemberView]]:
        found: dict[str, list[MemberView]] = {}
        for hid, role, person in rows:
            members = found.setdefault(hid, [])
            if person is not None:
                mapping = dict(person)
                mapping["household_id"], mapping["role"] = hid, role     # HOUSEHOLD is allowed here
                members.append(MemberView(hid, role, person_view(mapping)))
        return {hid: found[hid] for hid in wanted if hid in found}
    return Pinned("UNWIND $ids AS id MATCH (h:Household {gen: gen, household_id: id}) "
                  f"WHERE {hwhere} OPTIONAL MATCH (p:Person)-[m:MEMBER_OF]->(h) WHERE {pwhere} "
                  "WITH id, m, p ORDER BY id, p.role_rank, p.person_id "
                  f"RETURN collect([id, m.role, {projection('p', props)}]) "
                  "AS rows", decode, {"ids": wanted, **hparams, **pparams})


def _records(vis: Visibility, key: str, values: list[str], alias: str = "rows") -> tuple[str, dict[str, Any]]:
    """The body of a record lookup by ``record_key`` or by ``person_id``: the records' maps as ``alias``."""
    where, params = region_filter("p", vis)
    match = ("MATCH (r:Record {gen: gen, record_key: v})-[:OF]->(p:Person)" if key == "record_key" else
             "MATCH (r:Record)-[:OF]->(p:Person {gen: gen, person_id: v})")
    return (f"UNWIND $values AS v {match} WHERE {where} WITH r ORDER BY r.record_key "
            f"RETURN collect({projection('r', record_props_for(vis))}) AS {alias}",
            {"values": values, **params})


def get_records(keys: Iterable[str], vis: Visibility) -> Pinned[dict[str, RecordView]]:
    if not vis.allows(FieldGroup.LINKAGE):
        return constant({})
    body, params = _records(vis, "record_key", distinct(keys))
    return Pinned(body, lambda rows: {v.record_key: v for v in map(record_view, rows)}, params)


def records_of_persons(ids: Iterable[str], vis: Visibility) -> Pinned[dict[str, list[RecordView]]]:
    """Each visible person asked for, with its records (in ``record_key`` order)."""
    if not vis.allows(FieldGroup.LINKAGE):
        return constant({})
    wanted = distinct(ids)
    where, params = region_filter("p", vis, prefix="v_")
    body, rparams = _records(vis, "person_id", wanted, "records")

    def decode(rows: dict[str, Any]) -> dict[str, list[RecordView]]:
        out: dict[str, list[RecordView]] = {pid: [] for pid in rows["visible"]}
        for r in map(record_view, rows["records"]):
            out[r.person_id].append(r)
        return out
    return Pinned(f"CALL (gen) {{ {_BY_ID} WHERE {where} "
                  "WITH p.person_id AS id ORDER BY id RETURN collect(id) AS visible } "
                  f"CALL (gen) {{ {body} }} "
                  "RETURN {visible: visible, records: records} AS rows",
                  decode, {"ids": wanted, **params, **rparams})


def matches_of_records(keys: Iterable[str], vis: Visibility) -> Pinned[dict[str, list[MatchView]]]:
    if not vis.allows(FieldGroup.LINKAGE):
        return constant({})
    mine, params = region_filter("p", vis)
    theirs, _ = region_filter("op", vis)

    def decode(rows: list[list[Any]]) -> dict[str, list[MatchView]]:
        found: dict[str, list[tuple[MatchView, str]]] = {}
        for k, other, left, right, probability, weight, run_id, weights, levels in rows:
            lst = found.setdefault(k, [])
            if other is not None:
                lst.append((MatchView(left, right, probability, weight, run_id, json.loads(weights),
                                      json.loads(levels)), other))
        return {k: [m for m, _ in sorted(v, key=lambda mo: (-mo[0].probability, mo[1]))]
                for k, v in found.items()}
    return Pinned(
        "UNWIND $keys AS k MATCH (r:Record {gen: gen, record_key: k})-[:OF]->(p:Person) "
        f"WHERE {mine} OPTIONAL MATCH (r)-[m:MATCHES]-(o:Record)-[:OF]->(op:Person) WHERE {theirs} "
        "RETURN collect([k, o.record_key, startNode(m).record_key, endNode(m).record_key, m.probability, "
        "m.match_weight, m.run_id, m.weights, m.levels]) AS rows", decode, {"keys": distinct(keys), **params})


def enrolments_of_persons(ids: Iterable[str], vis: Visibility) -> Pinned[dict[str, list[EnrolmentView]]]:
    """Each visible person asked for, with its enrolments (maybe none)."""
    if not vis.allows(FieldGroup.PROGRAM):
        return constant({})
    where, params = region_filter("p", vis)

    def decode(rows: list[list[Any]]) -> dict[str, list[EnrolmentView]]:
        out: dict[str, list[EnrolmentView]] = {}
        for pid, program, dataset, agency, source_id in rows:
            lst = out.setdefault(pid, [])
            if program is not None:
                lst.append(EnrolmentView(pid, program, dataset, agency, source_id))
        return out
    return Pinned(f"{_BY_ID} WHERE {where} "
                  "OPTIONAL MATCH (r:Record)-[:OF]->(p) WHERE r.program IS NOT NULL "
                  "WITH id, r ORDER BY id, r.program, r.dataset, r.source_id "
                  "RETURN collect([id, r.program, r.dataset, r.agency, r.source_id]) AS rows",
                  decode, {"ids": distinct(ids), **params})
