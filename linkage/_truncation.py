"""Names cut short by a system's fixed field width, found from the dataset as a whole.

One row cannot tell that ``MUHAMMAD RIZKI FIRMAN`` lost its last letters, but a
dataset can: when an unusual share of its names stop at exactly the longest
length, that length is the field width of the system that exported them, and
names of that length are flagged ``name_truncated`` (the record is kept; the
linkage compares such names by prefix-tolerant similarity).
"""

from __future__ import annotations

import duckdb

from linkage.canonical import Flag

__all__ = ["flag_truncated_names"]

_MIN_ROWS = 5          # at least this many names at the width
_MIN_SHARE = 0.005     # and this share of the dataset's names
_PILE_UP = 2           # and this many times as many as one character shorter


def flag_truncated_names(con: duckdb.DuckDBPyConnection, dataset: str) -> int:
    """Flag names that fill the dataset's apparent field width; returns how many were flagged."""
    lengths = con.execute(
        "SELECT length(original->>'full_name') AS n, count(*) FROM records "
        "WHERE dataset = ? AND full_name IS NOT NULL GROUP BY n ORDER BY n DESC", [dataset]).fetchall()
    if len(lengths) < 2:
        return 0
    total = sum(c for _, c in lengths)
    (width, at_width), (shorter, below) = lengths[0], lengths[1]
    below = below if shorter == width - 1 else 0
    if at_width < _MIN_ROWS or at_width < _MIN_SHARE * total or at_width < _PILE_UP * max(below, 1):
        return 0
    con.execute("UPDATE records SET flags = list_append(flags, ?) "
                "WHERE dataset = ? AND full_name IS NOT NULL AND length(original->>'full_name') = ?",
                [Flag.NAME_TRUNCATED.value, dataset, width])
    return int(at_width)
