"""Verification against the civil registry, one case per status."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from graph.model import Verification
from linkage.verification import summarise, verify

# (record_key, cluster, nik, reference, death_date, program)
_ROWS = [
    ("dukcapil:1", "alive", "3273014501900001", True, None, None),
    ("pkh:1", "alive", "3273014501900001", False, None, "PKH"),
    ("dukcapil:2", "dead", "3273010101500002", True, date(2024, 3, 1), None),
    ("pkh:2", "dead", "3273010101500002", False, None, "PKH"),
    ("dukcapil:3", "owner", "3273010202800003", True, None, None),
    ("bpnt:3", "borrower", "3273010202800003", False, None, "BPNT"),
    ("bpnt:3b", "borrower", "3273010202800003", False, None, "BPNT"),
    ("pip:4", "stranger", "3273019999990004", False, None, "PIP"),
    ("pip:5", "nobody", None, False, None, "PIP"),
    ("dukcapil:6", "ghost", "3273010303030006", True, date(2020, 1, 1), None),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE records (record_key VARCHAR, nik VARCHAR, reference BOOLEAN, "
                "death_date DATE, program VARCHAR)")
    con.execute("CREATE TABLE person_clusters (record_key VARCHAR, cluster_id VARCHAR)")
    con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                    [(k, nik, ref, dd, prog) for k, _c, nik, ref, dd, prog in _ROWS])
    con.executemany("INSERT INTO person_clusters VALUES (?, ?)", [(k, c) for k, c, *_ in _ROWS])
    return con


def test_every_status(con: duckdb.DuckDBPyConnection) -> None:
    assert verify(con) == {
        "alive": Verification.VERIFIED,
        "dead": Verification.DECEASED,
        "owner": Verification.VERIFIED,
        "borrower": Verification.NIK_OF_ANOTHER,
        "stranger": Verification.NIK_UNKNOWN,
        "nobody": Verification.NO_NIK,
        "ghost": Verification.DECEASED,
    }


def test_summary_counts_the_deceased_still_enrolled(con: duckdb.DuckDBPyConnection) -> None:
    summary = summarise(con, verify(con))
    assert summary.by_status == {"verified": 2, "nik_unknown": 1, "nik_of_another": 1, "no_nik": 1,
                                 "deceased": 2}
    # "dead" is still on the PKH list; "ghost" is only in the registry.
    assert summary.deceased_still_enrolled == 1


def test_most_frequent_claimed_nik_decides(con: duckdb.DuckDBPyConnection) -> None:
    # A typo in one of three records does not make the person's claimed NIK unknown.
    con.execute("INSERT INTO records VALUES ('pkh:9', '3273010202800009', false, NULL, 'PKH')")
    con.execute("INSERT INTO person_clusters VALUES ('pkh:9', 'borrower')")
    assert verify(con)["borrower"] is Verification.NIK_OF_ANOTHER
