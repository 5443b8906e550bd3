"""Linkage benchmark: accuracy, time and memory of ``dtsen-hub link`` beside bare Splink.

Synthesises a population (``dtsen-hub synth``), links it through the whole pipeline
(intake -> train -> predict -> cluster -> households -> ids -> verification ->
publish into an embedded store), exports the links and scores them against the
generator's truth (persons and households, with the exact-NIK join beside). In the
same process it then runs bare Splink (train + predict + cluster, same settings,
same records) so the time ratio holds on a noisy shared machine.

Results are merged into ``bench/results/linkage.json`` keyed by record count.

Example:
    $ .venv/bin/python -m bench.linkage_bench --people 44000        # ~100k records
    $ .venv/bin/python -m bench.linkage_bench --people 440000       # ~1M records
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path
from typing import Any

from bench._linkage_run import bare_splink, pipeline_run, synthesise

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "linkage.json"
TARGETS = {"person_precision": 0.999, "person_recall": 0.995, "household_f1": 0.99,
           "pipeline_over_bare_splink": 1.3, "peak_rss_gb_at_1m": 8.0}


def run(people: int, seed: int, work: Path, *, bare: bool, threshold: float | None,
        repeats: int = 1) -> dict[str, Any]:
    """Synth once, then ``repeats`` x (pipeline, bare Splink) alternating; ratios from the fastest of each,
    since on a shared machine the slowest runs measure the neighbours, not the code."""
    from linkage.people import DEFAULT_REVIEW_FLOOR, DEFAULT_THRESHOLD

    threshold = threshold or DEFAULT_THRESHOLD
    data = work / f"synth-{people}"
    synth_seconds = synthesise(data, people, seed)
    truth = data / "truth.csv"
    pipes: list[dict[str, Any]] = []
    bares: list[dict[str, Any]] = []
    loads: list[dict[str, Any]] = []
    for i in range(repeats):
        before = os.getloadavg()[0]
        pipes.append(pipeline_run(data / "sources.toml", work / f"link-{people}", truth if i == 0 else None,
                                  threshold=threshold, review_floor=DEFAULT_REVIEW_FLOOR, seed=seed))
        pipe_load = os.getloadavg()[0]
        if bare:
            bares.append(bare_splink(work / f"link-{people}" / "workspace.duckdb", truth if i == 0 else None,
                                     threshold=threshold, floor=DEFAULT_REVIEW_FLOOR, seed=seed))
        # The 1-minute load average before, between and after: neighbours distort timings.
        loads.append({"before_pipeline": before, "after_pipeline": pipe_load,
                      "after_bare": os.getloadavg()[0]})
    return entry(people, seed, threshold, synth_seconds, pipes, bares, loads)


def entry(people: int, seed: int, threshold: float, synth_seconds: float, pipes: list[dict[str, Any]],
          bares: list[dict[str, Any]], loads: list[dict[str, Any]]) -> dict[str, Any]:
    """One ``linkage.json`` run from ``pipeline_run`` and ``bare_splink`` results (the first of each
    scored against the truth); ``bench.pipeline_bench`` writes its runs through here too."""
    pipe = pipes[0]
    out: dict[str, Any] = {"people": people, "seed": seed, "records": pipe["summary"].get("records"),
                           "threshold": threshold, "synth_seconds": synth_seconds, "pipeline": pipe,
                           "repeats": len(pipes), "load_average_1min": loads,
                           "pipeline_seconds_all_runs": [p["seconds_total"] for p in pipes]}
    if bares:
        out["bare_splink"] = bares[0]
        out["bare_splink_seconds_all_runs"] = [b["seconds_total"] for b in bares]
        bare_seconds = min(b["seconds_total"] for b in bares)
        out["ratio_intake_to_households_over_bare"] = round(
            min(p["seconds_intake_to_households"] for p in pipes) / bare_seconds, 3)
        out["ratio_total_over_bare"] = round(min(p["seconds_total"] for p in pipes) / bare_seconds, 3)
    acc = pipe.get("accuracy") or {}
    out["headline"] = {
        "person_precision": acc.get("person", {}).get("pairwise", {}).get("precision"),
        "person_recall": acc.get("person", {}).get("pairwise", {}).get("recall"),
        "household_f1": acc.get("household", {}).get("pairwise", {}).get("f1"),
        "nik_join_person_recall": acc.get("person", {}).get("baseline_pairwise", {}).get("recall"),
        "peak_rss_mb": pipe["peak_rss_mb"],
    }
    return out


def merge(entry: dict[str, Any], results: Path) -> None:
    """Merge ``entry`` into the results file, keyed by its record count."""
    data: dict[str, Any] = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    data["targets"] = TARGETS
    data["machine"] = {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform()}
    data.setdefault("runs", {})[str(entry["records"])] = entry
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=44_000, help="synthetic people (~2.3 records each)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "linkage")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Splink run")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to merge the run into")
    parser.add_argument("--repeats", type=int, default=1, help="alternate pipeline and bare Splink N times")
    args = parser.parse_args(argv)
    entry = run(args.people, args.seed, args.work, bare=not args.no_bare, threshold=args.threshold,
                repeats=args.repeats)
    merge(entry, args.results)
    print(json.dumps(entry["headline"], indent=2))  # a script's output, not library code


if __name__ == "__main__":
    main()
