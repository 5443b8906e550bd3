"""Shared by the linkage benchmarks: one pipeline run timed and memory-sampled per stage,
and bare Splink (train + predict + cluster) on the same records for the ratio.

Peak memory is the process's resident set (DuckDB works in-process), sampled every
50 ms by a thread and attributed to the stage running at the time.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from graph import GraphStore, Publication, open_store
from hub.pipeline import run_link
from linkage.evaluate import evaluate_files, exact_nik_baseline, pairwise_metrics, read_assignments

__all__ = ["RssSampler", "TeeStore", "bare_splink", "export_links", "pipeline_run", "synthesise"]

ROOT = Path(__file__).resolve().parents[1]

_UP_TO_HOUSEHOLDS = ("ingest", "train", "predict", "cluster", "households")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """Peak resident memory per stage (the stage is whatever ``stage(name)`` said last)."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self.loads: dict[str, float] = {}     # highest 1-minute load average seen per stage
        self._stage = "start"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def stage(self, name: str) -> None:
        self._sample()
        self._stage = name

    def _sample(self) -> None:
        rss = _rss_mb()
        self.peaks[self._stage] = max(self.peaks.get(self._stage, 0.0), round(rss, 1))
        self.loads[self._stage] = max(self.loads.get(self._stage, 0.0), round(os.getloadavg()[0], 2))

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._sample()


def export_links(store_location: str, out: Path) -> Path:
    """The ``export links`` CSV of the store's current run."""
    store = open_store(store_location)
    try:
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["dataset", "source_id", "person_id", "household_id"])
            for row in store.export_links():
                writer.writerow(["" if v is None else v for v in row])
    finally:
        store.close()
    return out


class TeeStore:
    """The embedded store for reads; ``publish`` goes to it and then to a second store (Neo4j),
    each timed and memory-sampled as its own stage (``publish_embedded``, ``publish_neo4j``)."""

    def __init__(self, embedded: GraphStore, other: GraphStore, stage: Callable[[str], None]) -> None:
        self._embedded, self._other, self._stage = embedded, other, stage
        self.seconds: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._embedded, name)

    def publish(self, pub: Publication, **kw: Any) -> None:
        for name, store in (("publish_embedded", self._embedded), ("publish_neo4j", self._other)):
            self._stage(name)
            started = time.perf_counter()
            store.publish(pub, **kw)
            self.seconds[name] = round(time.perf_counter() - started, 2)


def pipeline_run(sources: Path, work: Path, truth: Path | None, *, neo4j: GraphStore | None = None,
                 **link_kw: Any) -> dict[str, Any]:
    """``dtsen-hub link`` as a function call, into a fresh embedded store under ``work``.

    With ``neo4j`` the run is published into it too, after the embedded store, and
    ``seconds_per_stage`` gains ``publish_embedded`` and ``publish_neo4j`` (``publish`` is
    still the whole stage: building the rows and both stores). If the run fails, what was
    measured so far is kept in ``work/partial.json`` (a 1M run fails late and costs an hour)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    location = str(work / "graph.sqlite")
    store = open_store(location)
    tee: TeeStore | None = None
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    try:
        with RssSampler() as sampler:
            def progress(name: str) -> None:
                marks.append((name, time.perf_counter()))
                sampler.stage(name)

            tee = TeeStore(store, neo4j, sampler.stage) if neo4j is not None else None
            try:
                result = run_link(sources, work, tee or store, progress=progress, **link_kw)  # type: ignore[arg-type]
            except Exception as exc:
                _partial(work / "partial.json", marks, tee.seconds if tee else {}, sampler, exc)
                raise
    finally:
        store.close()
    total = time.perf_counter() - started
    out: dict[str, Any] = {
        "seconds_total": round(total, 2),
        "seconds_per_stage": {**result.timings, **(tee.seconds if tee else {})},
        "seconds_intake_to_households": round(sum(result.timings.get(k, 0.0) for k in _UP_TO_HOUSEHOLDS), 2),
        "peak_rss_mb_per_stage": sampler.peaks,
        "load_average_per_stage": sampler.loads,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "summary": {k: v for k, v in result.summary.items() if k != "timings"},
    }
    if truth is not None:
        links = export_links(location, work / "links.csv")
        con = duckdb.connect(str(work / "workspace.duckdb"), read_only=True)
        try:
            baseline = exact_nik_baseline(con)
        finally:
            con.close()
        out["accuracy"] = evaluate_files(links, truth, baseline=baseline)
    return out


def _partial(out: Path, marks: list[tuple[str, float]], publish: dict[str, float], sampler: RssSampler,
             exc: BaseException) -> None:
    """The stage times the progress marks give, each store's publish, peaks and loads, and the failure."""
    ends = [t for _, t in marks[1:]] + [time.perf_counter()]
    seconds = {name: round(end - t, 2) for (name, t), end in zip(marks, ends, strict=True)}
    out.write_text(json.dumps({"failed_with": repr(exc)[:500], "stage_seconds": seconds,
                               "publish_seconds": publish, "peak_rss_mb_per_stage": sampler.peaks,
                               "load_average_per_stage": sampler.loads}, indent=2) + "\n", encoding="utf-8")


