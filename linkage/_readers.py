"""Read an agency's file row by row: CSV (UTF-8, Latin-1 fallback) or Parquet.

Readers never drop a row: a row the CSV parser cannot split, or one with more or
fewer cells than the header, comes out as a ``RawRow`` with ``problem`` set, so
intake can quarantine it with its line number. File-level trouble (unreadable,
empty, no header) is an ``InputError`` naming the file.
"""

from __future__ import annotations

import codecs
import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from core.errors import InputError

__all__ = ["RawRow", "TableReader", "open_table"]

_CHUNK = 1 << 20


@dataclass(slots=True)
class RawRow:
    """One data row: 1-based ``number`` (header excluded), values by column, or a ``problem``."""

    number: int
    values: dict[str, object]
    problem: str | None = None
    ragged: bool = False        # the problem is a cell count that differs from the header's


@dataclass(slots=True)
class TableReader:
    """An opened file: its header, encoding, an estimate of its rows, and the rows themselves."""

    path: Path
    header: list[str]
    encoding: str
    total: int | None
    rows: Iterator[RawRow]
    notes: list[str] = field(default_factory=list)


def open_table(path: Path) -> TableReader:
    """Open ``path`` (.csv or .parquet) and read its header; the rows are read lazily."""
    if not path.is_file():
        raise InputError("file not found" if not path.exists() else "not a regular file", where=str(path),
                         hint="check the dataset's `path` in the sources file (relative to it)")
    try:
        if path.suffix.lower() == ".parquet":
            return _open_parquet(path)
        return _open_csv(path)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from exc


def _sniff_encoding(path: Path) -> tuple[str, int, int]:
    """('utf-8-sig' or 'latin-1', size in bytes, newline count), streaming the file once."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, size, lines = True, 0, 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    return ("utf-8-sig" if utf8 else "latin-1"), size, lines


def _open_csv(path: Path) -> TableReader:
    encoding, size, lines = _sniff_encoding(path)
    if size == 0:
        raise InputError("the file is empty (no header row)", where=str(path),
                         hint="a CSV needs a header row naming its columns")
    # A cell may legitimately exceed csv's 128 KiB default; intake decides what is too long.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh, strict=True)   # a stray quote is an error, not rows silently merged
    try:
        header = next(reader)
    except (csv.Error, StopIteration) as exc:
        fh.close()
        raise InputError(f"cannot read the header row: {exc}", where=str(path)) from exc
    header = [h.strip() for h in header]
    if not any(header):
        fh.close()
        raise InputError("the header row is empty", where=str(path),
                         hint="the first line must name the columns")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        fh.close()
        raise InputError(f"the header names a column twice: {', '.join(dupes)}", where=str(path))
    notes = [] if encoding == "utf-8-sig" else [
        "not valid UTF-8: read as Latin-1 (ISO-8859-1); check accented letters"]
    return TableReader(path, header, "utf-8" if encoding == "utf-8-sig" else "latin-1", max(0, lines - 1),
                       _csv_rows(fh, reader, header), notes)


def _csv_rows(fh: IO[str], reader: Any, header: list[str]) -> Iterator[RawRow]:
    width = len(header)
    number = 0
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                lines = f"{start}-{reader.line_num}" if reader.line_num > start else str(start)
                yield RawRow(number, {"_error": str(exc), "_lines": lines},
                             f"the CSV parser could not split the row at line(s) {lines} of the file: {exc}")
                continue
            if not cells:
                continue       # a blank line holds no row
            number += 1
            if len(cells) == width:
                yield RawRow(number, dict(zip(header, cells, strict=True)))
            else:
                values: dict[str, object] = dict(zip(header, cells, strict=False))
                if len(cells) > width:
                    values["_extra"] = cells[width:]
                problem = f"row has {len(cells)} cells, the header has {width}"
                yield RawRow(number, values, problem, ragged=True)
    finally:
        fh.close()


def _open_parquet(path: Path) -> TableReader:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and friends for a damaged file
        raise InputError(f"not a readable Parquet file: {exc}", where=str(path)) from exc
    header = list(file.schema_arrow.names)
    return TableReader(path, header, "parquet", file.metadata.num_rows, _parquet_rows(file))


def _parquet_rows(file: object) -> Iterator[RawRow]:
    number = 0
    for batch in file.iter_batches(batch_size=65_536):  # type: ignore[attr-defined]
        for values in batch.to_pylist():
            number += 1
            yield RawRow(number, values)
