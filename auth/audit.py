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

The subjects index behind :meth:`AuditLog.history` (which entries name a person or household) is
not written with the entry: its keys are random, so each row dirtied a page of its own in every
commit (and again at the WAL checkpoint), which was most of an entry's cost. It is built from the
committed bodies by SQLite itself, sorted, ``index_every`` entries per transaction once that many
wait, and :meth:`AuditLog.history` first indexes whatever still waits, so its answers stay complete.

Its rows are keyed ``(span, kind, id, seq)`` in ``subjects_by_span``, a span being
:data:`SPAN_ENTRIES` consecutive entries. Keyed ``(kind, id, seq)`` alone, as the ``subjects``
table was, every batch of sorted rows still landed on most leaf pages of one ever-growing index:
at 1.7M entries a pass of 10,000 wrote 550 MB, and each pass more than the last. A batch now
only touches its own span's part of the index, so a pass costs the same however long the log
is, and ``history`` reads one short range per span, newest first. ``subjects`` keeps the rows of
logs indexed before spans and is read, never written.
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
import sqlite3
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
CREATE TABLE IF NOT EXISTS subjects_by_span (span INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
  seq INTEGER NOT NULL, PRIMARY KEY (span, kind, id, seq)) WITHOUT ROWID;
"""
#: Entries per span of the subjects index (fixed for a file: spans are found by ``seq // SPAN_ENTRIES``).
SPAN_ENTRIES = 100_000
_WATERMARK = "CREATE TABLE subjects_indexed (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL)"
_MAX_PAGE = 500
#: The subjects of entries ``?1 < seq <= ?2`` in spans of ``?3``, sorted by the index's key.
_SUBJECTS_FROM_BODIES = """
INSERT OR IGNORE INTO subjects_by_span (span, kind, id, seq)
SELECT seq / ?3, kind, id, seq FROM (
  SELECT 'person' AS kind, j.value AS id, e.seq AS seq
    FROM entries e, json_each(e.body, '$.person_ids') j WHERE e.seq > ?1 AND e.seq <= ?2
  UNION ALL
  SELECT 'household', j.value, e.seq
    FROM entries e, json_each(e.body, '$.household_ids') j WHERE e.seq > ?1 AND e.seq <= ?2)
ORDER BY 1, kind, id, seq
"""
_SPAN_SEQS = ("SELECT seq FROM subjects_by_span WHERE span = ? AND kind = ? AND id = ? AND seq < ? "
              "ORDER BY seq DESC LIMIT ?")
_OLD_SEQS = "SELECT seq FROM subjects WHERE kind = ? AND id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
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

    def __init__(self, path: Path, *, commit_delay: float = 0.05, index_every: int = 10_000) -> None:
        """``commit_delay``: how long queued entries gather before a commit (see
        ``auth._audit_writer``). Under load, 50 ms rather than 10 ms halved the writer thread's CPU
        per entry (about 0.12 -> 0.06 ms) and its GIL hand-overs with the event loop."""
        self._db = SqliteFile(path, _SCHEMA)
        self.path = self._db.path
        self.commit_delay = commit_delay
        self._index_every = index_every
        self._indexed = self._add_watermark()
        self._writer: GroupWriter[AuditEntry] = GroupWriter(self.record_many, linger=commit_delay,
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
        inserted in key order so neighbouring rows share page writes; returns the last entry's seq.

        The rows are made by one SQL statement (:data:`_SUBJECTS_FROM_BODIES`), so the whole pass
        runs inside SQLite, which the ``sqlite3`` module runs without the GIL. Done in Python
        (parse every body, sort, bind) it held the GIL for about a second per 10,000 entries, and
        the event loop sharing the process waited up to a switch interval at every statement of
        every request meanwhile: at 500 req/s, seconds of latency during each pass.
        """
        conn = self._db.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            (indexed,) = conn.execute("SELECT seq FROM subjects_indexed WHERE one = 1").fetchone()
            head_row = conn.execute("SELECT seq FROM head WHERE one = 1").fetchone()
            head = head_row[0] if head_row else 0
            upto = min(head, indexed + limit)       # sequence numbers are consecutive (see _append)
            if upto > indexed:
                _insert_subjects(conn, indexed, upto)
                conn.execute("UPDATE subjects_indexed SET seq = ? WHERE one = 1", (upto,))
                indexed = upto
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
        before = _decode_cursor(after) if after else 2**62
        conn = self._db.conn()
        seqs = _subject_seqs(conn, kind, person_id, before, first + 1)
        rows = conn.execute(f"SELECT seq, body, hash FROM entries WHERE seq IN ({','.join('?' * len(seqs))}) "
                            "ORDER BY seq DESC", seqs).fetchall()
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


def _subject_seqs(conn: sqlite3.Connection, kind: str, subject: str, before: int, limit: int) -> list[int]:
    """The newest ``limit`` entries before ``before`` that name the subject: span by span from the
    newest down, stopping once ``limit`` are found, merged with the pre-span ``subjects`` rows."""
    (newest,) = conn.execute("SELECT max(span) FROM subjects_by_span").fetchone()
    found: list[int] = []
    span = -1 if newest is None else min(newest, (before - 1) // SPAN_ENTRIES)
    while span >= 0 and len(found) < limit:
        rows = conn.execute(_SPAN_SEQS, (span, kind, subject, before, limit - len(found)))
        found += [seq for (seq,) in rows]
        span -= 1
    found += [seq for (seq,) in conn.execute(_OLD_SEQS, (kind, subject, before, limit))]
    return sorted(set(found), reverse=True)[:limit]


def _insert_subjects(conn: sqlite3.Connection, after: int, upto: int) -> None:
    """Insert the index rows of entries ``after < seq <= upto``, in key order.

    SQLite's JSON reader is strict where Python's is not: a body holding ``NaN`` (a non-finite
    time the generic encoder let through) is "malformed JSON" to it. Such a batch is indexed
    in Python instead, so no entry is ever left out of ``history``.
    """
    try:
        conn.execute(_SUBJECTS_FROM_BODIES, (after, upto, SPAN_ENTRIES))
    except sqlite3.OperationalError as exc:
        if "malformed JSON" not in str(exc):
            raise
        rows = conn.execute("SELECT seq, body FROM entries WHERE seq > ? AND seq <= ?",
                            (after, upto)).fetchall()
        insert_rows(conn, "INSERT OR IGNORE INTO subjects_by_span", 4, subject_rows(rows, SPAN_ENTRIES))


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
