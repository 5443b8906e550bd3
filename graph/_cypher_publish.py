"""The Neo4j store's publish: a new generation in batched UNWIND writes, then one switch.

Every run-scoped node carries ``gen``. A publish records a ``(:Generation)``
first (so a crash leaves a trace), writes each kind in batches, each an
``UNWIND ... CREATE`` in its own managed transaction (``execute_write`` retries
transient errors on a rolled-back transaction, and the ``(gen, key)`` constraint
refuses a duplicate), then moves the single ``(:Current)`` pointer in one
transaction. Readers pin the generation the pointer names, so they see the old
run or the new one, never a mix. Each node CREATE returns the new nodes' element ids,
kept in memory only while a later kind needs them as relationship ends (households for
persons, persons for records, matched records for matches): see ``graph._cypher_writes``.
Generations that are not current (the retired one, or one a killed publish left behind)
are deleted in batches before and after.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError

from core.errors import ConflictError
from graph._cypher_schema import RUN_LABELS
from graph._cypher_writes import CYPHER, LINKS, MERGE_CYPHER, PROPS, node_properties
from graph._flatten import (
    household_props,
    match_props,
    person_props,
    programs_of,
    record_props,
    regions_of,
    review_props,
)
from graph._validate import check_publication
from graph.model import Publication
from graph.protocol import Progress

__all__ = ["drop_stale", "publish", "run_batch"]

_BATCH = 20_000
_DELETE_BATCH = 10_000


def run_batch(tx: ManagedTransaction, kind: str, rows: list[dict[str, Any]], gen: int) -> None:
    """Every MERGE statement of ``kind`` over ``rows``, in the caller's transaction: the rows
    go into a generation that already holds nodes (an attached record)."""
    for statement in MERGE_CYPHER[kind]:
        tx.run(statement, rows=rows, gen=gen).consume()


def _create(tx: ManagedTransaction, kind: str, rows: list[dict[str, Any]], gen: int) -> list[tuple[str, str]]:
    """One fresh-generation batch: ``(key, element id)`` per new node, none for a links kind.

    Every row must come out once (a node kind) or be counted once (a links kind): a
    relationship end that was not found would otherwise drop its row without a word."""
    if kind in LINKS:
        made = tx.run(LINKS[kind], rows=rows, gen=gen).single()
        found = int(made["created"]) if made is not None else 0
        out: list[tuple[str, str]] = []
    else:
        result = tx.run(CYPHER[kind].replace(PROPS, node_properties(rows)), rows=rows, gen=gen)
        out = [(r["key"], r["id"]) for r in result]
        found = len(out)
    if found != len(rows):
        raise RuntimeError(f"publish {kind}: {len(rows)} rows wrote {found}; a relationship end is missing")
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    """Nodes of a fresh generation have no properties to remove: leaving nulls out only
    saves packing and sending them (a third of a record's values)."""
    return {k: v for k, v in row.items() if v is not None}


def _record_rows(pub: Publication, agency: dict[str, str]) -> Iterator[dict[str, Any]]:
    """A record's properties plus ``enrol``, true on the first record of each
    (person, program, dataset), the one that writes the person's ENROLLED_IN edge (the
    same edge MERGE made once however many records repeated it)."""
    enrolled: set[tuple[str, str, str]] = set()
    for r in pub.records:
        enrol = False
        if r.program is not None:
            key = (r.person_id, r.program, r.dataset)
            enrol = key not in enrolled
            enrolled.add(key)
        yield {**_compact(record_props(r, agency[r.dataset])), "enrol": enrol}


def _match_rows(pub: Publication, run_id: str) -> list[dict[str, Any]]:
    """One row per distinct (left, right) pair, the last one's scores winning, as when
    each row MERGEd the edge and SET its properties in turn."""
    pairs = {(m.left_key, m.right_key): m for m in pub.matches}
    return [match_props(m, run_id) for m in pairs.values()]


def _write(driver: Driver, database: str, kind: str, rows: list[dict[str, Any]], gen: int,
           ) -> list[tuple[str, str]]:
    with driver.session(database=database) as session:
        return session.execute_write(_create, kind, rows, gen)


def _batches(driver: Driver, database: str, kind: str, rows: Iterable[dict[str, Any]], total: int, gen: int,
             progress: Progress | None, keep: Container[str] | None = None) -> dict[str, str]:
    """Write ``rows`` a batch per transaction; the element ids of the nodes whose key is in
    ``keep`` (all of them when ``keep`` is None) come back as key -> id."""
    ids: dict[str, str] = {}
    batch: list[dict[str, Any]] = []
    done = 0
    for row in chain(rows, [None]):
        if row is not None:
            batch.append(row)
            if len(batch) < _BATCH:
                continue
        if not batch:
            break
        ids.update((k, i) for k, i in _write(driver, database, kind, batch, gen) if keep is None or k in keep)
        done += len(batch)
        batch = []
        if progress is not None:
            progress(kind, done, total)
    return ids


def drop_stale(driver: Driver, database: str) -> None:
    """Delete every generation that is not current, a batch per transaction."""
    with driver.session(database=database) as session:
        stale = session.execute_read(lambda tx: [r["gen"] for r in tx.run(
            "OPTIONAL MATCH (c:Current {id: 1}) MATCH (g:Generation) WHERE c IS NULL OR g.gen <> c.gen "
            "RETURN g.gen AS gen")])
        for gen in stale:
            for label in RUN_LABELS:
                statement = (f"MATCH (n:{label} {{gen: $gen}}) WITH n LIMIT {_DELETE_BATCH} "
                             "DETACH DELETE n RETURN count(*) AS n")
                while session.execute_write(lambda tx, s=statement, g=gen: tx.run(s, gen=g).single()["n"]):
                    pass
            session.execute_write(lambda tx, g=gen: tx.run("MATCH (n:Generation {gen: $gen}) DELETE n",
                                                           gen=g).consume())


def _new_generation(driver: Driver, database: str, run_id: str) -> int:
    def work(tx: ManagedTransaction) -> int:
        gen = tx.run("OPTIONAL MATCH (g:Generation) "
                     "RETURN coalesce(max(g.gen), 0) + 1 AS gen").single()["gen"]
        tx.run("CREATE (:Generation {gen: $gen, run_id: $run, state: 'writing', started_at: $now})",
               gen=gen, run=run_id, now=_now()).consume()
        return int(gen)

    try:
        with driver.session(database=database) as session:
            return session.execute_write(work)
    except ConstraintError as exc:
        raise ConflictError("another process started a publish into this Neo4j at the same moment",
                            where="publish", hint="publish from one process at a time") from exc


def _switch(tx: ManagedTransaction, pub: Publication, gen: int) -> None:
    run = pub.run
    tx.run("MERGE (r:LinkageRun {run_id: $run_id}) SET r.started_at = $started, r.finished_at = $finished, "
           "r.threshold = $threshold, r.model_json = $model, r.summary = $summary, r.published_at = $now",
           run_id=run.run_id, started=run.started_at.isoformat(), finished=run.finished_at.isoformat(),
           threshold=run.threshold, model=run.model_json, now=_now(),
           summary=json.dumps(run.summary, sort_keys=True, default=str)).consume()
    tx.run("UNWIND $rows AS row MERGE (l:Lineage {run_id: row.run_id, kind: row.kind, old_id: row.old_id}) "
           "SET l.new_ids = row.new_ids",
           rows=[{"run_id": x.run_id, "kind": x.kind, "old_id": x.old_id, "new_ids": list(x.new_ids)}
                 for x in pub.lineage]).consume()
    tx.run("MERGE (c:Current {id: 1}) SET c.gen = $gen, c.run_id = $run_id", gen=gen,
           run_id=run.run_id).consume()
    tx.run("MATCH (g:Generation) SET g.state = CASE WHEN g.gen = $gen THEN 'current' ELSE 'retired' END",
           gen=gen).consume()


def publish(driver: Driver, database: str, pub: Publication, progress: Progress | None) -> None:
    check_publication(pub)
    drop_stale(driver, database)
    gen = _new_generation(driver, database, pub.run.run_id)
    agency = {d.name: d.agency for d in pub.datasets}
    counts: dict[str, int] = dict.fromkeys(agency, 0)
    for r in pub.records:
        counts[r.dataset] += 1
    key_dataset = {r.record_key: r.dataset for r in pub.records}
    codes: Iterator[str | None] = (c for rows in (pub.persons, pub.households, pub.records)
                                   for c in (x.village_code for x in rows))
    run_id = pub.run.run_id

    def review_rows() -> Iterator[dict[str, Any]]:
        for item in pub.review_items:
            row = review_props(item, run_id, key_dataset)
            row["programs"] = sorted(item.programs)   # a list property: `$program IN i.programs`
            yield _compact(row)

    def write(kind: str, rows: Iterable[dict[str, Any]], total: int = 0,
              keep: Container[str] | None = None) -> dict[str, str]:
        return _batches(driver, database, kind, rows, total, gen, progress, keep)

    datasets = write("datasets", (_compact({"name": d.name, "agency": d.agency, "program": d.program,
                                            "reference": d.reference, "records": counts[d.name]})
                                  for d in pub.datasets), len(pub.datasets))
    programs = write("programs", ({"name": p} for p in programs_of(pub)))
    regions = regions_of(codes)
    region_ids = write("regions", map(_compact, regions))
    write("part_of", ({"from_region": region_ids[r["code"]], "to_region": region_ids[r["parent"]]}
                      for r in regions if r["parent"] is not None))
    households = write("households", ({**_compact(household_props(h)),
                                       "to_region": region_ids.get(h.village_code)}
                                      for h in pub.households), len(pub.households))
    persons = write("persons", ({**_compact(person_props(p)), "to_household": households.get(p.household_id)}
                                for p in pub.persons), len(pub.persons))
    del households
    match_rows = _match_rows(pub, run_id)
    matched = {k for m in match_rows for k in (m["left_key"], m["right_key"])}
    records = write("records", ({**row, "to_person": persons.get(row["person_id"]),
                                 "to_dataset": datasets[row["dataset"]],
                                 "to_program": programs[row["program"]] if row["enrol"] else None}
                                for row in _record_rows(pub, agency)), len(pub.records), keep=matched)
    del persons
    write("matches", ({**m, "from_record": records[m["left_key"]], "to_record": records[m["right_key"]]}
                      for m in match_rows), len(pub.matches))
    del records
    write("review_items", review_rows(), len(pub.review_items))
    with driver.session(database=database) as session:
        session.execute_write(_switch, pub, gen)
    drop_stale(driver, database)
