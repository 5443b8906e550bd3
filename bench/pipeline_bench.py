"""Pipeline benchmark: time and peak memory of every stage, publish into both stores, bare Splink.

For each size: synthesise a population (``dtsen-hub synth``), run ``run_link`` (intake ->
train -> predict -> cluster -> households -> ids -> verification -> publish) once,
publishing the same run into the embedded store and then into Neo4j (each timed and
memory-sampled as its own stage), then bare Splink (train + predict + cluster) on the
same records in the same process. The machine is shared, so the 1-minute load average
is recorded at every stage boundary: a stage measured under load 8 on 2 cores took
about four times what it would on an idle machine.

The scaling exponent per stage is ``log(t2/t1) / log(n2/n1)`` between the two largest
sizes in the results file (1.0 = linear). Results merge into
``bench/results/pipeline.json`` keyed by record count.

Example:
    $ .venv/bin/python -m bench.pipeline_bench --people 44000            # ~100k records
    $ timeout 3h .venv/bin/python -m bench.pipeline_bench --people 440000 # ~1M records
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._linkage_run import RssSampler, bare_splink, synthesise
from bench.store_bench import neo4j_server, open_fresh
from graph import GraphStore, Publication

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pipeline.json"


class TeeStore:
    """The embedded store for reads; ``publish`` goes to it and then to Neo4j, each as a stage."""

    def __init__(self, embedded: GraphStore, neo4j: GraphStore | None, stage: Callable[[str], None]) -> None:
        self._embedded, self._neo4j, self._stage = embedded, neo4j, stage
        self.seconds: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._embedded, name)

    def publish(self, pub: Publication, **kw: Any) -> None:
        for name, store in (("publish_embedded", self._embedded), ("publish_neo4j", self._neo4j)):
            if store is None:
                continue
            self._stage(name)
            started = time.perf_counter()
            store.publish(pub, **kw)
            self.seconds[name] = round(time.perf_counter() - started, 2)


def run(people: int, seed: int, work: Path, neo4j_uri: str | None, bare: bool) -> dict[str, Any]:
    from hub.pipeline import run_link

    data = work / f"synth-{people}"
    synth_seconds = synthesise(data, people, seed)
    out = work / f"link-{people}"
    embedded = open_fresh("embedded", out, None)
    neo4j = open_fresh("neo4j", out, neo4j_uri) if neo4j_uri else None
    loads: dict[str, float] = {}

    with RssSampler() as sampler:
        def stage(name: str) -> None:
            loads[name] = round(os.getloadavg()[0], 2)
            sampler.stage(name)

        tee = TeeStore(embedded, neo4j, stage)
        started = time.perf_counter()
        marks: list[tuple[str, float]] = []
        progress = lambda name: (marks.append((name, time.perf_counter())), stage(name))  # noqa: E731
        try:
            result = run_link(data / "sources.toml", out, tee, progress=progress, seed=seed)  # type: ignore[arg-type]
        except Exception as exc:
            # Keep what was measured: stage times from the progress marks, and the failure.
            _partial(people, marks, tee.seconds, sampler.peaks, loads, exc, work)
            raise
        finally:
            embedded.close()
            if neo4j is not None:
                neo4j.close()
        total = time.perf_counter() - started
    timings = {k: v for k, v in result.timings.items() if k != "publish"}
    timings.update(tee.seconds)
    entry: dict[str, Any] = {
        "people": people, "seed": seed, "records": result.summary.get("records"),
        "persons": result.summary.get("persons"), "households": result.summary.get("households"),
        "pairs_kept": result.summary.get("pairs_kept"), "synth_seconds": synth_seconds,
        "pipeline": {"seconds_total": round(total, 2), "seconds_per_stage": timings,
                     "publish_build_rows_seconds": round(result.timings.get("publish", 0.0)
                                                         - sum(tee.seconds.values()), 2),
                     "peak_rss_mb_per_stage": sampler.peaks, "load_average_1m_at_stage_start": loads},
        "load_average_1m_end": round(os.getloadavg()[0], 2),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if bare:
        entry["load_average_1m_before_bare"] = round(os.getloadavg()[0], 2)
        from linkage.people import DEFAULT_REVIEW_FLOOR, DEFAULT_THRESHOLD

        entry["bare_splink"] = bare_splink(out / "workspace.duckdb", None, threshold=DEFAULT_THRESHOLD,
                                           floor=DEFAULT_REVIEW_FLOOR, seed=seed, u_max_pairs=2e6)
        core = ("train", "predict", "cluster")
        entry["ratio_train_predict_cluster_over_bare"] = round(
            sum(timings.get(k, 0.0) for k in core) / entry["bare_splink"]["seconds_total"], 3)
    return entry


def _partial(people: int, marks: list[tuple[str, float]], publish: dict[str, float], peaks: dict[str, float],
             loads: dict[str, float], exc: BaseException, work: Path) -> None:
    now = time.perf_counter()
    ends = [t for _, t in marks[1:]] + [now]
    seconds = {name: round(end - t, 2) for (name, t), end in zip(marks, ends, strict=True)}
    out = work / f"partial-{people}.json"
    out.write_text(json.dumps({"people": people, "failed_with": repr(exc)[:500], "stage_seconds": seconds,
                               "publish_seconds": publish, "peak_rss_mb_per_stage": peaks,
                               "load_average_1m_at_stage_start": loads}, indent=2) + "\n", encoding="utf-8")


def scaling(runs: dict[str, Any]) -> dict[str, Any]:
    """Per-stage exponent between the two largest runs (time ~ records ** exponent)."""
    sizes = sorted(runs, key=int)
    if len(sizes) < 2:
        return {}
    small, large = runs[sizes[-2]], runs[sizes[-1]]
    ratio = math.log(int(sizes[-1]) / int(sizes[-2]))
    out: dict[str, Any] = {"from_records": int(sizes[-2]), "to_records": int(sizes[-1]), "stages": {}}
    a, b = small["pipeline"]["seconds_per_stage"], large["pipeline"]["seconds_per_stage"]
    for stage in a:
        if a.get(stage) and b.get(stage):
            out["stages"][stage] = round(math.log(b[stage] / a[stage]) / ratio, 2)
    out["total"] = round(math.log(large["pipeline"]["seconds_total"] / small["pipeline"]["seconds_total"])
                         / ratio, 2)
    return out


def _merge(entry: dict[str, Any], results: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    data["machine"] = {"python": platform.python_version(), "cpus": len(os.sched_getaffinity(0)),
                       "memory_gb": memory_gb, "platform": platform.platform(),
                       "shared": "other engineers' tests ran at the same time"}
    data.setdefault("runs", {})[str(entry["records"])] = entry
    data["scaling"] = scaling(data["runs"])
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=44_000, help="synthetic people (~2.3 records each)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "pipeline")
    parser.add_argument("--no-neo4j", action="store_true", help="publish into the embedded store only")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Splink run")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.no_neo4j:
        entry = run(args.people, args.seed, args.work, None, not args.no_bare)
    else:
        with neo4j_server(args.work / "neo4j") as uri:
            entry = run(args.people, args.seed, args.work, uri, not args.no_bare)
    data = _merge(entry, args.results)
    print(json.dumps({"records": entry["records"], "pipeline": entry["pipeline"]["seconds_per_stage"],
                      "scaling": data["scaling"]}, indent=2))  # a script's output


if __name__ == "__main__":
    main()