def _train_as_a_splink_user(con: duckdb.DuckDBPyConnection, *, seed: int, u_max_pairs: float) -> Any:
    """The model's settings trained the way Splink's documentation does it: one linker, the prior
    from the same deterministic rules, u by seeded random sampling, then one EM session per
    training block (Splink averages each level's m over the sessions that trained it)."""
    from splink import DuckDBAPI, Linker, block_on

    from linkage.model_spec import build_settings, deterministic_rules, training_blocks
    from linkage.training import INPUT_TABLE, present_columns

    present = present_columns(con)
    linker = Linker(DuckDBAPI(con).register(INPUT_TABLE), build_settings(present), log_level=None)
    rules = deterministic_rules(present)
    if rules:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for cols, _only in training_blocks(present):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), estimate_without_term_frequencies=True)
        except ValueError:   # a block EM cannot train (a level's m driven to 0): skipped, as in the pipeline
            continue
    return linker


def synthesise(out: Path, people: int, seed: int) -> float:
    """``dtsen-hub synth`` into ``out`` (as a user would run it); returns the seconds it took."""
    started = time.perf_counter()
    cli = str(Path(sys.executable).parent / "dtsen-hub")
    subprocess.run([cli, "synth", str(out), "--people", str(people), "--seed", str(seed)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 2)


def bare_splink(workspace: Path, truth: Path | None, *, threshold: float, floor: float, seed: int = 42,
                u_max_pairs: float = 2e6) -> dict[str, Any]:
    """Splink alone on the same ``records``: train, predict, cluster (no intake, no publish).

    ``u_max_pairs`` must be the pipeline's (``link_people``'s default, 2e6) for a fair ratio."""
    from linkage.training import prepare_input

    con = duckdb.connect()
    con.execute(f"ATTACH '{workspace}' AS ws (READ_ONLY)")
    con.execute("CREATE TABLE records AS SELECT * FROM ws.records")
    con.execute("DETACH ws")
    timings: dict[str, float] = {}
    with RssSampler() as sampler:
        t0 = time.perf_counter()
        sampler.stage("train")
        prepare_input(con)
        linker = _train_as_a_splink_user(con, seed=seed, u_max_pairs=u_max_pairs)
        t1 = time.perf_counter()
        sampler.stage("predict")
        scored = linker.inference.predict(threshold_match_probability=floor)
        t2 = time.perf_counter()
        sampler.stage("cluster")
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            scored, threshold_match_probability=threshold)
        table = clusters.physical_name
        assignment = dict(con.execute(f"SELECT unique_id, cluster_id FROM {table}").fetchall())
        t3 = time.perf_counter()
    timings = {"train": round(t1 - t0, 3), "predict": round(t2 - t1, 3), "cluster": round(t3 - t2, 3)}
    out: dict[str, Any] = {"seconds_total": round(t3 - t0, 2), "seconds_per_stage": timings,
                           "peak_rss_mb_per_stage": sampler.peaks, "load_average_per_stage": sampler.loads,
                           "people": len(set(assignment.values()))}
    if truth is not None:
        true = read_assignments(truth, "person_id")
        out["person_pairwise"] = pairwise_metrics({str(k): str(v) for k, v in assignment.items()},
                                                  true).as_dict()
    con.close()
    return out
