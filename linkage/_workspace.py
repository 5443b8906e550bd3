"""The DuckDB workspace tables, created from ``linkage.canonical``, filled in Arrow batches."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from linkage.canonical import QUARANTINE_COLUMNS, RECORD_COLUMNS

__all__ = ["Batches", "create_tables"]

_ARROW = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(),
          "JSON": pa.string(), "VARCHAR[]": pa.list_(pa.string())}
_BATCH = 50_000


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create ``records`` and ``quarantine`` exactly as ``linkage.canonical`` defines them."""
    con.execute("SET enable_progress_bar = false")   # library code never prints
    for table, columns in (("records", RECORD_COLUMNS), ("quarantine", QUARANTINE_COLUMNS)):
        con.execute(f"CREATE OR REPLACE TABLE {table} ("
                    + ", ".join(f"{c} {t}" for c, t in columns.items()) + ")")


class _Buffer:
    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
        self._con, self._table = con, table
        self._schema = pa.schema([(c, _ARROW[t]) for c, t in columns.items()])
        self._names = list(columns)
        self._rows: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        """One row, its values in the table's column order."""
        self._rows.append(row)
        if len(self._rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        columns = list(zip(*self._rows, strict=True))
        batch = pa.table([pa.array(col, type=f.type) for col, f in zip(columns, self._schema, strict=True)],
                         schema=self._schema)
        self._con.register("_intake_batch", batch)
        try:
            names = ", ".join(self._names)
            self._con.execute(f"INSERT INTO {self._table} ({names}) SELECT {names} FROM _intake_batch")
        finally:
            self._con.unregister("_intake_batch")
        self._rows = []


class Batches:
    """Buffers for both tables; ``flush`` writes what is left."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._records = _Buffer(con, "records", RECORD_COLUMNS)
        self._quarantine = _Buffer(con, "quarantine", QUARANTINE_COLUMNS)

    def add_record(self, row: tuple[Any, ...]) -> None:
        self._records.add(row)

    def add_quarantine(self, row: tuple[Any, ...]) -> None:
        self._quarantine.add(row)

    def flush(self) -> None:
        self._records.flush()
        self._quarantine.flush()
