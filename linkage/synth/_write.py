"""Write a synthetic dataset to disk: CSV or Parquet, the sources.toml entry, truth and people."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from linkage.synth._datasets import DatasetSpec, Row
from linkage.synth._population import Household, Person

__all__ = ["PEOPLE_COLUMNS", "TRUTH_COLUMNS", "sources_toml", "write_people", "write_rows"]

TRUTH_COLUMNS = ("dataset", "source_id", "person_id", "household_id")
PEOPLE_COLUMNS = ("person_id", "household_id", "nik", "kk", "full_name", "sex", "birth_date", "birth_place",
                  "mother_name", "relationship", "village_code", "phone", "death_date", "welfare_decile",
                  "ethnicity", "previous_kk", "previous_village", "twin", "named_after_father")


def write_rows(path: Path, rows: Sequence[Row]) -> None:
    """CSV (UTF-8, header row, every value text) or Parquet (text, dates as DATE)."""
    if not rows:
        raise ValueError(f"no rows for {path.name}")
    columns = list(rows[0])
    if path.suffix == ".parquet":
        arrays = {}
        for c in columns:
            values = [r[c] for r in rows]
            sample = next((v for v in values if v is not None), "")
            kind = pa.date32() if not isinstance(sample, str) else pa.string()
            arrays[c] = pa.array(values, type=kind)
        pq.write_table(pa.table(arrays), path, compression="zstd")
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([r[c] for c in columns] for r in rows)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def sources_toml(specs: Iterable[DatasetSpec]) -> str:
    """The sources file describing the written datasets (DESIGN.md format)."""
    out = ["# Synthetic DTSEN datasets written by `dtsen-hub synth`; paths are relative to this file.", ""]
    for spec in specs:
        out.append("[[dataset]]")
        for key, value in (("name", spec.name), ("agency", spec.agency), ("program", spec.program),
                           ("reference", spec.reference), ("path", spec.file), ("id", spec.id),
                           ("date_format", spec.date_format)):
            if value is not None:
                out.append(f"{key} = {_toml_value(value)}")
        out.append("[dataset.fields]")
        out.extend(f"{k} = {_toml_value(v)}" for k, v in spec.fields.items())
        if spec.attributes:
            out.append("[dataset.attributes]")
            out.extend(f"{k} = {_toml_value(v)}" for k, v in spec.attributes.items())
        out.append("")
    return "\n".join(out)


def write_people(path: Path, people: Sequence[Person], households: Sequence[Household]) -> None:
    decile = {h.household_id: h.welfare_decile for h in households}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PEOPLE_COLUMNS)
        for p in people:
            writer.writerow((p.person_id, p.household_id, p.nik, p.kk, p.full_name, p.sex,
                             p.birth_date.isoformat(), p.birth_place, p.mother_name, p.relationship,
                             p.village, p.phone or "",
                             p.death_date.isoformat() if p.death_date else "", decile[p.household_id],
                             p.ethnicity, p.previous_kk or "", p.previous_village or "", int(p.twin),
                             int(p.named_after_father)))
