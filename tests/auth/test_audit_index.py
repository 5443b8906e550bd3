"""The subjects index behind AuditLog.history: built after the entries, in batches, never incomplete."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest

import auth.audit
from auth import AuditLog
from auth._audit_chain import GENESIS, entry_hash
from tests.auth.test_audit import _entry


def _indexed(path: Path) -> tuple[int, int]:
    """(the watermark, how many distinct entries have index rows, before spans or in them)."""
    conn = sqlite3.connect(path)
    try:
        (mark,) = conn.execute("SELECT seq FROM subjects_indexed").fetchone()
        (count,) = conn.execute("SELECT count(DISTINCT seq) FROM (SELECT seq FROM subjects "
                                "UNION ALL SELECT seq FROM subjects_by_span)").fetchone()
        return mark, count
    finally:
        conn.close()


def _every_page(audit: AuditLog, subject: str, first: int) -> list[int]:
    """The sequence numbers of every entry naming ``subject``, page by page as a client reads them."""
    seen: list[int] = []
    after = None
    while True:
        page = audit.history(subject, first=first, after=after)
        seen += [e.seq for e in page.entries]
        if not page.has_next_page:
            return seen
        after = page.end_cursor


def test_history_indexes_what_waits_before_it_answers(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=1000)
    audit.record_many([_entry(n, people=(f"p{n % 7}", "shared")) for n in range(300)])
    assert _indexed(audit.path) == (0, 0)                       # nothing indexed on the write path
    page = audit.history("shared", first=500)
    assert [e.seq for e in page.entries] == list(range(300, 0, -1))
    assert [e.seq for e in audit.history("p3", first=500).entries] == [n + 1 for n in range(299, -1, -1)
                                                                        if n % 7 == 3]
    assert [e.seq for e in audit.history("h9", first=2, kind="household").entries] == [300, 299]
    assert _indexed(audit.path) == (300, 300)
    audit.close()


def test_history_pages_through_a_backlog_larger_than_one_indexing_transaction(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=10_000)
    audit._index_every = 40                                     # history indexes 40 entries per transaction
    audit.record_many([_entry(n, people=("p1",)) for n in range(130)])
    assert _every_page(audit, "p1", 50) == list(range(130, 0, -1))
    audit.close()


def test_the_writer_indexes_once_enough_entries_wait(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=50)
    for n in range(120):
        audit.submit(_entry(n, people=(f"p{n}",)))
    audit.close()
    mark, count = _indexed(tmp_path / "audit.sqlite")
    assert mark >= 100 and count == mark                        # indexed without a reader asking
    reopened = AuditLog(tmp_path / "audit.sqlite")
    assert reopened.history("p119").entries[0].seq == 120       # and the rest on demand
    assert reopened.verify().ok
    reopened.close()


def test_an_indexing_failure_loses_nothing_and_the_next_reader_catches_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=10)
    real = auth.audit._insert_subjects

    def half_then_fail(conn: sqlite3.Connection, after: int, upto: int) -> None:
        real(conn, after, upto)
        raise sqlite3.OperationalError("disk I/O error")        # as if killed after the rows went in

    monkeypatch.setattr(auth.audit, "_insert_subjects", half_then_fail)
    assert audit.record_many([_entry(n, people=(f"p{n}",)) for n in range(12)]) == list(range(1, 13))
    assert any("could not index" in r.getMessage() for r in caplog.records)
    assert _indexed(audit.path) == (0, 0)                       # rolled back whole: rows and mark together
    monkeypatch.setattr(auth.audit, "_insert_subjects", real)
    assert audit.history("p11").entries[0].seq == 12
    assert _indexed(audit.path) == (12, 12)
    audit.close()


_OLD_SCHEMA = """
CREATE TABLE entries (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE subjects (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (kind, id, seq)) WITHOUT ROWID;
"""


def _old_log(path: Path, count: int) -> None:
    """A log as the hub wrote it before the deferred index: every entry's subjects in its commit."""
    conn = sqlite3.connect(path)
    conn.executescript(_OLD_SCHEMA)
    previous = GENESIS
    for seq in range(1, count + 1):
        body = auth.audit._encode(_entry(seq, people=(f"p{seq}", "shared")))
        digest = entry_hash(seq, previous, body)
        conn.execute("INSERT INTO entries VALUES (?, ?, ?, ?)", (seq, body, previous, digest))
        conn.executemany("INSERT INTO subjects VALUES (?, ?, ?)",
                         [("person", f"p{seq}", seq), ("person", "shared", seq), ("household", "h9", seq)])
        previous = digest
    conn.execute("INSERT INTO head VALUES (1, ?, ?)", (count, previous))
    conn.commit()
    conn.close()


def test_a_log_from_before_the_deferred_index_is_migrated_in_place(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "audit.sqlite"
    _old_log(path, 25)
    with caplog.at_level(logging.INFO, logger="auth.audit"):
        audit = AuditLog(path, index_every=1000)
    assert any("migrated in place" in r.getMessage() and "25" in r.getMessage() for r in caplog.records)
    assert _indexed(path) == (25, 25)                           # its entries were indexed as written
    audit.record_many([_entry(n, people=(f"p{n}", "shared")) for n in range(26, 31)])
    assert [e.seq for e in audit.history("shared", first=100).entries] == list(range(30, 0, -1))
    assert audit.verify().ok
    audit.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="auth.audit"):
        AuditLog(path).close()                                  # once only
    assert not any("migrated" in r.getMessage() for r in caplog.records)


def test_a_fresh_log_says_nothing_about_migrating(tmp_path: Path, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="auth.audit"):
        AuditLog(tmp_path / "audit.sqlite").close()
    assert not any("migrated" in r.getMessage() for r in caplog.records)
    assert _indexed(tmp_path / "audit.sqlite") == (0, 0)


def _subjects(path: Path) -> list[tuple[int, str, str, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT span, kind, id, seq FROM subjects_by_span ORDER BY span, kind, id, seq"
                            ).fetchall()
    finally:
        conn.close()


def test_the_index_sqlite_builds_holds_what_the_bodies_name(tmp_path: Path) -> None:
    """SQLite reads the stored bodies itself; its rows must be what Python's JSON reader finds,
    escapes, non-ASCII and empty lists included."""
    odd = ('p"1', "p\\2", "Nuré", "p\u2028x", "田中", "")
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=10_000)
    audit.record_many([_entry(n, people=(*odd[n % len(odd):], f"p{n}")) for n in range(40)]
                      + [_entry(99, people=())])
    audit.history("p1")
    conn = sqlite3.connect(audit.path)
    bodies = conn.execute("SELECT seq, body FROM entries ORDER BY seq").fetchall()
    conn.close()
    flat = auth.audit.subject_rows(bodies, auth.audit.SPAN_ENTRIES)
    assert _subjects(audit.path) == sorted(zip(flat[0::4], flat[1::4], flat[2::4], flat[3::4], strict=True))
    assert [e.seq for e in audit.history('p"1').entries] == [n + 1 for n in range(39, -1, -1) if n % 6 == 0]
    audit.close()


def test_a_body_sqlite_cannot_read_is_indexed_all_the_same(tmp_path: Path) -> None:
    """A non-finite time is written as ``NaN``, which SQLite's JSON reader refuses."""
    from dataclasses import replace
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=10_000)
    audit.record_many([_entry(1, people=("p1",)), replace(_entry(2, people=("p1", "p2")), time=float("nan")),
                       _entry(3, people=("p2",))])
    assert [e.seq for e in audit.history("p2").entries] == [3, 2]
    assert [e.seq for e in audit.history("p1").entries] == [2, 1]
    assert _indexed(audit.path) == (3, 3)
    audit.close()


