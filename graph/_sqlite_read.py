"""The embedded store's lookups: people, households, members, records, matches, enrolments.

Each query selects only the columns ``graph._project`` allows for the reader
and filters regions in its WHERE clause; rows become views through the same
``graph._project`` functions the Neo4j store uses.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from graph._project import (
    household_props_for,
    household_view,
    person_props_for,
    person_view,
    record_props_for,
    record_view,
)
from graph._sqlite_sql import CURRENT, chunks, marks, region_where, select_list
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


def _persons(conn: sqlite3.Connection, vis: Visibility, where: str, params: list) -> list[PersonView]:
    region, rparams = region_where("p.village_code", vis)
    sql = (f"SELECT {select_list('p', person_props_for(vis))} FROM persons p "
           f"WHERE p.gen = {CURRENT} AND {region} AND {where}")
    return [person_view(r) for r in conn.execute(sql, [*rparams, *params])]


def get_persons(conn: sqlite3.Connection, ids: Iterable[str], vis: Visibility) -> dict[str, PersonView]:
    out: dict[str, PersonView] = {}
    for chunk in chunks(ids):
        for p in _persons(conn, vis, f"p.person_id IN ({marks(len(chunk))})", chunk):
            out[p.person_id] = p
    return out


def get_person_by_nik(conn: sqlite3.Connection, nik: str, vis: Visibility) -> PersonView | None:
    found = _persons(conn, vis, "p.nik = ? ORDER BY p.verification != 'verified', p.person_id LIMIT 1", [nik])
    return found[0] if found else None


def _households(conn: sqlite3.Connection, vis: Visibility, where: str, params: list) -> list[HouseholdView]:
    if not vis.allows(FieldGroup.HOUSEHOLD):
        return []
    region, rparams = region_where("h.village_code", vis)
    sql = (f"SELECT {select_list('h', household_props_for(vis))} FROM households h "
           f"WHERE h.gen = {CURRENT} AND {region} AND {where}")
    return [household_view(r) for r in conn.execute(sql, [*rparams, *params])]


def get_households(conn: sqlite3.Connection, ids: Iterable[str], vis: Visibility) -> dict[str, HouseholdView]:
    out: dict[str, HouseholdView] = {}
    for chunk in chunks(ids):
        for h in _households(conn, vis, f"h.household_id IN ({marks(len(chunk))})", chunk):
            out[h.household_id] = h
    return out


def household_by_kk(conn: sqlite3.Connection, kk: str, vis: Visibility) -> HouseholdView | None:
    found = _households(conn, vis, "h.kk = ? ORDER BY h.household_id LIMIT 1", [kk])
    return found[0] if found else None


def members_of_households(conn: sqlite3.Connection, ids: Iterable[str],
                          vis: Visibility) -> dict[str, list[MemberView]]:
    visible = get_households(conn, ids, vis)
    out: dict[str, list[MemberView]] = {hid: [] for hid in visible}
    props = [p for p in person_props_for(vis) if p not in ("household_id", "role")]
    region, rparams = region_where("p.village_code", vis)
    for chunk in chunks(visible):
        sql = (f"SELECT p.household_id AS hh, p.role AS hh_role, {select_list('p', props)} FROM persons p "
               f"WHERE p.gen = {CURRENT} AND {region} AND p.household_id IN ({marks(len(chunk))}) "
               "ORDER BY p.household_id, p.role_rank, p.person_id")
        for row in conn.execute(sql, [*rparams, *chunk]):
            mapping = dict(row)
            if vis.allows(FieldGroup.HOUSEHOLD):
                mapping["household_id"], mapping["role"] = row["hh"], row["hh_role"]
            out[row["hh"]].append(MemberView(row["hh"], row["hh_role"], person_view(mapping)))
    return out


def _records(conn: sqlite3.Connection, vis: Visibility, column: str,
             keys: Iterable[str]) -> list[RecordView]:
    if not vis.allows(FieldGroup.LINKAGE):
        return []
    region, rparams = region_where("p.village_code", vis)
    out: list[RecordView] = []
    for chunk in chunks(keys):
        sql = (f"SELECT {select_list('r', record_props_for(vis))} FROM records r JOIN persons p "
               "ON p.gen = r.gen AND p.person_id = r.person_id "
            f"WHERE r.gen = {CURRENT} AND {region} "
               f"AND r.{column} IN ({marks(len(chunk))}) ORDER BY r.record_key")
        out.extend(record_view(r) for r in conn.execute(sql, [*rparams, *chunk]))
    return out


def get_records(conn: sqlite3.Connection, keys: Iterable[str], vis: Visibility) -> dict[str, RecordView]:
    return {r.record_key: r for r in _records(conn, vis, "record_key", keys)}


def _visible_person_ids(conn: sqlite3.Connection, ids: Iterable[str], vis: Visibility) -> list[str]:
    region, rparams = region_where("p.village_code", vis)
    found: list[str] = []
    for chunk in chunks(ids):
        found += [r[0] for r in conn.execute(
            f"SELECT p.person_id FROM persons p WHERE p.gen = {CURRENT} AND {region} "
            f"AND p.person_id IN ({marks(len(chunk))}) ORDER BY p.person_id", [*rparams, *chunk])]
    return found


def records_of_persons(conn: sqlite3.Connection, ids: Iterable[str],
                       vis: Visibility) -> dict[str, list[RecordView]]:
    if not vis.allows(FieldGroup.LINKAGE):
        return {}
    wanted = list(ids)
    out: dict[str, list[RecordView]] = {pid: [] for pid in _visible_person_ids(conn, wanted, vis)}
    for r in _records(conn, vis, "person_id", wanted):
        out[r.person_id].append(r)
    for lst in out.values():
        lst.sort(key=lambda r: r.record_key)
    return out


def matches_of_records(conn: sqlite3.Connection, keys: Iterable[str],
                       vis: Visibility) -> dict[str, list[MatchView]]:
    wanted = list(dict.fromkeys(keys))
    visible = set(_visible_record_keys(conn, vis, wanted))
    out: dict[str, list[MatchView]] = {k: [] for k in wanted if k in visible}
    rows = []
    for chunk in chunks(out):
        rows += conn.execute(f"SELECT * FROM matches WHERE gen = {CURRENT} AND (left_key IN "
                             f"({marks(len(chunk))}) OR right_key IN ({marks(len(chunk))}))",
                             [*chunk, *chunk]).fetchall()
    others = set(_visible_record_keys(conn, vis, {r[k] for r in rows for k in ("left_key", "right_key")}))
    for r in rows:
        if r["left_key"] not in others or r["right_key"] not in others:
            continue
        view = MatchView(r["left_key"], r["right_key"], r["probability"], r["match_weight"], r["run_id"],
                         json.loads(r["weights"]), json.loads(r["levels"]))
        for key, other in ((r["left_key"], r["right_key"]), (r["right_key"], r["left_key"])):
            if key in out:
                out[key].append((view, other))  # type: ignore[arg-type]
    return {k: [m for m, _ in sorted(v, key=lambda mo: (-mo[0].probability, mo[1]))]  # type: ignore[misc]
            for k, v in out.items()}


def _visible_record_keys(conn: sqlite3.Connection, vis: Visibility, keys: Iterable[str]) -> list[str]:
    if not vis.allows(FieldGroup.LINKAGE):
        return []
    region, rparams = region_where("p.village_code", vis)
    found: list[str] = []
    for chunk in chunks(keys):
        found += [r[0] for r in conn.execute(
            "SELECT r.record_key FROM records r JOIN persons p "
            "ON p.gen = r.gen AND p.person_id = r.person_id "
            f"WHERE r.gen = {CURRENT} AND {region} AND r.record_key IN ({marks(len(chunk))})",
            [*rparams, *chunk])]
    return found


def enrolments_of_persons(conn: sqlite3.Connection, ids: Iterable[str],
                          vis: Visibility) -> dict[str, list[EnrolmentView]]:
    if not vis.allows(FieldGroup.PROGRAM):
        return {}
    region, rparams = region_where("p.village_code", vis)
    out: dict[str, list[EnrolmentView]] = {}
    for chunk in chunks(ids):
        sql = (f"SELECT p.person_id, r.program, r.dataset, r.agency, r.source_id FROM persons p "
               "LEFT JOIN records r ON r.gen = p.gen AND r.person_id = p.person_id "
               "AND r.program IS NOT NULL "
               f"WHERE p.gen = {CURRENT} AND {region} AND p.person_id IN ({marks(len(chunk))}) "
               "ORDER BY p.person_id, r.program, r.dataset, r.source_id")
        for row in conn.execute(sql, [*rparams, *chunk]):
            lst = out.setdefault(row[0], [])
            if row[1] is not None:
                lst.append(EnrolmentView(row[0], row[1], row[2], row[3], row[4]))
    return out
