"""Queued audit entries (AuditLog.submit, as the API writes them): batched, in order, never lost on close."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from auth import AuditEntry, AuditLog
from tests.auth.test_audit import _entry


def test_queued_entries_are_seen_by_readers_in_order_and_chain(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    for n in range(300):
        assert audit.submit(_entry(n, people=(f"p{n}",))) is None      # nothing to wait on
    # Readers wait for the queue: nothing submitted before the read is missing from it.
    entries = audit.entries(limit=1000)
    assert [e.entry.operation for e in entries] == [f"op{n}" for n in range(300)]
    assert [e.seq for e in entries] == list(range(1, 301))
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
    blocker.execute("DROP TABLE head")                       # every append now fails
    blocker.commit()
    blocker.close()
    audit.submit(_entry(1))
    audit.submit(_entry(2))
    audit.close()                                            # nobody waits, yet the failure is seen
    failures = [r for r in caplog.records if "could not be stored" in r.getMessage()]
    assert failures and all(isinstance(r.exc_info[1], sqlite3.OperationalError)  # type: ignore[index]
                            for r in failures)
    assert sum(int(r.getMessage().split()[0]) for r in failures) == 2     # both entries counted


def test_an_awaited_entry_that_cannot_be_stored_raises_for_its_caller(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    blocker = sqlite3.connect(tmp_path / "audit.sqlite")
    blocker.execute("DROP TABLE head")
    blocker.commit()
    blocker.close()
    with pytest.raises(sqlite3.OperationalError):
        asyncio.run(audit.arecord(_entry(1)))
    audit.close()


def _submit_from_a_process(path: str, offset: int, count: int, go: Any) -> None:
    audit = AuditLog(Path(path))
    go.wait(60)                          # both processes start submitting together
    for n in range(count):
        audit.submit(_entry(offset + n, people=(f"p{offset + n}",)))
        if n % 20 == 0:
            time.sleep(0.005)            # spread over time, so the two writers' commits interleave
    audit.close()


def test_two_server_processes_keep_one_complete_chain(tmp_path: Path) -> None:
    """Two workers, each with its own queue and writer thread, append to one file: every entry
    of both is there once, and the chain and the head verify."""
    path = tmp_path / "audit.sqlite"
    AuditLog(path).close()
    spawn = multiprocessing.get_context("spawn")
    go = spawn.Barrier(3)
    workers = [spawn.Process(target=_submit_from_a_process, args=(str(path), offset, 400, go))
               for offset in (10_000, 20_000)]
    for worker in workers:
        worker.start()
    go.wait(60)
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    audit = AuditLog(path)
    report = audit.verify()
    assert report.ok and report.entries == 800
    operations = [e.entry.operation for e in audit.entries(limit=1000)]
    expected = [f"op{n}" for offset in (10_000, 20_000) for n in range(offset, offset + 400)]
    assert sorted(operations) == sorted(expected)
    assert len({op[:3] for op in operations[:400]}) == 2       # the two processes' commits interleaved
    # Each process's own entries keep their order within the one chain.
    for offset in (10_000, 20_000):
        mine = [int(op[2:]) for op in operations if offset <= int(op[2:]) < offset + 400]
        assert mine == sorted(mine)
    assert audit.history("p20399").entries[0].entry.operation == "op20399"
    audit.close()
