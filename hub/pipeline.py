"""One linkage run: ingest -> train/reuse -> predict -> cluster -> households -> ids ->
verification -> publish.

Steward rulings (must-link / cannot-link) and the previous run's ids are read from
the store, so every run honours decisions and keeps ids. The trained model is saved
beside the workspace (``model.json``) and a copy per run (``models/<run_id>.json``).

Example:
    >>> from graph import open_store
    >>> store = open_store("dtsen-data/graph.sqlite")
    >>> result = run_link(Path("sources.toml"), Path("dtsen-data"), store)   # doctest: +SKIP
    >>> result.summary["persons"]                                            # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from graph import ConstraintKind, GraphStore, LinkageRunRow, Publication
from graph.model import LineageRow
from hub._publication import build_rows
from linkage.canonical import record_key
from linkage.engines import Engine
from linkage.households import assign_households
from linkage.people import DEFAULT_REVIEW_FLOOR, DEFAULT_THRESHOLD, link_people
from linkage.realtime import write_snapshot
from linkage.scratch import scratch
from linkage.stable_ids import assign_ids
from linkage.verification import summarise, verify

__all__ = ["STAGES", "LinkResult", "run_link", "run_link_workspace"]

#: The stages reported to ``progress``, in order.
STAGES = ("ingest", "train", "predict", "cluster", "households", "ids", "verification", "publish", "snapshot")

Progress = Callable[[str], None]


@dataclass(slots=True)
class LinkResult:
    run_id: str
    model: dict[str, Any]
    summary: dict[str, Any]
    blocking: list[dict[str, Any]] = field(default_factory=list)
    lineage: list[LineageRow] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def run_link(sources: Path, data_dir: Path, store: GraphStore, *, model: Path | None = None,
             threshold: float = DEFAULT_THRESHOLD, review_floor: float = DEFAULT_REVIEW_FLOOR,
             progress: Progress | None = None, seed: int = 42, engine: Engine | None = None) -> LinkResult:
    """Ingest ``sources`` into ``data_dir/workspace.duckdb``, link and publish into ``store``.

    ``engine`` (``linkage.engines``) trains and scores on Spark; None keeps Splink on DuckDB."""
    from linkage.intake import ingest  # the intake step; imported late, it is the heaviest module

    clock = _Clock(progress)
    clock.start("ingest")
    data_dir.mkdir(parents=True, exist_ok=True)
    workspace = data_dir / "workspace.duckdb"
    report = ingest(sources, workspace)
    con = duckdb.connect(str(workspace))
    try:
        result = run_link_workspace(con, data_dir, store, model=model, threshold=threshold,
                                    review_floor=review_floor, clock=clock, seed=seed, engine=engine)
    finally:
        con.close()
    result.summary["ingest"] = _report_counts(report)
    return result


def run_link_workspace(con: duckdb.DuckDBPyConnection, data_dir: Path, store: GraphStore, *,
                       model: Path | dict[str, Any] | None = None, threshold: float = DEFAULT_THRESHOLD,
                       review_floor: float = DEFAULT_REVIEW_FLOOR, progress: Progress | None = None,
                       clock: _Clock | None = None, seed: int = 42, u_max_pairs: float = 2e6,
                       count_blocking: bool = True, run_id: str | None = None,
                       engine: Engine | None = None) -> LinkResult:
    """Link the ``records`` already in the workspace ``con`` and publish the run into ``store``."""
    clock = clock or _Clock(progress)
    started = datetime.now(UTC)
    run_id = run_id or "run-" + started.strftime("%Y%m%dT%H%M%S%fZ")
    must, cannot = [], []
    for c in store.constraints():
        (must if c.kind is ConstraintKind.MUST_LINK else cannot).append((c.left_key, c.right_key))
    with scratch(con):   # Splink and the clustering in memory; only their results reach the workspace
        people = link_people(con, threshold=threshold, review_floor=review_floor, model=model,
                             must_link=must, cannot_link=cannot, seed=seed, u_max_pairs=u_max_pairs,
                             count_blocking=count_blocking, stage=clock.start, engine=engine)
        _save_model(data_dir, run_id, people.model)
        clock.start("households")
        assign_households(con)
    clock.start("ids")
    previous = [(record_key(ds, sid), pid, hid) for ds, sid, pid, hid in store.export_links()]
    person_members = {c[0]: c for c in people.clustering.clusters}
    person_ids, person_lineage = assign_ids(((k, p) for k, p, _ in previous), person_members, "person",
                                            run_id)
    household_members: dict[str, list[str]] = {}
    for cluster_id, hkey in con.execute("SELECT cluster_id, household_cluster_id FROM household_clusters "
                                        "ORDER BY cluster_id").fetchall():
        household_members.setdefault(hkey, []).extend(person_members[cluster_id])
    household_ids, household_lineage = assign_ids(((k, h) for k, _, h in previous), household_members,
                                                  "household", run_id)
    clock.start("verification")
    statuses = verify(con)
    verification = summarise(con, statuses)
    clock.start("publish")
    rows = build_rows(con, person_ids=person_ids, household_ids=household_ids, statuses=statuses,
                      pairs=people.pairs(con), review=people.clustering.review, threshold=threshold)
    lineage = person_lineage + household_lineage
    summary = {**people.summary, "persons": len(rows["persons"]), "households": len(rows["households"]),
               "verification": verification.by_status,
               "deceased_still_enrolled": verification.deceased_still_enrolled,
               "lineage": len(lineage), "blocking": people.blocking}
    run = LinkageRunRow(run_id=run_id, started_at=started, finished_at=datetime.now(UTC), threshold=threshold,
                        model_json=json.dumps(people.model, sort_keys=True), summary=summary)
    store.publish(Publication(run=run, lineage=lineage, **rows))
    clock.start("snapshot")
    _write_matcher_snapshot(con, data_dir, person_ids, household_ids)
    clock.stop()
    summary["timings"] = dict(clock.timings)
    return LinkResult(run_id, people.model, summary, people.blocking, lineage, dict(clock.timings))


def _write_matcher_snapshot(con: duckdb.DuckDBPyConnection, data_dir: Path, person_ids: dict[str, str],
                            household_ids: dict[str, str]) -> None:
    """The linked records, with their stable ids, that the real-time matcher loads (``linked.parquet``)."""
    cur = con.cursor()
    try:
        cur.register("_person_ids", pa.table({"cluster_id": list(person_ids),
                                              "person_id": list(person_ids.values())}))
        cur.register("_household_ids", pa.table({"household_cluster_id": list(household_ids),
                                                 "household_id": list(household_ids.values())}))
        cur.execute("CREATE OR REPLACE TEMP TABLE record_ids AS SELECT c.record_key, p.person_id, "
                    "h.household_id FROM person_clusters c JOIN _person_ids p USING (cluster_id) "
                    "LEFT JOIN household_clusters hc USING (cluster_id) "
                    "LEFT JOIN _household_ids h USING (household_cluster_id)").fetchall()
        write_snapshot(cur, data_dir / "linked.parquet")
    finally:
        cur.close()


def _save_model(data_dir: Path, run_id: str, model: dict[str, Any]) -> None:
    text = json.dumps(model, indent=2, sort_keys=True)
    (data_dir / "models").mkdir(parents=True, exist_ok=True)
    (data_dir / "models" / f"{run_id}.json").write_text(text, encoding="utf-8")
    (data_dir / "model.json").write_text(text, encoding="utf-8")


def _report_counts(report: Any) -> dict[str, Any]:
    to_json = getattr(report, "to_json", None)
    if to_json is None:
        return {}
    data = to_json()
    data = json.loads(data) if isinstance(data, str) else data
    return {k: v for k, v in data.items() if isinstance(v, int | float)}


class _Clock:
    """Stage timings, and the progress callback as each stage starts."""

    def __init__(self, progress: Progress | None) -> None:
        import time

        self._now = time.perf_counter
        self._progress = progress
        self._current: str | None = None
        self._since = 0.0
        self.timings: dict[str, float] = {}

    def start(self, stage: str) -> None:
        self.stop()
        self._current, self._since = stage, self._now()
        if self._progress is not None:
            self._progress(stage)

    def stop(self) -> None:
        if self._current is not None:
            self.timings[self._current] = round(self._now() - self._since, 3)
            self._current = None
