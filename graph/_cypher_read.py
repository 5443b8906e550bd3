"""The Neo4j store's lookups: people, households, members, records, matches, enrolments.

Every function runs inside one read transaction with the generation the reader
pinned (``gen``). Region filters sit in the WHERE clause and the RETURN is a map
projection of the allowed properties only (``graph._project`` decides which);
the same ``graph._project`` functions turn the maps into views.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from neo4j import ManagedTransaction

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
    "visible_person_ids",
]

Tx = ManagedTransaction


def get_persons(tx: Tx, gen: int, ids: Iterable[str], vis: Visibility) -> dict[str, PersonView]:
    where, params = region_filter("p", vis)
    rows = tx.run(f"UNWIND $ids AS id MATCH (p:Person {{gen: $gen, person_id: id}}) WHERE {where} "
                  f"RETURN {projection('p', person_props_for(vis))} AS row", ids=distinct(ids), gen=gen,
                  **params)
    return {v.person_id: v for v in (person_view(r["row"]) for r in rows)}


def get_person_by_nik(tx: Tx, gen: int, nik: str, vis: Visibility) -> PersonView | None:
    where, params = region_filter("p", vis)
    row = tx.run(f"MATCH (p:Person {{gen: $gen, nik: $nik}}) WHERE {where} "
                 f"RETURN {projection('p', person_props_for(vis))} AS row "
                 "ORDER BY CASE p.verification WHEN 'verified' THEN 0 ELSE 1 END, p.person_id LIMIT 1",
                 gen=gen, nik=nik, **params).single()
    return person_view(row["row"]) if row is not None else None


def _households(tx: Tx, gen: int, vis: Visibility, match: str, tail: str,
                **params: Any) -> list[HouseholdView]:
    if not vis.allows(FieldGroup.HOUSEHOLD):
        return []
    where, rparams = region_filter("h", vis)
    rows = tx.run(f"{match} WHERE {where} RETURN {projection('h', household_props_for(vis))} AS row {tail}",
                  gen=gen, **params, **rparams)
    return [household_view(r["row"]) for r in rows]


def get_households(tx: Tx, gen: int, ids: Iterable[str], vis: Visibility) -> dict[str, HouseholdView]:
    found = _households(tx, gen, vis, "UNWIND $ids AS id MATCH (h:Household {gen: $gen, household_id: id})",
                        "", ids=distinct(ids))
    return {h.household_id: h for h in found}


def household_by_kk(tx: Tx, gen: int, kk: str, vis: Visibility) -> HouseholdView | None:
    found = _households(tx, gen, vis, "MATCH (h:Household {gen: $gen, kk: $kk})",
                        "ORDER BY h.household_id LIMIT 1", kk=kk)
    return found[0] if found else None


def members_of_households(tx: Tx, gen: int, ids: Iterable[str],
                          vis: Visibility) -> dict[str, list[MemberView]]:
    visible = get_households(tx, gen, ids, vis)
    out: dict[str, list[MemberView]] = {hid: [] for hid in visible}
    props = [p for p in person_props_for(vis) if p not in ("household_id", "role")]
    where, params = region_filter("p", vis)
    rows = tx.run("UNWIND $ids AS id "
                  "MATCH (p:Person)-[m:MEMBER_OF]->(:Household {gen: $gen, household_id: id}) "
                  f"WHERE {where} RETURN id, m.role AS role, {projection('p', props)} AS row "
                  "ORDER BY id, p.role_rank, p.person_id", ids=list(visible), gen=gen, **params)
    for r in rows:
        mapping = dict(r["row"])
        mapping["household_id"], mapping["role"] = r["id"], r["role"]   # HOUSEHOLD is allowed here
        out[r["id"]].append(MemberView(r["id"], r["role"], person_view(mapping)))
    return out


def _records(tx: Tx, gen: int, vis: Visibility, key: str, values: Iterable[str]) -> list[RecordView]:
    if not vis.allows(FieldGroup.LINKAGE):
        return []
    where, params = region_filter("p", vis)
    match = ("MATCH (r:Record {gen: $gen, record_key: v})-[:OF]->(p:Person)" if key == "record_key" else
             "MATCH (r:Record)-[:OF]->(p:Person {gen: $gen, person_id: v})")
    rows = tx.run(f"UNWIND $values AS v {match} WHERE {where} "
                  f"RETURN {projection('r', record_props_for(vis))} AS row ORDER BY r.record_key",
                  values=distinct(values), gen=gen, **params)
    return [record_view(r["row"]) for r in rows]


def get_records(tx: Tx, gen: int, keys: Iterable[str], vis: Visibility) -> dict[str, RecordView]:
    return {r.record_key: r for r in _records(tx, gen, vis, "record_key", keys)}


def visible_person_ids(tx: Tx, gen: int, ids: Iterable[str], vis: Visibility) -> list[str]:
    where, params = region_filter("p", vis)
    rows = tx.run(f"UNWIND $ids AS id MATCH (p:Person {{gen: $gen, person_id: id}}) WHERE {where} "
                  "RETURN p.person_id AS id ORDER BY id", ids=distinct(ids), gen=gen, **params)
    return [r["id"] for r in rows]


def records_of_persons(tx: Tx, gen: int, ids: Iterable[str], vis: Visibility) -> dict[str, list[RecordView]]:
    if not vis.allows(FieldGroup.LINKAGE):
        return {}
    wanted = distinct(ids)
    out: dict[str, list[RecordView]] = {pid: [] for pid in visible_person_ids(tx, gen, wanted, vis)}
    for r in _records(tx, gen, vis, "person_id", wanted):
        out[r.person_id].append(r)
    return out


def matches_of_records(tx: Tx, gen: int, keys: Iterable[str], vis: Visibility) -> dict[str, list[MatchView]]:
    if not vis.allows(FieldGroup.LINKAGE):
        return {}
    mine, params = region_filter("p", vis)
    theirs, _ = region_filter("op", vis)
    rows = tx.run(
        f"UNWIND $keys AS k MATCH (r:Record {{gen: $gen, record_key: k}})-[:OF]->(p:Person) WHERE {mine} "
        f"OPTIONAL MATCH (r)-[m:MATCHES]-(o:Record)-[:OF]->(op:Person) WHERE {theirs} "
        "RETURN k, o.record_key AS other, startNode(m).record_key AS left, endNode(m).record_key AS right, "
        "m.probability AS probability, m.match_weight AS weight, m.run_id AS run_id, m.weights AS weights, "
        "m.levels AS levels", keys=distinct(keys), gen=gen, **params)
    found: dict[str, list[tuple[MatchView, str]]] = {}
    for r in rows:
        lst = found.setdefault(r["k"], [])
        if r["other"] is not None:
            lst.append((MatchView(r["left"], r["right"], r["probability"], r["weight"], r["run_id"],
                                  json.loads(r["weights"]), json.loads(r["levels"])), r["other"]))
    return {k: [m for m, _ in sorted(v, key=lambda mo: (-mo[0].probability, mo[1]))]
            for k, v in found.items()}


def enrolments_of_persons(tx: Tx, gen: int, ids: Iterable[str],
                          vis: Visibility) -> dict[str, list[EnrolmentView]]:
    if not vis.allows(FieldGroup.PROGRAM):
        return {}
    where, params = region_filter("p", vis)
    rows = tx.run(f"UNWIND $ids AS id MATCH (p:Person {{gen: $gen, person_id: id}}) WHERE {where} "
                  "OPTIONAL MATCH (r:Record)-[:OF]->(p) WHERE r.program IS NOT NULL "
                  "RETURN id, r.program AS program, r.dataset AS dataset, r.agency AS agency, "
                  "r.source_id AS source_id ORDER BY id, program, dataset, source_id",
                  ids=distinct(ids), gen=gen, **params)
    out: dict[str, list[EnrolmentView]] = {}
    for r in rows:
        lst = out.setdefault(r["id"], [])
        if r["program"] is not None:
            lst.append(EnrolmentView(r["id"], r["program"], r["dataset"], r["agency"], r["source_id"]))
    return out
