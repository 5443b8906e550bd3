"""The sources file (``sources.toml``): which agency files to ingest and how their columns map.

Parsed once into frozen objects; every mistake is a ``ConfigError`` naming the
file, the dataset and the key, so an integrator fixing a new agency's entry
knows exactly where to look.

Example:
    >>> sources = load_sources(Path("demo-data/sources.toml"))      # doctest: +SKIP
    >>> [d.name for d in sources.datasets]                            # doctest: +SKIP
    ['dukcapil', 'dtks', 'pkh', 'bpnt', 'pbi_jk', 'pip']
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from linkage.canonical import CANONICAL_FIELDS

__all__ = ["DATASET_KEYS", "Dataset", "Sources", "load_sources", "parse_sources"]

#: Keys a ``[[dataset]]`` entry may hold: (required, meaning). Drives validation and the README table.
DATASET_KEYS: dict[str, tuple[bool, str]] = {
    "name": (True, "unique dataset name, [a-z0-9_]+; records are keyed '<name>:<id>'"),
    "agency": (True, "the agency that holds the data (kemensos, kemenkes, dukcapil, ...)"),
    "program": (False, "every record is an enrolment in this program (PKH, BPNT, PBI-JK, PIP, ...)"),
    "reference": (False, "true for the Dukcapil civil-registry extract people are verified against"),
    "path": (True, "the file, relative to the sources file; .csv (with a header row) or .parquet"),
    "id": (True, "the column holding the source's own record id, unique in the dataset"),
    "date_format": (False, "strptime format tried first for every date column, e.g. '%d/%m/%Y'"),
    "fields": (True, "table: canonical field = source column, or a list of columns joined by spaces"),
    "attributes": (False, "table: attribute name = source column, kept as named extra values"),
}
_NAME = re.compile(r"[a-z0-9_]+")
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*")
_SUFFIXES = (".csv", ".parquet")


@dataclass(frozen=True, slots=True)
class Dataset:
    """One agency file and how its columns map onto the canonical record."""

    name: str
    agency: str
    path: Path
    id: str
    fields: dict[str, tuple[str, ...]]
    attributes: dict[str, str] = field(default_factory=dict)
    program: str | None = None
    reference: bool = False
    date_format: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every source column the entry reads (id first), each once."""
        seen = dict.fromkeys([self.id, *(c for cs in self.fields.values() for c in cs),
                              *self.attributes.values()])
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Sources:
    path: Path
    datasets: tuple[Dataset, ...]

    def dataset(self, name: str) -> Dataset:
        for d in self.datasets:
            if d.name == name:
                return d
        raise KeyError(name)


def load_sources(path: Path | str) -> Sources:
    """Read and validate a sources file; relative dataset paths resolve against its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the sources file: {exc}", where=str(path),
                          hint="pass the path of a sources.toml (see README, 'Ingesting an agency's dataset')"
                          ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=str(path)) from exc
    return parse_sources(data, path)


def parse_sources(data: dict[str, Any], path: Path) -> Sources:
    """Validate already-parsed TOML ``data`` as if read from ``path``."""
    extra = sorted(set(data) - {"dataset"})
    if extra:
        raise ConfigError(f"unknown top-level key {extra[0]!r}", where=str(path),
                          hint="a sources file holds only [[dataset]] entries")
    entries = data.get("dataset")
    if not isinstance(entries, list) or not entries:
        raise ConfigError("no [[dataset]] entries", where=str(path),
                          hint="add at least one [[dataset]] table")
    datasets: list[Dataset] = []
    for index, entry in enumerate(entries, 1):
        dataset = _dataset(entry, path, index)
        if any(d.name == dataset.name for d in datasets):
            raise ConfigError(f"duplicate dataset name {dataset.name!r}",
                              where=f"{path}: dataset {dataset.name!r}, key 'name'",
                              hint="dataset names must be unique")
        datasets.append(dataset)
    return Sources(path, tuple(datasets))


def _dataset(entry: Any, path: Path, index: int) -> Dataset:
    label = f"#{index}"
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        label = repr(entry["name"])

    def fail(key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, where=f"{path}: dataset {label}, key {key!r}", hint=hint)

    if not isinstance(entry, dict):
        raise fail("dataset", "each [[dataset]] must be a table")
    for key in entry:
        if key not in DATASET_KEYS:
            raise fail(key, f"unknown key {key!r}", hint="allowed: " + ", ".join(DATASET_KEYS))
    for key, (required, _) in DATASET_KEYS.items():
        if required and key not in entry:
            raise fail(key, f"missing required key {key!r}")
    for key in ("name", "agency", "path", "id", "program", "date_format"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            raise fail(key, f"must be a non-empty string, got {entry[key]!r}")
    if not _NAME.fullmatch(entry["name"]):
        raise fail("name", f"{entry['name']!r} is not [a-z0-9_]+")
    reference = entry.get("reference", False)
    if not isinstance(reference, bool):
        raise fail("reference", f"must be true or false, got {reference!r}")
    file = Path(entry["path"])
    if file.suffix.lower() not in _SUFFIXES:
        raise fail("path", f"{entry['path']!r} is neither .csv nor .parquet")
    date_format = entry.get("date_format")
    if date_format is not None and ("%" not in date_format or _bad_format(date_format)):
        raise fail("date_format", f"{date_format!r} is not a strptime format", hint="e.g. '%d/%m/%Y'")
    resolved = file if file.is_absolute() else (path.parent / file).resolve()
    return Dataset(name=entry["name"], agency=entry["agency"], program=entry.get("program"),
                   reference=reference, path=resolved,
                   id=entry["id"], date_format=date_format, fields=_fields(entry["fields"], fail),
                   attributes=_attributes(entry.get("attributes", {}), fail))


def _bad_format(fmt: str) -> bool:
    try:
        date(2001, 2, 3).strftime(fmt)
    except ValueError:
        return True
    return False


def _fields(raw: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict) or not raw:
        raise fail("fields", "must be a non-empty table of canonical field = column")
    out: dict[str, tuple[str, ...]] = {}
    for name, columns in raw.items():
        if name not in CANONICAL_FIELDS:
            raise fail(f"fields.{name}", f"{name!r} is not a canonical field",
                       hint="one of " + ", ".join(CANONICAL_FIELDS))
        cols = [columns] if isinstance(columns, str) else columns
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) and c for c in cols):
            raise fail(f"fields.{name}", f"must be a column name or a list of them, got {columns!r}")
        out[name] = tuple(cols)
    return out


def _attributes(raw: Any, fail: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise fail("attributes", "must be a table of attribute name = column")
    for name, column in raw.items():
        if not _ATTRIBUTE.fullmatch(name):
            raise fail(f"attributes.{name}", f"attribute name {name!r} is not [a-z][a-z0-9_]*")
        if not isinstance(column, str) or not column:
            raise fail(f"attributes.{name}", f"must be a column name, got {column!r}")
    return dict(raw)