def test_history_pages_newest_first_across_spans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth.audit, "SPAN_ENTRIES", 7)
    audit = AuditLog(tmp_path / "audit.sqlite", index_every=10)
    audit.record_many([_entry(n, people=("p1",) if n % 3 else ("p2",)) for n in range(1, 61)])
    assert _every_page(audit, "p1", 4) == [n for n in range(60, 0, -1) if n % 3]
    assert len({span for span, *_ in _subjects(audit.path)}) == 9    # 60 entries in spans of 7
    assert [e.seq for e in audit.history("p2", first=2, after=audit.history("p2", first=3).end_cursor
                                         ).entries] == [51, 48]
    assert audit.history("nobody").entries == []
    audit.close()


def test_rows_from_before_spans_are_merged_in_order(tmp_path: Path) -> None:
    """A log indexed before spans keeps its rows in ``subjects``; a process still running the old
    code during an upgrade may even add rows there among newer span rows."""
    path = tmp_path / "audit.sqlite"
    _old_log(path, 5)
    audit = AuditLog(path, index_every=1000)
    audit.record_many([_entry(n, people=("shared",)) for n in range(6, 10)])
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO subjects VALUES ('person', 'late', 7)")
    conn.commit()
    conn.close()
    audit.record_many([_entry(10, people=("late",)), _entry(11, people=("late",))])
    assert [e.seq for e in audit.history("shared", first=100).entries] == [9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert [e.seq for e in audit.history("late").entries] == [11, 10, 7]
    assert [e.seq for e in audit.history("late", first=2).entries] == [11, 10]
    audit.close()
