"""Queued audit entries (AuditLog.submit, as the API writes them): batched, in order, never lost on close."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from auth import AuditEntry, AuditLog
from tests.auth.test_audit import _entry


def test_queued_entries_are_seen_by_readers_in_order_and_chain(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    futures = [audit.submit(_entry(n, people=(f"p{n}",))) for n in range(300)]
    # Readers wait for the queue: nothing submitted before the read is missing from it.
    entries = audit.entries(limit=1000)
    assert [e.entry.operation for e in entries] == [f"op{n}" for n in range(300)]
    assert [f.result(timeout=5) for f in futures] == list(range(1, 301))
    assert audit.history("p299").entries[0].seq == 300
    assert audit.verify().ok
    audit.close()


def test_submitters_on_many_threads_share_transactions_and_keep_one_chain(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    commits = []
    real_append = audit._append

    def counting(items: list[AuditEntry]) -> list[int]:
        commits.append(len(items))
        return real_append(items)

    audit._append = counting  # type: ignore[method-assign]

    def submit(offset: int) -> None:
        for n in range(100):
            audit.submit(_entry(offset + n))

    threads = [threading.Thread(target=submit, args=(1000 * t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = audit.verify()
    assert report.ok and report.entries == 400
    assert sum(commits) == 400 and len(commits) < 400       # several entries per transaction
    audit.close()


def test_close_commits_what_is_queued(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    for n in range(500):
        audit.submit(_entry(n))
    audit.close()                                            # a normal shutdown
    report = AuditLog(tmp_path / "audit.sqlite").verify()
    assert report.ok and report.entries == 500


def test_an_entry_that_cannot_be_stored_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    blocker = sqlite3.connect(tmp_path / "audit.sqlite")
    blocker.execute("DROP TABLE subjects")                   # every insert now fails
    blocker.commit()
    blocker.close()
    future = audit.submit(_entry(1))
    with pytest.raises(sqlite3.OperationalError):
        future.result(timeout=5)
    audit.close()
    assert any("could not be stored" in r.message for r in caplog.records)
