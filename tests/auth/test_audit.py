"""The hash-chained audit log: recording, per-person history, and detection of every kind of tampering."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from auth import AuditEntry, AuditLog, document_hash
from auth._audit_chain import entry_hash
from core.errors import InputError


def _entry(n: int, people: tuple[str, ...] = ("p1",), client: str = "kemenkes") -> AuditEntry:
    return AuditEntry(client_id=client, agency="Kemenkes", purpose="health_insurance", operation=f"op{n}",
                      document_hash=document_hash(f"query Q{n} {{ person(id: \"p1\") {{ fullName }} }}"),
                      fields=("Person.fullName", "Person.nik"), person_ids=people, household_ids=("h9",),
                      time=1_700_000_000.0 + n)


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.sqlite")
    for n in range(1, 11):
        audit.record(_entry(n))
    return audit


def _sql(log: AuditLog, *statements: str) -> None:
    conn = sqlite3.connect(log.path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def test_untouched_chain_verifies(log: AuditLog) -> None:
    report = log.verify()
    assert report.ok and report.entries == 10 and report.head_seq == 10


def test_entries_round_trip(log: AuditLog) -> None:
    first = log.entries(limit=1)[0]
    assert first.seq == 1 and first.entry == _entry(1)
    assert len(first.hash) == 64


def test_edited_entry_is_found(log: AuditLog) -> None:
    _sql(log, "UPDATE entries SET body = replace(body, 'health_insurance', 'audit') WHERE seq = 4")
    report = log.verify()
    assert not report.ok
    assert [(p.seq, p.kind) for p in report.problems] == [(4, "edited")]
    assert "entry 4" in report.problems[0].message


def test_deleted_entry_is_found(log: AuditLog) -> None:
    _sql(log, "DELETE FROM entries WHERE seq = 6")
    problems = log.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(7, "missing")]
    assert "entries 6 are missing" in problems[0].message


def test_inserted_entry_is_found(log: AuditLog) -> None:
    # Make room at 5 by shifting later entries up, then put a forged entry there.
    _sql(log, "UPDATE entries SET seq = seq + 100 WHERE seq >= 5",
         "UPDATE entries SET seq = seq - 99 WHERE seq >= 105",
         "INSERT INTO entries SELECT 5, replace(body, 'op4', 'forged'), hash, "
         "'0000000000000000000000000000000000000000000000000000000000000000' FROM entries WHERE seq = 4")
    report = log.verify()
    assert not report.ok
    assert report.problems[0].seq == 5
    assert {p.kind for p in report.problems} >= {"edited", "out_of_order"}


def test_reordered_entries_are_found(log: AuditLog) -> None:
    _sql(log, "UPDATE entries SET seq = -3 WHERE seq = 3", "UPDATE entries SET seq = 3 WHERE seq = 8",
         "UPDATE entries SET seq = 8 WHERE seq = -3")
    report = log.verify()
    assert [p.seq for p in report.problems if p.kind == "edited"] == [3, 8]
    assert report.problems[0].seq == 3


def test_cut_off_tail_is_found(log: AuditLog) -> None:
    _sql(log, "DELETE FROM entries WHERE seq >= 9")
    problems = log.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(8, "truncated")]
    assert "cut off" in problems[0].message


def test_rebuilt_chain_is_caught_by_an_outside_anchor(log: AuditLog) -> None:
    anchor = (5, log.entries(start=5, limit=1)[0].hash)
    assert log.verify(anchors=[anchor]).ok
    # Someone with write access edits entry 3 and recomputes every hash after it and the head.
    _sql(log, "UPDATE entries SET body = replace(body, 'health_insurance', 'audit') WHERE seq = 3")
    conn = sqlite3.connect(log.path)
    with conn:
        previous = conn.execute("SELECT hash FROM entries WHERE seq = 2").fetchone()[0]
        for seq, body in conn.execute("SELECT seq, body FROM entries WHERE seq >= 3 ORDER BY seq").fetchall():
            digest = entry_hash(seq, previous, body)
            conn.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE seq = ?", (previous, digest, seq))
            previous = digest
        conn.execute("UPDATE head SET hash = ?", (previous,))
    conn.close()
    assert log.verify().ok  # the chain alone cannot tell
    report = log.verify(anchors=[anchor])
    assert [(p.seq, p.kind) for p in report.problems] == [(5, "anchor")]


def test_history_per_person_is_keyset_paginated(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    for n in range(1, 26):
        audit.record(_entry(n, people=("p1", "p2") if n % 2 else ("p2",)))
    page = audit.history("p1", first=5)
    assert [e.entry.operation for e in page.entries] == ["op25", "op23", "op21", "op19", "op17"]
    assert page.has_next_page and page.end_cursor == page.entries[-1].cursor
    assert audit.history("p1", first=2, after=page.entries[0].cursor).entries[0].seq == 23
    seen = [e.seq for e in page.entries]
    while page.has_next_page:
        page = audit.history("p1", first=5, after=page.end_cursor)
        seen += [e.seq for e in page.entries]
    assert seen == list(range(25, 0, -2))
    assert audit.history("p2", first=100).entries[0].seq == 25
    assert len(audit.history("h9", first=100, kind="household").entries) == 25
    assert audit.history("nobody").entries == [] and audit.history("nobody").end_cursor is None


def test_bad_cursor_and_page_size_are_input_errors(log: AuditLog) -> None:
    with pytest.raises(InputError, match="cursor"):
        log.history("p1", after="garbage!")
    with pytest.raises(InputError, match="first"):
        log.history("p1", first=0)


def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite"
    logs = [AuditLog(path) for _ in range(3)]

    def write(audit: AuditLog, offset: int) -> None:
        for n in range(40):
            audit.record(_entry(offset + n))

    threads = [threading.Thread(target=write, args=(a, i * 100)) for i, a in enumerate(logs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = AuditLog(path).verify()
    assert report.ok and report.entries == 120


def test_record_many_is_one_chain(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    assert audit.record_many([_entry(n) for n in range(5)]) == [1, 2, 3, 4, 5]
    assert audit.record_many([]) == []
    assert audit.verify().ok


def test_arecord_group_commits_concurrent_requests(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")

    async def many() -> list[int]:
        return list(await asyncio.gather(*(audit.arecord(_entry(n)) for n in range(200))))

    seqs = asyncio.run(many())
    assert sorted(seqs) == list(range(1, 201))
    audit.record(_entry(999))
    audit.close()
    report = AuditLog(tmp_path / "audit.sqlite").verify()
    assert report.ok and report.entries == 201


def _stored(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        conn.close()


def test_a_submitted_entry_waits_the_commit_delay_then_is_stored(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite", commit_delay=0.4)
    audit.submit(_entry(1))
    audit.submit(_entry(2))
    assert _stored(audit.path) == 0                             # gathering for one commit
    deadline = time.monotonic() + 10
    while _stored(audit.path) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _stored(audit.path) == 2
    audit.submit(_entry(3))
    audit.close()                                               # a normal shutdown commits what waits
    assert _stored(audit.path) == 3


def test_the_server_setting_sets_the_commit_delay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.app import create_app
    from hub.settings import load_settings

    monkeypatch.setenv("DTSEN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DTSEN_AUDIT_COMMIT_DELAY", "0.2")
    monkeypatch.setenv("DTSEN_STORE", str(tmp_path / "graph.sqlite"))
    app = create_app(load_settings())
    assert app.state.audit.commit_delay == 0.2
    app.state.audit.close()
    monkeypatch.setenv("DTSEN_AUDIT_COMMIT_DELAY", "5")
    with pytest.raises(ValidationError, match="audit_commit_delay"):
        load_settings()
