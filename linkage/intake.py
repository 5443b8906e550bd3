"""Intake: every dataset of a sources file into the workspace's ``records`` and ``quarantine``.

Every input row ends in exactly one of the two tables, so for each dataset
``rows == accepted + quarantined``. File-level problems (a file that cannot be
read, a mapped column the header lacks, an empty file) are found for all
datasets before anything is written, and raised together as one ``InputError``.
Re-ingesting replaces both tables.

Example:
    >>> report = ingest(Path("demo-data/sources.toml"), Path("work/workspace.duckdb"))  # doctest: +SKIP
    >>> report.to_json()["datasets"]["pkh"]["quarantined"]                               # doctest: +SKIP
    {'duplicate_source_id': 1}
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from core.errors import HubError, InputError
from linkage._readers import TableReader, open_table
from linkage._report import DatasetReport, IngestReport
from linkage._rows import RowBuilder
from linkage._truncation import flag_truncated_names
from linkage._workspace import Batches, create_tables
from linkage.canonical import Flag
from linkage.sources import Dataset, load_sources

__all__ = ["DatasetReport", "IngestReport", "Progress", "ingest"]

#: ``progress(dataset, rows_done, rows_expected_or_None)``, called every few thousand rows and at the end.
Progress = Callable[[str, int, int | None], None]
_EVERY = 20_000


def ingest(sources_path: Path, workspace: Path, progress: Progress | None = None) -> IngestReport:
    """Read, standardise and validate every dataset of ``sources_path`` into ``workspace`` (DuckDB).

    Args:
        sources_path: the sources file (see README, "Ingesting an agency's dataset").
        workspace: the DuckDB file; created if missing; ``records`` and ``quarantine`` are replaced.
        progress: optional callback for progress bars; library code never prints.

    Raises:
        ConfigError: the sources file is malformed (names the file, dataset and key).
        InputError: a dataset file cannot be read, is empty, or lacks a mapped column.
    """
    started = time.perf_counter()
    sources = load_sources(sources_path)
    readers = _open_all(sources.datasets)
    report = IngestReport(sources_path, workspace)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(workspace))
    try:
        con.execute("BEGIN TRANSACTION")
        create_tables(con)
        batches = Batches(con)
        for dataset, reader in zip(sources.datasets, readers, strict=True):
            one = report.datasets[dataset.name] = _ingest_one(dataset, reader, batches, progress)
            batches.flush()
            truncated = flag_truncated_names(con, dataset.name)
            if truncated:
                one.flags[Flag.NAME_TRUNCATED.value] += truncated
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for reader in readers:
            reader.rows.close()  # type: ignore[attr-defined]
        con.close()
    report.seconds = time.perf_counter() - started
    return report


def _open_all(datasets: tuple[Dataset, ...]) -> list[TableReader]:
    readers: list[TableReader] = []
    problems: list[str] = []
    for dataset in datasets:
        try:
            reader = open_table(dataset.path)
        except HubError as exc:
            problems.append(f"dataset {dataset.name!r}: {exc}")
            continue
        missing = [c for c in dataset.columns if c not in reader.header]
        if missing:
            problems.append(f"dataset {dataset.name!r}: {dataset.path}: mapped column(s) "
                            f"{', '.join(map(repr, missing))} not in the header "
                            f"({', '.join(reader.header[:30])})")
        readers.append(reader)
    if problems:
        for reader in readers:
            reader.rows.close()  # type: ignore[attr-defined]
        raise InputError("; ".join(problems), where="intake",
                         hint="fix the files or the sources entries; nothing was written")
    return readers


def _ingest_one(dataset: Dataset, reader: TableReader, batches: Batches,
                progress: Progress | None) -> DatasetReport:
    report = DatasetReport(str(dataset.path), reader.encoding, notes=list(reader.notes))
    builder = RowBuilder(dataset)
    if progress:
        progress(dataset.name, 0, reader.total)
    for raw in reader.rows:
        report.rows += 1
        accepted, row = builder.build(raw)
        if accepted:
            batches.add_record(row)
            report.accepted += 1
            report.flags.update(row[-1])
        else:
            batches.add_quarantine(row)
            report.quarantined[row[3]] += 1
        if progress and report.rows % _EVERY == 0:
            progress(dataset.name, report.rows, reader.total)
    if report.rows == 0:
        report.notes.append("the file holds a header and no data rows")
    if progress:
        progress(dataset.name, report.rows, report.rows)
    return report
