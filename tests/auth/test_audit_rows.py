"""How a batch of audit entries is written: the same bytes as the generic encoding, few statements."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from auth import AuditEntry, AuditLog
from auth._audit_chain import canonical, entry_hash
from auth.audit import _body, _encode
from tests.auth.test_audit import _entry


class _Text(str):
    pass


_ODD_TEXT = 'quote " back \\ slash / tab \t nl \n nul \x00 \x1f del \x7f é 日本 \u2028 😀'


@pytest.mark.parametrize("change", [
    {},
    {"purpose": None},
    {"agency": _ODD_TEXT, "client_id": _ODD_TEXT, "operation": _ODD_TEXT, "outcome": _ODD_TEXT},
    {"fields": (), "person_ids": (), "household_ids": ()},
    {"fields": ["A.b", "C.d"], "person_ids": [_ODD_TEXT]},             # lists, as a caller may pass
    {"agency": _Text("Kemenkes"), "person_ids": (_Text("p1"),)},        # str subclasses
    {"time": 0.1}, {"time": -0.0}, {"time": 1e300}, {"time": 5e-324}, {"time": 1_795_888_721.391833},
    # the generic path: values the direct encoding leaves to canonical()
    {"time": 1_700_000_000}, {"time": True}, {"time": float("nan")}, {"time": float("inf")},
    {"person_ids": ("p1", 7)}, {"purpose": 3}, {"agency": None}, {"fields": "Person.nik"},
    {"household_ids": {"h1": 1}},
])
def test_direct_encoding_is_byte_for_byte_the_canonical_json(change: dict[str, object]) -> None:
    entry = dataclasses.replace(_entry(1), **change)
    assert _encode(entry) == canonical(_body(entry))


def test_a_one_shot_iterable_is_encoded_once_and_whole() -> None:
    entry = dataclasses.replace(_entry(1), person_ids=iter(["p1", "p2"]))  # type: ignore[arg-type]
    assert '"person_ids":["p1","p2"]' in _encode(entry)


def test_a_batch_is_a_few_statements_whatever_its_size(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    audit.record(_entry(0))
    statements: list[str] = []
    audit._db.conn().set_trace_callback(statements.append)
    audit.record_many([_entry(n, people=("p1", "p2", "p3")) for n in range(1, 201)])
    audit._db.conn().set_trace_callback(None)
    # BEGIN, head, entries, head, COMMIT: each statement is a GIL hand-over for the loop (the
    # subjects index is written later, in batches).
    assert len(statements) == 5
    assert audit.verify().ok and audit.history("p3").entries[0].seq == 201
    audit.close()


def test_rows_over_the_parameter_limit_go_in_several_statements(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    conn = audit._db.conn()
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10)   # 2 entries, 3 subjects per statement
    seqs = audit.record_many([_entry(n, people=(f"p{n}", "shared")) for n in range(7)])
    assert seqs == list(range(1, 8))
    report = audit.verify()
    assert report.ok and report.entries == 7 and report.head_seq == 7
    assert [e.entry for e in audit.entries()] == [_entry(n, people=(f"p{n}", "shared")) for n in range(7)]
    assert len(audit.history("shared", first=20).entries) == 7
    audit.close()


def test_stored_hashes_chain_the_stored_bodies(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.sqlite")
    audit.record_many([_entry(n) for n in range(5)])
    audit.record(dataclasses.replace(_entry(5), time=1_700_000_000))       # the generic path
    rows = sqlite3.connect(audit.path).execute("SELECT seq, body, prev_hash, hash FROM entries ORDER BY seq")
    previous = "0" * 64
    for seq, body, prev_hash, digest in rows:
        assert prev_hash == previous and digest == entry_hash(seq, prev_hash, body)
        assert body == canonical(_body(audit.entries(start=seq, limit=1)[0].entry))
        previous = digest
    audit.close()


def test_a_new_entry_field_must_be_taught_to_the_direct_encoding() -> None:
    from auth._audit_rows import BODY_KEYS

    assert tuple(sorted(f.name for f in dataclasses.fields(AuditEntry))) == BODY_KEYS
