"""Property: whatever bytes an agency sends, every data row lands in exactly one table."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InputError
from linkage.intake import ingest
from tests.linkage._intake_files import HEADER, write_sources

_CELL = st.one_of(
    st.sampled_from(["", "A1", "A2", "3273014112900001", "32730141129O0001", "Siti", "H. Budi, S.H.",
                     "01/12/1990", "1990-12-01", "31 Desember 1980", "P", "L", "2", "x" * 1500, '"', "a,b"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
_ROW = st.lists(_CELL, min_size=1, max_size=len(HEADER) + 2)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ROW, max_size=12), st.sampled_from(["utf-8", "latin-1"]))
def test_rows_equal_accepted_plus_quarantined(rows: list[list[str]], encoding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = [",".join(HEADER)] + [",".join(_quote(c) for c in row) for row in rows]
        (folder / "pkh.csv").write_bytes("\n".join(lines).encode(encoding, errors="replace") + b"\n")
        try:
            report = ingest(write_sources(folder), folder / "ws.duckdb").to_json()
        except InputError:      # a whole-file problem (e.g. the header itself broken by a quote)
            return
        d = report["datasets"]["pkh"]
        con = duckdb.connect(str(folder / "ws.duckdb"), read_only=True)
        try:
            loaded = [n for (n,) in con.execute("SELECT row_number FROM records").fetchall()]
            held = [n for (n,) in con.execute("SELECT row_number FROM quarantine").fetchall()]
        finally:
            con.close()
    assert d["rows"] == d["accepted"] + sum(d["quarantined"].values())
    assert (len(loaded), len(held)) == (d["accepted"], sum(d["quarantined"].values()))
    numbers = sorted(loaded + held)
    assert numbers == list(range(1, len(numbers) + 1))      # no row number missing or doubled


def _quote(cell: str) -> str:
    """Quote most cells properly, but let some through raw so the file can be broken."""
    if cell in ('"', "a,b") or ("\n" not in cell and '"' not in cell and "," not in cell):
        return cell
    return '"' + cell.replace('"', '""') + '"'
