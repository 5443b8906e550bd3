"""The append-only, hash-chained audit log of every API operation (UU PDP 27/2022).

One entry per operation: when, which client and agency, for what purpose, which
operation (name and document hash), which fields were returned, the ids of the people and
households returned, and the outcome. Entries live in ``audit.sqlite``; each carries the
previous entry's hash (see ``auth._audit_chain``), :meth:`AuditLog.verify` says where the
chain breaks, and :meth:`AuditLog.history` answers "who saw this person's data, when, why".

Writing is one short SQLite transaction (WAL, ``BEGIN IMMEDIATE`` so several processes
keep one chain); ``bench/audit_bench.py`` measures what it costs the API. The API queues
its entries (:meth:`AuditLog.submit`): one thread commits whatever is waiting in one
transaction, the chain is extended in queue order, readers of this log first wait for the
queue to drain, and :meth:`AuditLog.close` (the server's shutdown) commits what is left.

The ``subjects`` index (kind, id, seq) behind :meth:`AuditLog.history` is not written with the
entry: its keys are random, so each row dirtied a page of its own in every commit (and again at
the WAL checkpoint), which was most of an entry's cost. It is built from the committed bodies,
sorted, ``index_every`` entries per transaction once that many wait, and
:meth:`AuditLog.history` first indexes whatever still waits, so its answers stay complete.
``subjects_indexed`` holds the last entry indexed; one transaction inserts rows and moves it, so
a kill leaves both as they were and the next indexing resumes. Durability is unchanged (WAL,
``synchronous=NORMAL``): the entries are stored as before, the index is derived from them.

Example:
    >>> log = AuditLog(tmp_path / "audit.sqlite")                                   # doctest: +SKIP
    >>> log.record(AuditEntry("kemenkes", "Kemenkes", "health_insurance", "person",
    ...                       document_hash("{ person(id: \\"p1\\") { fullName } }"),
    ...                       fields=("Person.fullName",), person_ids=("p1",)))     # doctest: +SKIP
    >>> log.verify().ok                                                             # doctest: +SKIP
    True
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from auth._audit_chain import GENESIS, ChainProblem, ChainReport, verify_rows
from auth._audit_rows import BODY_KEYS, chain_rows, encode_body, insert_rows, subject_rows
from auth._audit_writer import GroupWriter
from auth._sqlite import SqliteFile
from core.errors import InputError

__all__ = ["AuditEntry", "AuditLog", "AuditPage", "LoggedEntry", "document_hash"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS subjects (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (kind, id, seq)) WITHOUT ROWID;
"""
_WATERMARK = "CREATE TABLE subjects_indexed (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL)"
_MAX_PAGE = 500
_LOG = logging.getLogger(__name__)


def document_hash(document: str) -> str:
    """SHA-256 of a GraphQL document, as stored in :attr:`AuditEntry.document_hash`."""
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """What happened in one operation; ``time`` defaults to when it is recorded."""

    client_id: str
    agency: str
    purpose: str | None
    operation: str
    document_hash: str
    fields: tuple[str, ...] = ()
    person_ids: tuple[str, ...] = ()
    household_ids: tuple[str, ...] = ()
    outcome: str = "ok"
    time: float = field(default_factory=time.time)


@dataclass(frozen=True)
class LoggedEntry:
    """An entry as stored: its place in the chain and its hash."""

    seq: int
    entry: AuditEntry
    hash: str

    @property
    def cursor(self) -> str:
        """This entry's opaque keyset cursor: pass it as ``after`` to continue past it."""
        return _encode_cursor(self.seq)


@dataclass(frozen=True)
class AuditPage:
    """One page of :meth:`AuditLog.history`, newest first; pass ``end_cursor`` as ``after``."""

    entries: list[LoggedEntry]
    end_cursor: str | None
    has_next_page: bool


