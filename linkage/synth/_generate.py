"""Generate a synthetic population and its agency datasets into a folder."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from linkage.synth._datasets import DATASETS, DatasetSpec
from linkage.synth._noise import Noise
from linkage.synth._population import Person, build_population
from linkage.synth._write import TRUTH_COLUMNS, sources_toml, write_people, write_rows

__all__ = ["SynthResult", "generate"]


@dataclass(frozen=True, slots=True)
class SynthResult:
    """What was written: the sources file, and counts of people, households and rows per dataset."""

    out_dir: Path
    sources: Path
    people: int
    households: int
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.rows.values())


def generate(out_dir: Path, *, people: int, seed: int = 42,
             progress: Callable[[str, int], None] | None = None,
             datasets: tuple[DatasetSpec, ...] = DATASETS) -> SynthResult:
    """Write ``people`` synthetic people (whole households) and the agencies' datasets about them.

    Files in ``out_dir``: one per dataset (CSV and Parquet), ``sources.toml``, ``truth.csv``
    (``dataset,source_id,person_id,household_id``) and ``people.csv`` (the true population).
    The same ``seed`` always writes the same bytes.

    Example:
        >>> result = generate(Path("demo-data"), people=2000, seed=7)      # doctest: +SKIP
        >>> sorted(result.rows)                                            # doctest: +SKIP
        ['bpnt', 'dtks', 'dukcapil', 'pbi_jk', 'pip', 'pkh']
    """
    if people < 1:
        raise ValueError(f"people must be at least 1, got {people}")
    out_dir.mkdir(parents=True, exist_ok=True)
    population, households = build_population(people, random.Random(seed))
    if progress:
        progress("population", len(population))
    members: dict[str, list[Person]] = {h.household_id: h.members for h in households}
    counts: dict[str, int] = {}
    with (out_dir / "truth.csv").open("w", encoding="utf-8", newline="") as fh:
        truth = csv.writer(fh)
        truth.writerow(TRUTH_COLUMNS)
        for spec in datasets:
            rng = random.Random(f"{seed}:{spec.name}")
            noise = Noise(random.Random(f"{seed}:{spec.name}:noise"), spec.rates, members)
            rows = []
            for row, person in spec.rows(households, noise, rng):
                rows.append(row)
                truth.writerow((spec.name, row[spec.id], person.person_id, person.household_id))
            write_rows(out_dir / spec.file, rows)
            counts[spec.name] = len(rows)
            if progress:
                progress(spec.name, len(rows))
    write_people(out_dir / "people.csv", population, households)
    sources = out_dir / "sources.toml"
    sources.write_text(sources_toml(datasets), encoding="utf-8")
    return SynthResult(out_dir, sources, len(population), len(households), counts)
