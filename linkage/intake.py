"""Intake: every agency file in a sources file into the DuckDB workspace, no row lost.

Each data row ends up in exactly one of two tables (``linkage.canonical``):
``records`` (mapped, standardised by ``canonicalise`` with the originals kept
beside, flags attached) or ``quarantine`` (with a machine-readable reason and
the raw row). The report counts both per dataset, and ``rows == accepted +
quarantined`` holds by construction: the counters move together.

Problems with a whole dataset (file missing, unreadable, empty, a mapped column
absent) are found for every dataset before anything is written, and raise
``InputError``: fixing the sources file is the only remedy, and a half-loaded
workspace would mislead linkage.

Example:
    >>> report = ingest(Path("demo-data/sources.toml"), Path("workspace.duckdb"))  # doctest: +SKIP
    >>> report.to_json()["datasets"]["pkh"]["accepted"]                           # doctest: +SKIP
    2873
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from core.errors import InputError
from linkage._readers import SourceFile, open_source
from linkage._report import DatasetReport, IngestReport
from linkage._writer import BatchWriter
from linkage.canonical import QUARANTINE_COLUMNS, RECORD_COLUMNS, QuarantineReason, record_key
from linkage.sources import Dataset, load_sources
from linkage.standardise import canonicalise

__all__ = ["DatasetReport", "IngestReport", "Progress", "ingest"]

#: ``progress(dataset, done, total)``: ``done``/``total`` in bytes for CSV, rows for Parquet.
Progress = Callable[[str, int, int], None]

_PROBLEM_REASONS = {"ragged": QuarantineReason.RAGGED_ROW, "too_long": QuarantineReason.CELL_TOO_LONG,
                    "unparseable": QuarantineReason.UNPARSEABLE_ROW}
_PROGRESS_EVERY = 8192


def ingest(sources_path: Path, workspace: Path, *, progress: Progress | None = None) -> IngestReport:
    """Load every dataset of ``sources_path`` into ``workspace`` (tables ``records``, ``quarantine``).

    Rows of these datasets already in the workspace are replaced; other datasets' rows stay.

    Raises:
        ConfigError: the sources file is malformed.
        InputError: a dataset's file is missing, unreadable, empty, or lacks a mapped column.
    """
    sources = load_sources(sources_path)
    opened: list[tuple[Dataset, SourceFile]] = []
    try:
        for dataset in sources.datasets:
            source = open_source(dataset.path)
            opened.append((dataset, source))
            _check_columns(dataset, source)
        workspace.parent.mkdir(parents=True, exist_ok=True)
        report = IngestReport(workspace=workspace)
        con = duckdb.connect(str(workspace))
        try:
            _create_tables(con)
            con.execute("BEGIN TRANSACTION")
            names = [d.name for d, _ in opened]
            con.execute("DELETE FROM records WHERE dataset IN (SELECT unnest(?))", [names])
            con.execute("DELETE FROM quarantine WHERE dataset IN (SELECT unnest(?))", [names])
            for dataset, source in opened:
                report.datasets[dataset.name] = _load(con, dataset, source, progress)
            con.execute("COMMIT")
        finally:
            con.close()
        return report
    finally:
        for _, source in opened:
            source.close()


def _check_columns(dataset: Dataset, source: SourceFile) -> None:
    present = set(source.header)
    for key, column in [("id", dataset.id),
                        *((f"fields.{f}", c) for f, cs in dataset.fields.items() for c in cs),
                        *((f"attributes.{a}", c) for a, c in dataset.attributes.items())]:
        if column not in present:
            raise InputError(f"column {column!r} (mapped by {key}) is not in the file",
                             where=f"{source.path} (dataset {dataset.name!r})",
                             hint="the file's columns are: " + ", ".join(source.header))


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in (("records", RECORD_COLUMNS), ("quarantine", QUARANTINE_COLUMNS)):
        body = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _field_value(cells: dict[str, object], columns: tuple[str, ...]) -> object:
    """One column's value as read, or several columns' texts joined by spaces."""
    if len(columns) == 1:
        return cells[columns[0]]
    return " ".join(t for t in (_cell_text(cells[c]) for c in columns) if t)


def _load(con: duckdb.DuckDBPyConnection, dataset: Dataset, source: SourceFile,
          progress: Progress | None) -> DatasetReport:
    report = DatasetReport(path=str(source.path), encoding=source.encoding, warnings=list(source.warnings))
    writer = BatchWriter(con)
    seen: dict[str, int] = {}
    fields = dataset.fields.items()
    constant = {"dataset": dataset.name, "agency": dataset.agency, "program": dataset.program,
                "reference": dataset.reference}

    def quarantine(number: int, sid: str | None, reason: QuarantineReason, detail: str, raw: object) -> None:
        report.quarantine(reason)
        writer.quarantine({"dataset": dataset.name, "row_number": number, "source_id": sid,
                           "reason": reason.value, "detail": f"{source.path.name}: {detail}",
                           "raw": json.dumps(raw, ensure_ascii=False, default=str)})

    for row in source.rows():
        if progress is not None and row.number % _PROGRESS_EVERY == 0:
            progress(dataset.name, source.position, source.size)
        if row.cells is None:
            sid = None
            if isinstance(row.raw, dict):
                sid = _cell_text(row.raw.get(dataset.id)) or None
            quarantine(row.number, sid, _PROBLEM_REASONS[row.problem_kind or "unparseable"],
                       row.problem or "unreadable row", row.raw)
            continue
        cells = row.cells
        sid = _cell_text(cells[dataset.id])
        if not sid:
            quarantine(row.number, None, QuarantineReason.MISSING_SOURCE_ID,
                       f"row {row.number}: empty id column {dataset.id!r}", cells)
            continue
        first = seen.get(sid)
        if first is not None:
            quarantine(row.number, sid, QuarantineReason.DUPLICATE_SOURCE_ID,
                       f"row {row.number}: id {sid!r} already used by row {first}", cells)
            continue
        seen[sid] = row.number
        raw_values = {name: _field_value(cells, columns) for name, columns in fields}
        values, flags = canonicalise(raw_values, date_format=dataset.date_format)
        if values["full_name"] is None and values["nik"] is None:
            quarantine(row.number, sid, QuarantineReason.NO_NAME_NO_NIK,
                       f"row {row.number}: neither a name nor a 16-digit NIK", cells)
            continue
        report.accept(flags)
        attributes = {name: _cell_text(cells[column]) or None for name, column in dataset.attributes.items()}
        writer.record({**constant, **values, "record_key": record_key(dataset.name, sid), "source_id": sid,
                       "row_number": row.number,
                       "attributes": json.dumps(attributes, ensure_ascii=False, default=str),
                       "original": json.dumps(raw_values, ensure_ascii=False, default=str),
                       "flags": [f.value for f in flags]})
    writer.flush()
    if report.rows == 0:
        report.warnings.append("no data rows: the file has a header only")
    if progress is not None:
        progress(dataset.name, source.size, source.size)
    return report
