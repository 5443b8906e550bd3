"""Issue 2, point 6: every kind of bad input gets a clear message and no row disappears."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.errors import InputError
from linkage.intake import ingest
from tests.linkage._intake_files import GOOD, HEADER, write_csv, write_sources


def _tables(workspace: Path) -> tuple[list[tuple], list[tuple]]:
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        records = con.execute("SELECT source_id, nik, full_name, birth_date, flags, original::VARCHAR "
                              "FROM records ORDER BY row_number").fetchall()
        quarantine = con.execute("SELECT row_number, source_id, reason, detail, raw::VARCHAR FROM quarantine "
                                 "ORDER BY row_number").fetchall()
    finally:
        con.close()
    return records, quarantine


def _accounted(report: dict, name: str = "pkh") -> dict:
    d = report["datasets"][name]
    assert d["rows"] == d["accepted"] + sum(d["quarantined"].values())
    return d


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    sources = write_sources(tmp_path, "absent.csv")
    with pytest.raises(InputError) as info:
        ingest(sources, tmp_path / "ws.duckdb")
    assert "absent.csv" in str(info.value)


def test_unreadable_parquet_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "pkh.parquet").write_bytes(b"this is not parquet at all")
    sources = write_sources(tmp_path, "pkh.parquet")
    with pytest.raises(InputError) as info:
        ingest(sources, tmp_path / "ws.duckdb")
    assert "pkh.parquet" in str(info.value)
    assert "parquet" in info.value.message.lower()


def test_latin1_file_is_read_and_reported(tmp_path: Path) -> None:
    rows = [*GOOD, ["A3", "3273015507800003", "Désirée Siregar", "15/07/1980", "P", "1"]]
    write_csv(tmp_path / "pkh.csv", rows, encoding="latin-1")
    report = ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json()
    d = _accounted(report)
    assert (d["rows"], d["accepted"]) == (3, 3)
    assert d["encoding"] == "latin-1"
    records, _ = _tables(tmp_path / "ws.duckdb")
    assert records[2][2] == "DESIREE SIREGAR"        # accents folded for comparison, not dropped
    assert "Désirée" in json.loads(records[2][5])["full_name"]   # the original is decoded right


def test_missing_mapped_column_names_column_dataset_and_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", GOOD)
    sources = write_sources(tmp_path, fields={"full_name": "NAMA", "mother_name": "NAMA_IBU"})
    with pytest.raises(InputError) as info:
        ingest(sources, tmp_path / "ws.duckdb")
    text = str(info.value)
    assert "NAMA_IBU" in text and "pkh" in text and "pkh.csv" in text
    assert not (tmp_path / "ws.duckdb").exists()     # found before anything was written


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pkh.csv").write_bytes(b"")
    with pytest.raises(InputError) as info:
        ingest(write_sources(tmp_path), tmp_path / "ws.duckdb")
    assert "pkh.csv" in str(info.value) and "empty" in str(info.value)


def test_header_only_file_loads_nothing_and_says_so(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", [])
    report = ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json()
    d = _accounted(report)
    assert (d["rows"], d["accepted"], d["quarantined"]) == (0, 0, {})
    assert _tables(tmp_path / "ws.duckdb") == ([], [])


def test_ragged_rows_are_quarantined_with_their_cells(tmp_path: Path) -> None:
    rows = [GOOD[0], ["A9", "3273010505850009", "Too Many", "05/05/1985", "L", "3", "surplus"],
            ["A8", "3273010505850008"], GOOD[1]]
    write_csv(tmp_path / "pkh.csv", rows)
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert d["rows"] == 4 and d["accepted"] == 2
    assert d["quarantined"] == {"unparseable_row": 2}
    records, quarantine = _tables(tmp_path / "ws.duckdb")
    assert [r[0] for r in records] == ["A1", "A2"]
    assert [q[0] for q in quarantine] == [2, 3]
    assert "surplus" in quarantine[0][4]            # the raw row is kept
    assert "cells" in quarantine[0][3]               # the detail says what is wrong


def test_extremely_long_cell_quarantines_the_row(tmp_path: Path) -> None:
    blob = "X" * 200_000                             # beyond the csv module's default field limit
    write_csv(tmp_path / "pkh.csv", [GOOD[0], ["A5", "3273010505850005", blob, "05/05/1985", "L", "1"],
                                     GOOD[1]])
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert (d["rows"], d["accepted"]) == (3, 2)
    assert list(d["quarantined"]) == ["cell_too_long"]
    _, quarantine = _tables(tmp_path / "ws.duckdb")
    assert quarantine[0][1] == "A5" and "NAMA" in quarantine[0][3]


def test_mixed_date_formats_in_one_column(tmp_path: Path) -> None:
    shapes = ["1990-12-05", "05/12/1990", "05-12-1990", "5 Desember 1990", "19901205", "05 DES 1990"]
    rows = [[f"D{i}", "", f"Orang {i}", shape, "L", ""] for i, shape in enumerate(shapes)]
    rows.append(["DX", "", "Orang X", "tanggal lupa", "L", ""])
    write_csv(tmp_path / "pkh.csv", rows)
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert d["accepted"] == len(rows)
    assert d["flags"]["birth_date_unparseable"] == 1
    records, _ = _tables(tmp_path / "ws.duckdb")
    assert {r[3] for r in records[:-1]} == {date(1990, 12, 5)}
    assert records[-1][3] is None and "tanggal lupa" in records[-1][5]   # the original is kept


def test_dataset_date_format_wins_over_detection(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", [["M1", "", "Orang", "12/05/1990", "L", ""]])
    ingest(write_sources(tmp_path, date_format="%m/%d/%Y"), tmp_path / "ws.duckdb")
    records, _ = _tables(tmp_path / "ws.duckdb")
    assert records[0][3] == date(1990, 12, 5)


def test_duplicate_source_ids_keep_the_first(tmp_path: Path) -> None:
    dup = ["A1", "3273010505850007", "Someone Else", "05/05/1985", "L", "3"]
    write_csv(tmp_path / "pkh.csv", [GOOD[0], GOOD[1], dup])
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert d["quarantined"] == {"duplicate_source_id": 1}
    records, quarantine = _tables(tmp_path / "ws.duckdb")
    assert records[0][2] == "SITI AMINAH"
    assert quarantine[0][:3] == (3, "A1", "duplicate_source_id")
    assert "Someone Else" in quarantine[0][4]


def test_nik_with_letters_is_a_flag_not_a_rejection(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", [["N1", "32730141129O0001", "Siti Aminah", "01/12/1990", "P", ""]])
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert d["accepted"] == 1 and d["flags"] == {"nik_malformed": 1}
    records, _ = _tables(tmp_path / "ws.duckdb")
    assert records[0][1] is None
    assert "32730141129O0001" in records[0][5]


def test_no_name_and_no_nik_and_no_id_are_quarantined(tmp_path: Path) -> None:
    rows = [["E1", "", "", "01/12/1990", "P", ""], ["", "3273010505850002", "Budi", "05/05/1985", "L", ""],
            ["E3", "not-a-nik", " ", "", "", ""]]
    write_csv(tmp_path / "pkh.csv", rows)
    d = _accounted(ingest(write_sources(tmp_path), tmp_path / "ws.duckdb").to_json())
    assert d["accepted"] == 0
    assert d["quarantined"] == {"missing_source_id": 1, "no_name_no_nik": 2}


def test_header_names_are_reported_when_a_column_is_missing(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", GOOD, header=[h.lower() for h in HEADER])
    with pytest.raises(InputError) as info:
        ingest(write_sources(tmp_path), tmp_path / "ws.duckdb")
    assert "nama" in str(info.value)                 # the header as it is, so the fix is obvious


def test_cli_malformed_sources_file_names_file_dataset_and_key(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hub.cli import app

    write_csv(tmp_path / "pkh.csv", GOOD)
    sources = write_sources(tmp_path, extra="")
    sources.write_text(sources.read_text(encoding="utf-8").replace('id = "ID"', 'id = "ID"\nformat = "csv"'),
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(sources), "--workspace", str(tmp_path / "ws.duckdb")])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "sources.toml" in text and "'pkh'" in text and "'format'" in text
    assert not (tmp_path / "ws.duckdb").exists()
