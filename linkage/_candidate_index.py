"""Candidate retrieval for real-time matching: the blocking rules, as sorted hash arrays.

Scoring every linked record is out of the question at a service point, so a
new record is compared only with the records that share a blocking key with
it, the same keys (``model_spec.BLOCKING_RULES``) the batch run uses, which is
what keeps real-time and batch results consistent. Each rule is kept as a
sorted array of 64-bit hashes of its key columns beside the row numbers; a
lookup is a binary search. Hash collisions only add candidates (the model
scores them away), never lose one.

The hash is the first 64 bits of the MD5 of the key's text (values cast to
VARCHAR, joined by the unit separator), which DuckDB computes for the linked
table at load and Python computes for a request without asking DuckDB: a
query costs milliseconds, a hashlib call microseconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

import duckdb
import numpy as np

__all__ = ["CandidateIndex", "key_hash", "key_hash_sql"]

_SEP = "\x1f"


def key_hash_sql(columns: Sequence[str], alias: str | None = None) -> str:
    """SQL for one rule's key hash; NULL when any key column is NULL (such rows never block)."""
    prefix = f"{alias}." if alias else ""
    text = ", ".join(f'CAST({prefix}"{c}" AS VARCHAR)' for c in columns)
    nulls = " OR ".join(f'{prefix}"{c}" IS NULL' for c in columns)
    return (f"CASE WHEN {nulls} THEN NULL "
            f"ELSE CAST('0x' || left(md5(concat_ws(chr(31), {text})), 16) AS UBIGINT) END")


def key_hash(values: Sequence[object]) -> int | None:
    """:func:`key_hash_sql` computed in Python, for one key's values (None when any is None)."""
    if any(v is None for v in values):
        return None
    text = _SEP.join(_as_varchar(v) for v in values)
    return int(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:16], 16)


def _as_varchar(value: object) -> str:
    """The text DuckDB's CAST(... AS VARCHAR) gives, for the types blocking keys have."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"a blocking key value of type {type(value).__name__} ({value!r}) "
                    "has no agreed text form")


class CandidateIndex:
    """Row numbers of a table by each blocking rule's key."""

    def __init__(self, rules: Sequence[Sequence[str]], *, max_bucket: int = 200) -> None:
        self.rules = [tuple(rule) for rule in rules]
        self.max_bucket = max_bucket
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []

    def hash_select(self, alias: str | None = None) -> str:
        """The select list computing every rule's hash (``h0``, ``h1``, ...)."""
        return ", ".join(f"{key_hash_sql(rule, alias)} AS h{i}" for i, rule in enumerate(self.rules))

    def hashes(self, record: Mapping[str, object]) -> list[int | None]:
        """Every rule's key hash of one record (model input columns), as :meth:`build` computed them."""
        return [key_hash([record.get(c) for c in rule]) for rule in self.rules]

    def build(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        """Index ``table`` (rows numbered by ``row_number`` 0..n-1 in the table's order)."""
        self._hashes, self._rows = [], []
        for rule in self.rules:
            found = con.execute(
                f"SELECT h, n FROM (SELECT {key_hash_sql(rule)} AS h, row_number() OVER () - 1 AS n "
                f"FROM {table}) WHERE h IS NOT NULL ORDER BY h, n").fetchnumpy()
            self._hashes.append(found["h"].astype(np.uint64))
            self._rows.append(found["n"].astype(np.int64))

    def add(self, hashes: Sequence[int | None], row: int) -> None:
        """Add one row (after a record is attached) without rebuilding."""
        for i, h in enumerate(hashes):
            if h is None:
                continue
            at = int(np.searchsorted(self._hashes[i], np.uint64(h), side="right"))
            self._hashes[i] = np.insert(self._hashes[i], at, np.uint64(h))
            self._rows[i] = np.insert(self._rows[i], at, row)

    def lookup(self, hashes: Sequence[int | None], *, limit: int) -> list[int]:
        """Rows sharing any rule's key, rarest keys first, at most ``limit``.

        A key shared by more than ``max_bucket`` rows (a very common name in a
        big village) is skipped: it says too little to be worth scoring.
        """
        buckets: list[np.ndarray] = []
        for i, h in enumerate(hashes):
            if h is None or not len(self._hashes[i]):
                continue
            key = np.uint64(h)
            lo = int(np.searchsorted(self._hashes[i], key, side="left"))
            hi = int(np.searchsorted(self._hashes[i], key, side="right"))
            if 0 < hi - lo <= self.max_bucket:
                buckets.append(self._rows[i][lo:hi])
        buckets.sort(key=len)
        seen: dict[int, None] = {}
        for bucket in buckets:
            for row in bucket.tolist():
                seen.setdefault(row, None)
                if len(seen) >= limit:
                    return list(seen)
        return list(seen)