class AuditLog:
    """The audit log in one SQLite file."""

    def __init__(self, path: Path, *, linger: float = 0.01, index_every: int = 10_000) -> None:
        self._db = SqliteFile(path, _SCHEMA)
        self.path = self._db.path
        self._index_every = index_every
        self._indexed = self._add_watermark()
        # linger: how long queued entries gather before a commit (see auth._audit_writer)
        self._writer: GroupWriter[AuditEntry] = GroupWriter(self.record_many, linger=linger,
                                                            on_error=_log_failure)

    def record(self, entry: AuditEntry) -> int:
        """Append one entry now, in its own transaction; returns its sequence number."""
        return self.record_many([entry])[-1]

    def submit(self, entry: AuditEntry) -> None:
        """Queue an entry and return at once; a background thread commits it with whatever else
        is queued, in one transaction, in queue order.

        This is how the API records each operation without paying a transaction per request.
        Nothing is returned to wait on (no future per entry to make and resolve: readers of the
        log wait for the queue anyway); a caller that needs the sequence number uses
        :meth:`arecord`. Nothing queued is lost on a normal shutdown: :meth:`close` commits it
        first. An entry that cannot be stored is logged (logger ``auth.audit``).
        """
        self._writer.post(entry)

    async def arecord(self, entry: AuditEntry) -> int:
        """Append from a request handler: returns once the entry is committed, without blocking the loop.

        Concurrent callers are committed together (group commit), which is what keeps the
        audit from costing the API half its throughput.
        """
        return await asyncio.wrap_future(self._writer.submit(entry))

    def record_many(self, entries: Iterable[AuditEntry]) -> list[int]:
        """Append entries in one transaction (cheaper per entry when a caller has several)."""
        return self._append(list(entries))

    def _append(self, items: list[AuditEntry]) -> list[int]:
        if not items:
            return []
        conn = self._db.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT seq, hash FROM head WHERE one = 1").fetchone()
            seq, previous = row if row else (0, GENESIS)
            entries, head = chain_rows(items, seq, previous, _encode)
            insert_rows(conn, "INSERT INTO entries", 4, entries)
            conn.execute("INSERT OR REPLACE INTO head VALUES (1, ?, ?)", (seq + len(items), head))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if seq + len(items) - self._indexed >= self._index_every:
            try:
                while self._index_waiting(self._index_every) - self._indexed >= self._index_every:
                    pass
            except Exception:   # the entries are stored; history() indexes them before it answers
                _LOG.exception("audit log %s: could not index entries after %d", self.path, self._indexed)
        return list(range(seq + 1, seq + len(items) + 1))

    def _add_watermark(self) -> int:
        """Create ``subjects_indexed`` in a log from before it (whose entries were all indexed as
        they were written), in place; returns the last entry indexed."""
        conn = self._db.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'subjects_indexed'").fetchone():
                conn.execute(_WATERMARK)
                head = conn.execute("SELECT seq FROM head WHERE one = 1").fetchone()
                conn.execute("INSERT INTO subjects_indexed VALUES (1, ?)", (head[0] if head else 0,))
                if head:
                    _LOG.info("audit log %s migrated in place: entries are now indexed for history in "
                              "batches; all %d so far were indexed", self.path, head[0])
            (indexed,) = conn.execute("SELECT seq FROM subjects_indexed WHERE one = 1").fetchone()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(indexed)

    def _index_waiting(self, limit: int) -> int:
        """Index the subjects of up to ``limit`` entries not yet indexed, in one transaction,
        inserted in key order so neighbouring rows share page writes; returns the last entry's seq."""
        conn = self._db.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            (indexed,) = conn.execute("SELECT seq FROM subjects_indexed WHERE one = 1").fetchone()
            rows = conn.execute("SELECT seq, body FROM entries WHERE seq > ? ORDER BY seq LIMIT ?",
                                (indexed, limit)).fetchall()
            if rows:
                insert_rows(conn, "INSERT OR IGNORE INTO subjects", 3, subject_rows(rows))
                indexed = rows[-1][0]
                conn.execute("UPDATE subjects_indexed SET seq = ? WHERE one = 1", (indexed,))
            (head,) = conn.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._indexed = indexed
        return int(head)

    def history(self, person_id: str, *, first: int = 20, after: str | None = None,
                kind: str = "person") -> AuditPage:
        """Who accessed this person's (or household's) data: newest first, keyset-paginated."""
        if not 1 <= first <= _MAX_PAGE:
            raise InputError(f"first must be between 1 and {_MAX_PAGE}, not {first}", where="first")
        self._writer.flush()
        last = self._index_waiting(self._index_every)
        while self._indexed < last:     # not past ``last``: other processes may keep appending
            self._index_waiting(self._index_every)
        before = _decode_cursor(after) if after else None
        rows = self._db.conn().execute(
            "SELECT e.seq, e.body, e.hash FROM subjects s JOIN entries e ON e.seq = s.seq "
            "WHERE s.kind = ? AND s.id = ? AND s.seq < ? ORDER BY s.seq DESC LIMIT ?",
            (kind, person_id, before if before is not None else 2**62, first + 1)).fetchall()
        entries = [LoggedEntry(seq, _entry(body), digest) for seq, body, digest in rows[:first]]
        more = len(rows) > first
        return AuditPage(entries, entries[-1].cursor if entries else None, more)

    def entries(self, *, start: int = 1, limit: int = 1000) -> list[LoggedEntry]:
        """Entries in chain order from ``start`` (for export and review)."""
        self._writer.flush()
        rows = self._db.conn().execute("SELECT seq, body, hash FROM entries WHERE seq >= ? ORDER BY seq "
                                       "LIMIT ?", (start, limit)).fetchall()
        return [LoggedEntry(seq, _entry(body), digest) for seq, body, digest in rows]

    def verify(self, *, anchors: Iterable[tuple[int, str]] = ()) -> ChainReport:
        """Walk the whole chain and report every place it was edited, cut, or reordered.

        ``anchors`` are ``(seq, hash)`` heads recorded earlier outside the hub (``audit verify``
        prints one): someone able to rewrite the file could rebuild a consistent chain, but
        not one that still passes through a head an auditor wrote down.
        """
        self._writer.flush()
        conn = self._db.conn()
        head = conn.execute("SELECT seq, hash FROM head WHERE one = 1").fetchone()
        rows = conn.execute("SELECT seq, body, prev_hash, hash FROM entries ORDER BY seq")
        report = verify_rows(rows, tuple(head) if head else None)
        for seq, digest in anchors:
            row = conn.execute("SELECT hash FROM entries WHERE seq = ?", (seq,)).fetchone()
            if row is None or row[0] != digest:
                report.problems.append(ChainProblem(seq, "anchor", f"entry {seq} no longer has the hash "
                                                    "recorded outside the hub: the log was rewritten"))
        return report

    def close(self) -> None:
        """Commit what is queued, then close the database."""
        self._writer.close()
        self._db.close()


