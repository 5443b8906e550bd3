"""A batch of audit entries as the rows one transaction inserts: bodies, chained hashes, few statements.

The writer thread shares the GIL with the event loop, and the ``sqlite3`` module releases and
takes back the GIL around every statement step: one ``execute`` per entry and one
``executemany`` row per person id cost the loop a GIL hand-over each. So a batch goes in as
one multi-row ``INSERT`` per table (chunked below SQLite's bound-parameter limit), and each
body is encoded directly, byte for byte what :func:`auth._audit_chain.canonical` makes of the
entry, without building a dict and a ``JSONEncoder`` per entry. Anything the direct encoding
does not cover (a value of another type, a non-finite time) goes through ``canonical``.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import math
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from auth._audit_chain import canonical, entry_hash

__all__ = ["BODY_KEYS", "chain_rows", "encode_body", "insert_rows", "subject_rows"]

#: The body's keys in the sorted order ``canonical`` writes them: the fields of ``AuditEntry``.
BODY_KEYS = ("agency", "client_id", "document_hash", "fields", "household_ids", "operation", "outcome",
             "person_ids", "purpose", "time")
_SEQUENCES = (tuple, list)
_string: Callable[[str], str] = json.encoder.encode_basestring  # what canonical() uses for a string
_MAX_PARAMS = 32_766      # SQLite's default bound-parameter limit since 3.32 (a build may allow more)


def encode_body(entry: Any, generic: Callable[[Any], dict[str, Any]]) -> str:
    """``canonical(generic(entry))`` for an audit entry, without the dict, when its values allow.

    ``generic`` is the shallow ``entry -> dict`` the generic path hashes (``auth.audit._body``).
    The string encoder raises ``TypeError`` for a value that is not a string; the lists are
    checked first, so a one-shot iterable is never half consumed before the generic path.
    """
    purpose, moment = entry.purpose, entry.time
    lists = entry.fields, entry.household_ids, entry.person_ids
    if type(moment) is float and math.isfinite(moment) and all(type(v) in _SEQUENCES for v in lists):
        s = _string
        try:
            return (f'{{"agency":{s(entry.agency)},"client_id":{s(entry.client_id)},'
                    f'"document_hash":{s(entry.document_hash)},"fields":[{",".join(map(s, lists[0]))}],'
                    f'"household_ids":[{",".join(map(s, lists[1]))}],"operation":{s(entry.operation)},'
                    f'"outcome":{s(entry.outcome)},"person_ids":[{",".join(map(s, lists[2]))}],'
                    f'"purpose":{"null" if purpose is None else s(purpose)},'
                    f'"time":{float.__repr__(moment)}}}')
        except TypeError:
            pass
    return canonical(generic(entry))


def chain_rows(items: Sequence[Any], seq: int, previous: str, encode: Callable[[Any], str]
               ) -> tuple[list[object], str]:
    """The flat ``entries`` parameters for ``items`` after ``(seq, previous)``, and the last
    hash (the new head)."""
    entries: list[object] = []
    for item in items:
        seq += 1
        body = encode(item)
        digest = entry_hash(seq, previous, body)
        entries += (seq, body, previous, digest)
        previous = digest
    return entries, previous


def subject_rows(entries: Sequence[tuple[int, str]], span: int) -> list[object]:
    """The flat ``subjects_by_span`` parameters, in key order, for stored ``(seq, body)`` entries: a
    ``(seq // span, kind, id, seq)`` row for each person and household id the body names."""
    rows: list[tuple[int, str, str, int]] = []
    for seq, body in entries:
        data = json.loads(body)
        rows += [(seq // span, "person", pid, seq) for pid in data.get("person_ids", ())]
        rows += [(seq // span, "household", hid, seq) for hid in data.get("household_ids", ())]
    rows.sort()
    return [value for row in rows for value in row]


def insert_rows(conn: sqlite3.Connection, verb: str, width: int, params: list[object]) -> None:
    """Run ``{verb} VALUES (...), (...)`` over ``params`` (``width`` per row) in as few statements
    as the connection's parameter limit allows, e.g. ``verb="INSERT INTO entries"``."""
    limit = min(conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), _MAX_PARAMS)
    step = limit // width * width
    for start in range(0, len(params), step):
        chunk = params[start:start + step]
        conn.execute(_values_sql(verb, width, len(chunk) // width), chunk)


@functools.lru_cache(maxsize=512)
def _values_sql(verb: str, width: int, rows: int) -> str:
    row = "(" + ",".join("?" * width) + ")"
    return f"{verb} VALUES {','.join([row] * rows)}"
