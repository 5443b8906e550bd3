"""The Neo4j store's long lists and aggregates: persons, overlap, duplicates, targeting
and region statistics. Lists page by ``person_id`` (keyset: ``p.person_id > $after``,
never SKIP), so a page costs the same wherever it starts."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from core.errors import InputError
from graph._cypher_pinned import run_in
from graph._cypher_read import enrolments_of_persons
from graph._cypher_text import check_region, projection, region_filter
from graph._project import person_props_for, person_view
from graph.model import FieldGroup, Visibility, region_level_of
from graph.paging import check_first, decode_cursor, encode_cursor
from graph.views import (
    DuplicateEnrolmentView,
    Page,
    PersonView,
    RegionCountsView,
    RegionStatsView,
    TargetingRow,
    TargetingView,
)

__all__ = ["duplicate_enrolments", "list_persons", "program_overlap", "region_counts", "region_stats",
           "targeting"]

Tx = ManagedTransaction


def _enrolled(var: str, param: str) -> str:
    return f"EXISTS {{ ({var})-[:ENROLLED_IN]->(:Program {{name: ${param}}}) }}"


def _person_page(tx: Tx, gen: int, vis: Visibility, region: str | None, first: int, after: str | None,
                 where: list[str], params: dict[str, Any], match: str = "MATCH (p:Person {gen: $gen})"
                 ) -> Page[PersonView]:
    check_first(first)
    cursor = decode_cursor(after, (str,))
    rsql, rparams = region_filter("p", vis, region)
    clauses = [rsql, *where]
    if cursor is not None:
        clauses.append("p.person_id > $after")
        params = {**params, "after": cursor[0]}
    rows = tx.run(f"{match} WHERE {' AND '.join(clauses)} RETURN {projection('p', person_props_for(vis))} "
                  "AS row ORDER BY p.person_id LIMIT $limit", gen=gen, limit=first + 1, **params,
                  **rparams).fetch(first + 1)
    items = [person_view(r["row"]) for r in rows[:first]]
    return Page(items, encode_cursor(items[-1].person_id) if items else None, len(rows) > first)


def _empty(first: int, region: str | None) -> Page[Any]:
    check_first(first)
    check_region(region)
    return Page([], None, False)


def list_persons(tx: Tx, gen: int, vis: Visibility, region: str | None, program: str | None, first: int,
                 after: str | None) -> Page[PersonView]:
    if program is not None and not vis.allows(FieldGroup.PROGRAM):
        return _empty(first, region)
    where, params = ([_enrolled("p", "program")], {"program": program}) if program is not None else ([], {})
    return _person_page(tx, gen, vis, region, first, after, where, params)


def program_overlap(tx: Tx, gen: int, programs: list[str], vis: Visibility, region: str | None, first: int,
                    after: str | None) -> Page[PersonView]:
    if not programs:
        raise InputError("program overlap needs at least one program", where="programs")
    if not vis.allows(FieldGroup.PROGRAM):
        return _empty(first, region)
    names = list(dict.fromkeys(programs))
    params = {f"program{i}": name for i, name in enumerate(names)}
    return _person_page(tx, gen, vis, region, first, after, [_enrolled("p", k) for k in params], params)


def duplicate_enrolments(tx: Tx, gen: int, program: str, vis: Visibility, region: str | None, first: int,
                         after: str | None) -> Page[DuplicateEnrolmentView]:
    if not vis.allows(FieldGroup.PROGRAM):
        return _empty(first, region)
    match = ("MATCH (p:Person {gen: $gen}) WHERE EXISTS { (p)-[:ENROLLED_IN]->(:Program {name: $program}) } "
             "WITH p WHERE COUNT { (r:Record)-[:OF]->(p) WHERE r.program = $program } >= 2 WITH p")
    page = _person_page(tx, gen, vis, region, first, after, [], {"program": program}, match)
    enrolments = run_in(tx, gen, enrolments_of_persons([p.person_id for p in page.items], vis))
    items = [DuplicateEnrolmentView(p, program, [e for e in enrolments.get(p.person_id, [])
                                                 if e.program == program]) for p in page.items]
    return Page(items, page.end_cursor, page.has_next)


def targeting(tx: Tx, gen: int, program: str, vis: Visibility, region: str | None) -> TargetingView:
    if not vis.allows(FieldGroup.PROGRAM):
        check_region(region)
        return TargetingView(program, region, [], 0)
    decile = "h.welfare_decile" if vis.allows(FieldGroup.WELFARE) else "null"
    rsql, params = region_filter("p", vis, region)
    rows = tx.run(
        f"MATCH (p:Person {{gen: $gen}}) WHERE {rsql} OPTIONAL MATCH (p)-[:MEMBER_OF]->(h:Household) "
        f"WITH p, {decile} AS d, {_enrolled('p', 'program')} AS enrolled "
        "RETURN d, count(*) AS persons, sum(CASE WHEN enrolled THEN 1 ELSE 0 END) AS enrolled_persons, "
        "count(DISTINCT p.household_id) AS households, "
        "count(DISTINCT CASE WHEN enrolled THEN p.household_id END) AS enrolled_households, "
        "sum(CASE WHEN enrolled AND p.deceased THEN 1 ELSE 0 END) AS deceased",
        gen=gen, program=program, **params).data()
    rows.sort(key=lambda r: (r["d"] is None, r["d"] or 0))
    return TargetingView(program, region, [TargetingRow(r["d"], r["persons"], r["enrolled_persons"],
                                                        r["households"], r["enrolled_households"])
                                           for r in rows], sum(r["deceased"] for r in rows))


def region_stats(tx: Tx, gen: int, code: str, vis: Visibility) -> RegionStatsView | None:
    level = region_level_of(code)
    if not vis.in_region(code) or tx.run("MATCH (r:Region {gen: $gen, code: $code}) RETURN 1 AS one",
                                         gen=gen, code=code).single() is None:
        return None
    psql, pparams = region_filter("p", vis, code)
    hsql, hparams = region_filter("h", vis, code)
    people = tx.run(f"MATCH (p:Person {{gen: $gen}}) WHERE {psql} RETURN count(*) AS n, "
                    "sum(CASE WHEN p.deceased THEN 1 ELSE 0 END) AS deceased", gen=gen, **pparams).single()
    deciles = [(r["d"], r["n"]) for r in tx.run(
        f"MATCH (h:Household {{gen: $gen}}) WHERE {hsql} RETURN h.welfare_decile AS d, count(*) AS n",
        gen=gen, **hparams)]
    deciles.sort(key=lambda dn: (dn[0] is None, dn[0] or 0))
    programs = [(r["name"], r["n"]) for r in tx.run(
        f"MATCH (p:Person {{gen: $gen}})-[:ENROLLED_IN]->(g:Program) WHERE {psql} "
        "RETURN g.name AS name, count(DISTINCT p) AS n ORDER BY name", gen=gen, **pparams)]
    return RegionStatsView(code, level, people["n"], sum(n for _, n in deciles), deciles, programs,
                           people["deceased"])


def region_counts(tx: Tx, gen: int) -> RegionCountsView:
    regions = tuple(r["code"] for r in tx.run(
        "MATCH (r:Region {gen: $gen}) RETURN r.code AS code ORDER BY code", gen=gen))
    persons = tuple((r["v"], r["n"], r["d"]) for r in tx.run(
        "MATCH (p:Person {gen: $gen}) WHERE p.village_code IS NOT NULL RETURN p.village_code AS v, "
        "count(*) AS n, sum(CASE WHEN p.deceased THEN 1 ELSE 0 END) AS d", gen=gen))
    households = tuple((r["v"], r["d"], r["n"]) for r in tx.run(
        "MATCH (h:Household {gen: $gen}) WHERE h.village_code IS NOT NULL RETURN h.village_code AS v, "
        "h.welfare_decile AS d, count(*) AS n", gen=gen))
    programs = tuple((r["v"], r["g"], r["n"]) for r in tx.run(
        "MATCH (p:Person {gen: $gen})-[:ENROLLED_IN]->(g:Program) WHERE p.village_code IS NOT NULL "
        "RETURN p.village_code AS v, g.name AS g, count(DISTINCT p) AS n", gen=gen))
    return RegionCountsView(regions, persons, households, programs)