def _log_failure(exc: BaseException, count: int) -> None:
    _LOG.error("%d audit entr%s could not be stored in the audit log", count, "y" if count == 1 else "ies",
               exc_info=exc)


def _body(entry: AuditEntry) -> dict[str, object]:
    # Shallow on purpose: asdict() deep-copies every value, which costs more than the write.
    body: dict[str, object] = {f.name: getattr(entry, f.name) for f in fields(entry)}
    for key in ("fields", "person_ids", "household_ids"):
        body[key] = list(body[key])  # type: ignore[call-overload]
    return body


def _encode(entry: AuditEntry) -> str:
    return encode_body(entry, _body)


if tuple(sorted(f.name for f in fields(AuditEntry))) != BODY_KEYS:
    # The direct encoder writes exactly these keys: a new field must be added there too.
    raise RuntimeError(f"AuditEntry's fields are not auth._audit_rows.BODY_KEYS {BODY_KEYS}")


def _entry(body: str) -> AuditEntry:
    data = json.loads(body)
    for key in ("fields", "person_ids", "household_ids"):
        data[key] = tuple(data[key])
    return AuditEntry(**data)


def _encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{seq}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        kind, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "audit":
            raise ValueError(kind)
        return int(seq)
    except (ValueError, UnicodeError) as exc:
        raise InputError(f"cursor {cursor!r} is not an audit cursor", where="after",
                         hint="pass the endCursor of the previous page") from exc
