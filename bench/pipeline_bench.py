"""Pipeline benchmark: time and peak memory of every stage, publish into both stores, bare Splink.

For each size: synthesise a population (``dtsen-hub synth``), run ``run_link`` (intake ->
train -> predict -> cluster -> households -> ids -> verification -> publish) once,
publishing the same run into the embedded store and then into Neo4j (each timed and
memory-sampled as its own stage: ``publish_embedded``, ``publish_neo4j``; ``publish`` is the
whole stage including building the rows), scores the links against the generator's truth,
then runs bare Splink on the same records in the same process. The machine is shared, so
the 1-minute load average is recorded per stage (the highest seen): a stage measured under
load 8 on 2 cores took about four times what it would on an idle machine.

One run feeds both result files: ``bench/results/pipeline.json`` (stages, scaling) and, in
``bench.linkage_bench``'s format, ``bench/results/linkage.json`` (accuracy, pipeline over bare
Splink), so the 1M run (~70 min) is done once for issues #4 and #8. The scaling exponent per
stage is ``log(t2/t1) / log(n2/n1)`` between the two largest sizes in pipeline.json (1.0 =
linear). Results merge into both files keyed by record count.

Example:
    $ flock /tmp/dtsen-bench.lock .venv/bin/python -m bench.pipeline_bench --people 44000    # ~100k
    $ flock /tmp/dtsen-bench.lock timeout 3h .venv/bin/python -m bench.pipeline_bench \
          --people 440000 --work /tmp/pipeline-1m                                           # ~1M

At 1M records expect ~20 min for the pipeline with the embedded publish, the Neo4j publish
(see ``docs/benchmarks.md`` for the estimate), ~2 min for scoring the links and ~11 min for
bare Splink, with ~8 GB peak RSS in this process plus the Neo4j harness (4 GB heap, 2 GB page
cache).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

from bench import linkage_bench
from bench._linkage_run import bare_splink, pipeline_run, synthesise
from bench.store_bench import neo4j_server, open_fresh

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "pipeline.json"


def run(people: int, seed: int, work: Path, neo4j_uri: str | None, bare: bool) -> tuple[dict[str, Any],
                                                                                      dict[str, Any]]:
    """One pipeline run (and bare Splink): its ``pipeline.json`` entry and its ``linkage.json`` entry."""
    from linkage.people import DEFAULT_REVIEW_FLOOR, DEFAULT_THRESHOLD

    data = work / f"synth-{people}"
    synth_seconds = synthesise(data, people, seed)
    truth = data / "truth.csv"
    out = work / f"link-{people}"
    loads: dict[str, float] = {"before_pipeline": os.getloadavg()[0]}
    neo4j = open_fresh("neo4j", work, neo4j_uri) if neo4j_uri else None
    try:
        pipe = pipeline_run(data / "sources.toml", out, truth, neo4j=neo4j, threshold=DEFAULT_THRESHOLD,
                            review_floor=DEFAULT_REVIEW_FLOOR, seed=seed)
    finally:
        if neo4j is not None:
            neo4j.close()
    loads["after_pipeline"] = os.getloadavg()[0]
    bares = [bare_splink(out / "workspace.duckdb", truth, threshold=DEFAULT_THRESHOLD,
                         floor=DEFAULT_REVIEW_FLOOR, seed=seed, u_max_pairs=2e6)] if bare else []
    loads["after_bare"] = os.getloadavg()[0]
    linkage = linkage_bench.entry(people, seed, DEFAULT_THRESHOLD, synth_seconds, [pipe], bares, [loads])
    stages = pipe["seconds_per_stage"]
    summary = pipe["summary"]
    entry: dict[str, Any] = {
        "people": people, "seed": seed, "records": summary.get("records"), "persons": summary.get("persons"),
        "households": summary.get("households"), "pairs_kept": summary.get("pairs_kept"),
        "synth_seconds": synth_seconds, "code": _code(),
        "pipeline": {key: pipe[key] for key in ("seconds_total", "seconds_per_stage", "peak_rss_mb_per_stage",
                                                 "load_average_per_stage", "peak_rss_mb")},
        "publish_build_rows_seconds": round(stages.get("publish", 0.0) - stages.get("publish_embedded", 0.0)
                                            - stages.get("publish_neo4j", 0.0), 2),
        "accuracy": linkage["headline"], "load_average_1m": loads,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if bares:
        core = ("train", "predict", "cluster")
        entry["bare_splink"] = {k: v for k, v in bares[0].items() if k != "person_pairwise"}
        entry["ratio_train_predict_cluster_over_bare"] = round(
            sum(stages.get(k, 0.0) for k in core) / bares[0]["seconds_total"], 3)
        entry["ratio_intake_to_households_over_bare"] = linkage["ratio_intake_to_households_over_bare"]
    return entry, linkage


def _code() -> dict[str, Any]:
    """The commit measured and the files changed beside it (other engineers share the tree)."""
    def git(*args: str) -> list[str]:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.splitlines()

    return {"commit": git("rev-parse", "--short", "HEAD")[0],
            "uncommitted": git("status", "--porcelain", "--untracked-files=no")}


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
    parser.add_argument("--linkage-results", type=Path, default=linkage_bench.RESULTS,
                        help="linkage_bench's results file, which the run's accuracy entry merges into")
    args = parser.parse_args(argv)
    # The driver logs a notification per query with an absent optional property (no death dates).
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    if args.no_neo4j:
        entry, linkage = run(args.people, args.seed, args.work, None, not args.no_bare)
    else:
        with neo4j_server(args.work / "neo4j") as uri:
            entry, linkage = run(args.people, args.seed, args.work, uri, not args.no_bare)
    data = _merge(entry, args.results)
    linkage_bench.merge(linkage, args.linkage_results)
    print(json.dumps({"records": entry["records"], "pipeline": entry["pipeline"]["seconds_per_stage"],
                      "scaling": data["scaling"]}, indent=2))  # a script's output


if __name__ == "__main__":
    main()
