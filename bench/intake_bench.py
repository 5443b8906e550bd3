"""Intake benchmark: synthesise ~1M records, ingest them; records per second and peak RSS of each.

Each stage runs in its own child process so its peak resident memory is its own
(``ru_maxrss`` of that process). Results go to ``bench/results/intake.json``,
keyed by the number of records, with the load average and a pure-Python calibration
loop's time beside them: on a shared machine those say how much of a slow run was
the neighbours.

Example:
    $ .venv/bin/python -m bench.intake_bench --people 440000     # ~1M records
    $ .venv/bin/python -m bench.intake_bench --people 10000      # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "intake.json"


def _stage(stage: str, folder: Path, people: int, seed: int) -> dict[str, Any]:
    """Run one stage here (called in the child process) and return its measurements."""
    started = time.perf_counter()
    if stage == "synth":
        from linkage.synth import generate

        result = generate(folder, people=people, seed=seed)
        out: dict[str, Any] = {"people": result.people, "households": result.households,
                               "records": result.records, "rows": result.rows}
    else:
        from linkage.intake import ingest

        report = ingest(folder / "sources.toml", folder / "workspace.duckdb").to_json()
        out = {"records": report["rows"], "accepted": report["accepted"],
               "quarantined": report["quarantined"]}
    seconds = time.perf_counter() - started
    out.update(seconds=round(seconds, 2), records_per_second=round(out["records"] / seconds),
               peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    return out


def _child(stage: str, folder: Path, people: int, seed: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.intake_bench", "--stage", stage, "--folder",
                           str(folder), "--people", str(people), "--seed", str(seed)],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=330_000, help="synthetic people (about 3 records each)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--stage", choices=("synth", "ingest"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(_stage(args.stage, args.folder, args.people, args.seed)))
        return
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        folder = Path(tmp)
        synth = _child("synth", folder, args.people, args.seed)
        ingest = _child("ingest", folder, args.people, args.seed)
        size_mb = round(sum(p.stat().st_size for p in folder.iterdir() if p.suffix in (".csv", ".parquet"))
                        / 2**20, 1)
    entry = {"people": args.people, "seed": args.seed, "records": synth["records"], "input_mb": size_mb,
             "cpu_calibration_seconds": _calibrate(), "load_average": list(os.getloadavg()),
             "synth": synth, "ingest": ingest, "machine": {"python": platform.python_version(),
                                                           "cpus": _cpus(), "platform": platform.platform()}}
    results = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    results[str(synth["records"])] = entry
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(entry, indent=2))


def _calibrate() -> float:
    """Seconds for a fixed pure-Python loop: on a shared machine, divide timings by this to compare runs."""
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return round(time.perf_counter() - started, 3)


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
