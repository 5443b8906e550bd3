"""The audit log's hash chain: how an entry is hashed, and how a chain is checked.

Each entry's hash covers its sequence number, the previous entry's hash and its canonical
JSON body, so editing a body, deleting, inserting or moving an entry breaks the chain at
the first place it happened. A separate head row records the last sequence number and
hash, so cutting entries off the end is noticed too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GENESIS", "ChainProblem", "ChainReport", "canonical", "entry_hash", "verify_rows"]

GENESIS = "0" * 64


def canonical(body: dict[str, Any]) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(seq: int, prev_hash: str, body_json: str) -> str:
    return hashlib.sha256(f"{seq}\n{prev_hash}\n{body_json}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks and what that means."""

    seq: int
    kind: str  # "edited", "missing", "out_of_order", "truncated", "anchor"
    message: str


@dataclass(frozen=True)
class ChainReport:
    """The result of :meth:`AuditLog.verify`: ``ok``, how many entries, and every break found."""

    entries: int
    head_seq: int
    head_hash: str
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_rows(rows: Iterable[tuple[int, str, str, str]], head: tuple[int, str] | None) -> ChainReport:
    """Check ``(seq, body, prev_hash, hash)`` rows in ``seq`` order against each other and the head."""
    problems: list[ChainProblem] = []
    expected_seq, previous, count = 1, GENESIS, 0
    for seq, body, prev_hash, stored in rows:
        count += 1
        if seq > expected_seq:
            gap = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            problems.append(ChainProblem(seq, "missing", f"entries {gap} are missing before entry {seq} "
                                         "(deleted)"))
        elif prev_hash != previous:
            problems.append(ChainProblem(seq, "out_of_order", f"entry {seq} does not follow entry {seq - 1}: "
                                         "an entry was inserted, deleted or moved here"))
        if entry_hash(seq, prev_hash, body) != stored:
            problems.append(ChainProblem(seq, "edited", f"entry {seq} does not match its hash: "
                                         "its contents were edited, or it was moved here"))
        expected_seq, previous = seq + 1, stored
    last_seq = expected_seq - 1
    head = head or (0, GENESIS)
    if head[0] != last_seq or head[1] != previous:
        if head[0] > last_seq:
            message = f"the log ends at entry {last_seq} but its head says {head[0]}: entries were cut off"
        else:
            message = f"the log's head (entry {head[0]}) does not match its last entry {last_seq}"
        problems.append(ChainProblem(last_seq, "truncated", message))
    return ChainReport(entries=count, head_seq=head[0], head_hash=head[1], problems=problems)
