"""Read an agency's file as a stream of raw rows, never losing one.

CSV is read as UTF-8 when the whole file decodes as UTF-8, otherwise as Latin-1
(the usual Excel export on Indonesian Windows machines), and the caller is told
which. A row the CSV parser cannot make sense of, a row with more or fewer cells
than the header, or a row with an absurdly long cell still comes out of the
reader, carrying a ``problem`` so intake can quarantine it with its raw cells.
Parquet is read batch by batch with pyarrow.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from core.errors import InputError

__all__ = ["MAX_CELL", "RawRow", "SourceFile", "open_source"]

#: Longest cell (characters) accepted; longer ones quarantine the row (a runaway quote, a pasted blob).
MAX_CELL = 4096
_CHUNK = 1 << 20
_PARQUET_BATCH = 65_536

# The csv module refuses fields over 128 KiB by raising mid-file; we want the row back instead.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: ``number`` is 1-based (header excluded); ``problem`` set means quarantine it."""

    number: int
    cells: dict[str, object] | None
    raw: object
    problem: str | None = None
    problem_kind: str | None = None   # "ragged", "unparseable" or "too_long"


@dataclass(slots=True)
class SourceFile:
    """An opened source: its header, encoding, size for progress, and the row stream."""

    path: Path
    header: tuple[str, ...]
    encoding: str
    size: int
    warnings: list[str] = field(default_factory=list)
    _rows: Iterator[RawRow] | None = None
    _position: list[int] = field(default_factory=lambda: [0])
    _close: Callable[[], None] | None = None

    def rows(self) -> Iterator[RawRow]:
        if self._rows is None:
            raise InputError("rows() may be read once", where=str(self.path))
        rows, self._rows = self._rows, None
        return rows

    def close(self) -> None:
        """Release the file; safe to call more than once, and after the rows were read."""
        if self._close is not None:
            self._close()
            self._close = None

    @property
    def position(self) -> int:
        """How far reading has got, in the unit of ``size`` (bytes for CSV, rows for Parquet)."""
        return self._position[0]


def open_source(path: Path) -> SourceFile:
    """Open a .csv or .parquet file and read its header; raise InputError if that is impossible."""
    if not path.is_file():
        raise InputError("file not found or not a regular file", where=str(path),
                         hint="check 'path' in the sources file (relative to the sources file's folder)")
    if path.suffix.lower() == ".parquet":
        return _open_parquet(path)
    return _open_csv(path)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(path: Path) -> SourceFile:
    try:
        encoding = "utf-8-sig" if _is_utf8(path) else "latin-1"
        binary = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from exc
    size = path.stat().st_size
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    reader = csv.reader(_no_nul(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        text.close()
        raise InputError(f"cannot read the header row: {exc}", where=str(path)) from exc
    if header is None or not any(h.strip() for h in header):
        text.close()
        raise InputError("empty file: no header row", where=str(path),
                         hint="the agency's export is empty; ask for the file again or drop the dataset")
    names = tuple(h.strip() for h in header)
    warnings = [] if encoding == "utf-8-sig" else [
        "not valid UTF-8: read as Latin-1 (check names with accents or odd characters)"]
    source = SourceFile(path, names, "utf-8" if encoding == "utf-8-sig" else "latin-1", size, warnings)
    source._rows = _csv_rows(reader, names, text, binary, source._position)
    source._close = text.close
    return source


def _no_nul(lines: io.TextIOWrapper) -> Iterator[str]:
    # A NUL byte makes the csv module abort the whole file; it never carries meaning in these exports.
    for line in lines:
        yield line.replace("\0", "") if "\0" in line else line


def _csv_rows(reader: Iterator[list[str]], header: tuple[str, ...], text: io.TextIOWrapper,
              binary: io.BufferedReader, position: list[int]) -> Iterator[RawRow]:
    width = len(header)
    number = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield RawRow(number, None, None, f"the CSV parser could not read row {number}: {exc}",
                             "unparseable")
                continue
            if not cells:       # a blank line is not a row
                continue
            number += 1
            if number % 4096 == 0:
                position[0] = binary.raw.tell()
            if len(cells) != width:
                yield RawRow(number, None, cells, f"row {number} has {len(cells)} cells, the header has "
                             f"{width}", "ragged")
                continue
            longest = max(cells, key=len)
            if len(longest) > MAX_CELL:
                column = header[cells.index(longest)]
                yield RawRow(number, None, dict(zip(header, cells, strict=True)),
                             f"row {number}, column {column!r}: a cell of {len(longest)} characters "
                             f"(limit {MAX_CELL})", "too_long")
                continue
            yield RawRow(number, dict(zip(header, cells, strict=True)), None)
        position[0] = binary.raw.tell()
    finally:
        text.close()


def _open_parquet(path: Path) -> SourceFile:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:   # pyarrow raises several types for a file that is not Parquet
        raise InputError(f"not a readable Parquet file: {exc}", where=str(path)) from exc
    header = tuple(parquet.schema_arrow.names)
    source = SourceFile(path, header, "parquet", parquet.metadata.num_rows)
    source._rows = _parquet_rows(parquet, header, source._position)
    source._close = parquet.close
    return source


def _parquet_rows(parquet: pq.ParquetFile, header: tuple[str, ...],
                  position: list[int]) -> Iterator[RawRow]:
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                number += 1
                cells = dict(zip(header, values, strict=True))
                too_long = next((k for k, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL),
                                None)
                if too_long is not None:
                    yield RawRow(number, None, cells, f"row {number}, column {too_long!r}: a cell of "
                                 f"{len(str(cells[too_long]))} characters (limit {MAX_CELL})", "too_long")
                else:
                    yield RawRow(number, cells, None)
            position[0] = number
    finally:
        parquet.close()
