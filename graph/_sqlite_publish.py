"""The embedded store's write path: bulk publish under a new generation, and attach.

A publish writes every row under a fresh ``gen`` in batches (each its own
transaction, so the WAL stays small and a kill loses at most one batch), then
switches ``current`` in one short transaction. Readers select ``gen =
current`` in every statement, so they see the old run or the new one, never a
mix. Generations that are not current (the retired one, or one a killed
publish left behind) are deleted before and after.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from core.errors import InputError, NotFoundError
from graph._flatten import (
    household_props,
    match_props,
    person_props,
    programs_of,
    record_props,
    regions_of,
    review_props,
)
from graph._sqlite_schema import RUN_TABLES
from graph._validate import check_publication
from graph.model import DatasetRow, HouseholdRow, PersonRow, Publication, RecordRow
from graph.protocol import Progress

__all__ = ["attach_record", "publish"]

_BATCH = 20_000


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _insert(conn: sqlite3.Connection, table: str, gen: int, rows: Iterable[dict[str, Any]], total: int,
            progress: Progress | None, *, verb: str = "INSERT") -> None:
    sql: str | None = None
    batch: list[tuple[Any, ...]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, batch)  # type: ignore[arg-type]
        conn.execute("COMMIT")
        done += len(batch)
        batch.clear()
        if progress is not None:
            progress(table, done, total)

    for row in rows:
        if sql is None:
            cols = ", ".join(row)
            sql = f"{verb} INTO {table} (gen, {cols}) VALUES (?, {', '.join('?' * len(row))})"
        batch.append((gen, *row.values()))
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()


def drop_stale(conn: sqlite3.Connection) -> None:
    """Delete every generation that is not current (retired or left by a crash)."""
    stale = [r[0] for r in conn.execute(
        "SELECT gen FROM generations WHERE gen IS NOT (SELECT gen FROM current WHERE id = 1)")]
    for gen in stale:
        for table in RUN_TABLES:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"DELETE FROM {table} WHERE gen = ?", (gen,))
            conn.execute("COMMIT")
        conn.execute("DELETE FROM generations WHERE gen = ?", (gen,))


def publish(conn: sqlite3.Connection, pub: Publication, progress: Progress | None) -> None:
    check_publication(pub)
    drop_stale(conn)
    conn.execute("BEGIN IMMEDIATE")
    gen = conn.execute("SELECT COALESCE(MAX(gen), 0) + 1 FROM generations").fetchone()[0]
    conn.execute("INSERT INTO generations VALUES (?, ?, 'writing', ?)", (gen, pub.run.run_id, _now()))
    conn.execute("COMMIT")

    agency = {d.name: d.agency for d in pub.datasets}
    counts: dict[str, int] = dict.fromkeys(agency, 0)
    for r in pub.records:
        counts[r.dataset] += 1
    key_dataset = {r.record_key: r.dataset for r in pub.records}
    codes: Iterator[str | None] = (c for rows in (pub.persons, pub.households, pub.records)
                                   for c in (x.village_code for x in rows))
    run_id = pub.run.run_id
    _insert(conn, "datasets", gen, ({"name": d.name, "agency": d.agency, "program": d.program,
                                     "reference": int(d.reference), "records": counts[d.name]}
                                    for d in pub.datasets), len(pub.datasets), progress)
    _insert(conn, "programs", gen, ({"name": p} for p in programs_of(pub)), 0, progress)
    _insert(conn, "regions", gen, regions_of(codes), 0, progress)
    _insert(conn, "households", gen, map(household_props, pub.households), len(pub.households), progress)
    _insert(conn, "persons", gen, map(person_props, pub.persons), len(pub.persons), progress)
    _insert(conn, "records", gen, (record_props(r, agency[r.dataset]) for r in pub.records),
            len(pub.records), progress)
    _insert(conn, "matches", gen, (match_props(m, run_id) for m in pub.matches), len(pub.matches), progress,
            verb="INSERT OR REPLACE")
    _insert(conn, "review_items", gen, (review_props(i, run_id, key_dataset) for i in pub.review_items),
            len(pub.review_items), progress)

    run = pub.run
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (run.run_id, run.started_at.isoformat(), run.finished_at.isoformat(), run.threshold,
                  run.model_json, json.dumps(run.summary, sort_keys=True, default=str), _now()))
    conn.executemany("INSERT OR REPLACE INTO lineage VALUES (?, ?, ?, ?)",
                     [(x.run_id, x.kind, x.old_id, json.dumps(list(x.new_ids))) for x in pub.lineage])
    conn.execute("INSERT INTO current VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET gen = excluded.gen, "
                 "run_id = excluded.run_id", (gen, run_id))
    conn.execute("UPDATE generations SET state = CASE WHEN gen = ? THEN 'current' ELSE 'retired' END", (gen,))
    conn.execute("COMMIT")
    drop_stale(conn)
    # Fresh statistics, sampled so this stays quick at a million rows: without them the planner
    # guesses, and may walk a whole program index to find one person's enrolments.
    conn.execute("PRAGMA analysis_limit=2000")
    conn.execute("ANALYZE")


def attach_record(conn: sqlite3.Connection, record: RecordRow, person: PersonRow | None,
                  household: HouseholdRow | None, dataset: DatasetRow | None) -> None:
    if person is not None and person.person_id != record.person_id:
        raise InputError(f"record {record.record_key!r} names person {record.person_id!r} but person "
                         f"{person.person_id!r} was given", where="attach_record")
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT gen FROM current WHERE id = 1").fetchone()
        if row is None:
            raise NotFoundError("no linkage run has been published yet", where="attach_record",
                                hint="run `dtsen-hub link` first")
        gen = row[0]
        ds = conn.execute("SELECT agency FROM datasets WHERE gen = ? AND name = ?",
                          (gen, record.dataset)).fetchone()
        if ds is None and dataset is None:
            raise InputError(f"dataset {record.dataset!r} does not exist", where="attach_record",
                             hint="pass dataset=DatasetRow(...) to create it")
        if ds is None and dataset is not None:
            conn.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, 0)",
                         (gen, dataset.name, dataset.agency, dataset.program, int(dataset.reference)))
        agency = ds[0] if ds is not None else dataset.agency  # type: ignore[union-attr]
        if household is not None:
            _upsert(conn, "households", gen, household_props(household))
        if person is not None:
            _upsert(conn, "persons", gen, person_props(person))
        elif conn.execute("SELECT 1 FROM persons WHERE gen = ? AND person_id = ?",
                          (gen, record.person_id)).fetchone() is None:
            raise NotFoundError(f"person {record.person_id!r} does not exist", where="attach_record",
                                hint="pass person=PersonRow(...) for a new person")
        new = conn.execute("SELECT 1 FROM records WHERE gen = ? AND record_key = ?",
                           (gen, record.record_key)).fetchone() is None
        _upsert(conn, "records", gen, record_props(record, agency))
        if new:
            conn.execute("UPDATE datasets SET records = records + 1 WHERE gen = ? AND name = ?",
                         (gen, record.dataset))
        if record.program:
            conn.execute("INSERT OR IGNORE INTO programs VALUES (?, ?)", (gen, record.program))
        codes = [record.village_code, *(x.village_code for x in (person, household) if x is not None)]
        for region in regions_of(iter(codes)):
            conn.execute("INSERT OR IGNORE INTO regions VALUES (?, ?, ?, ?)",
                         (gen, region["code"], region["level"], region["parent"]))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _upsert(conn: sqlite3.Connection, table: str, gen: int, row: dict[str, Any]) -> None:
    conn.execute(f"INSERT OR REPLACE INTO {table} (gen, {', '.join(row)}) VALUES (?, "
                 f"{', '.join('?' * len(row))})", (gen, *row.values()))
