"""Render ``docs/benchmarks.md``'s tables from ``bench/results/pipeline.json`` and ``load_test.json``.

The numbers in the docs are then exactly the committed measurements, with the load
average each was taken under.

Example:
    $ .venv/bin/python -m bench.report > /tmp/tables.md
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
STAGES = ("ingest", "train", "predict", "cluster", "households", "ids", "verification", "publish_embedded",
          "publish_neo4j")


def _load(name: str) -> dict[str, Any]:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def pipeline_table(data: dict[str, Any]) -> list[str]:
    runs = data.get("runs", {})
    if not runs:
        return ["(no pipeline run recorded)"]
    sizes = sorted(runs, key=int)
    lines = ["| stage | " + " | ".join(f"{int(n):,} records: s / peak RSS MB / load" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for stage in STAGES:
        cells = []
        for n in sizes:
            p = runs[n]["pipeline"]
            secs = p["seconds_per_stage"].get(stage)
            peak = p["peak_rss_mb_per_stage"].get(stage)
            # newer runs keep the highest load seen in each stage, older ones the load at its start
            loads = p.get("load_average_per_stage") or p.get("load_average_1m_at_stage_start") or {}
            load = loads.get(stage)
            cells.append("-" if secs is None else f"{secs:,.1f} / {peak or 0:,.0f} / {load}")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| **total** | " + " | ".join(f"**{runs[n]['pipeline']['seconds_total']:,.1f}**"
                                               for n in sizes) + " |")
    bare = []
    for n in sizes:
        run = runs[n]
        bare.append(f"{run['bare_splink']['seconds_total']:,.1f} (ours: "
                    f"{run['ratio_train_predict_cluster_over_bare']}x)" if "bare_splink" in run else "-")
    lines.append("| bare Splink (train+predict+cluster) | " + " | ".join(bare) + " |")
    scaling = data.get("scaling") or {}
    if scaling:
        lines += ["", f"Scaling exponent {scaling['from_records']:,} -> {scaling['to_records']:,} records "
                  f"(time ~ records^k): total k = {scaling['total']}; per stage "
                  + ", ".join(f"{k} {v}" for k, v in scaling["stages"].items()) + "."]
    return lines


def load_table(data: dict[str, Any]) -> list[str]:
    lines = ["| store | records | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | proposals "
             "accepted / missing | load |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in data.get("results", []):
        for ph in r["phases"]:
            lines.append(f"| {r['store']} | {r['records']:,} | {ph['clients']} | {ph['requests']:,} | "
                         f"{ph['errors']} | {ph['req_per_s']} | {ph['p50_ms']} | {ph['p95_ms']} | "
                         f"{ph['p99_ms']} | {ph['proposals_accepted']} / "
                         f"{ph['proposals_missing_from_store']} | {ph['load_average_1m']} |")
    return lines


def main() -> None:
    out = ["## Pipeline (bench/results/pipeline.json)", "", *pipeline_table(_load("pipeline.json")), "",
           "## API load test (bench/results/load_test.json)", "", *load_table(_load("load_test.json"))]
    print("\n".join(out))  # a script's output


if __name__ == "__main__":
    main()
