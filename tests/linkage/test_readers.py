"""File readers: encodings, CSV oddities, Parquet; every data row comes back, numbered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.errors import InputError
from linkage._readers import open_table


def _read(path: Path) -> tuple[list[str], str, list[tuple[int, dict, str | None]], list[str]]:
    reader = open_table(path)
    rows = [(r.number, r.values, r.problem) for r in reader.rows]
    return reader.header, reader.encoding, rows, reader.notes


def test_utf8_with_bom_crlf_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes('\ufeffID,NAMA\r\n1,"SITI\r\nAMINAH"\r\n2,"BUDI, S.H."\r\n'.encode())
    header, encoding, rows, notes = _read(path)
    assert header == ["ID", "NAMA"] and encoding == "utf-8" and notes == []
    assert rows == [(1, {"ID": "1", "NAMA": "SITI\r\nAMINAH"}, None),
                    (2, {"ID": "2", "NAMA": "BUDI, S.H."}, None)]


def test_latin1_fallback_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("ID,NAMA\n1,JOSÉ\n".encode("latin-1"))
    _, encoding, rows, notes = _read(path)
    assert encoding == "latin-1" and rows[0][1]["NAMA"] == "JOSÉ"
    assert notes and "Latin-1" in notes[0]


def test_invalid_utf8_only_at_the_very_end_still_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"ID,NAMA\n" + b"1,BUDI\n" * 200_000 + b"2,\xe9\n")
    reader = open_table(path)
    assert reader.encoding == "latin-1" and reader.total == 200_001
    assert sum(1 for _ in reader.rows) == 200_001


def test_blank_lines_are_not_rows_and_numbers_stay_data_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ID,NAMA\n1,A\n\n2,B\n", encoding="utf-8")
    assert [(n, v["ID"]) for n, v, _ in _read(path)[2]] == [(1, "1"), (2, "2")]


def test_ragged_rows_come_back_with_a_problem_and_their_cells(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ID,NAMA,JK\n1,A,L\n2,B\n3,C,P,EXTRA\n", encoding="utf-8")
    rows = _read(path)[2]
    assert rows[0][2] is None
    assert rows[1][1] == {"ID": "2", "NAMA": "B"} and "2 cells" in str(rows[1][2])
    assert rows[2][1]["_extra"] == ["EXTRA"] and "4 cells" in str(rows[2][2])


def test_nul_byte_is_kept_in_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"ID,NAMA\n1,A\n2,B\x00C\n3,D\n")
    rows = _read(path)[2]
    assert [(n, v["NAMA"], p) for n, v, p in rows] == [(1, "A", None), (2, "B\x00C", None), (3, "D", None)]


def test_stray_quote_is_an_unparseable_row_naming_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('ID,NAMA\n1,A\n2,"B"x\n3,C\n4,"D\n5,E\n', encoding="utf-8")
    rows = _read(path)[2]
    assert [(n, v.get("NAMA")) for n, v, p in rows if p is None] == [(1, "A"), (3, "C")]
    bad = [(n, v["_lines"], p) for n, v, p in rows if p is not None]
    assert [b[:2] for b in bad] == [(2, "3"), (4, "5-6")]
    assert all("could not split" in str(b[2]) for b in bad)


def test_cells_beyond_the_csv_default_limit_are_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("ID,NAMA\n1," + "X" * 300_000 + "\n2,B\n", encoding="utf-8")
    rows = _read(path)[2]
    assert len(rows[0][1]["NAMA"]) == 300_000 and rows[1][1]["NAMA"] == "B"


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"), (b",,\n1,2,3\n", "header row is empty"), (b"ID,ID\n1,2\n", "column twice: ID"),
])
def test_file_level_problems(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=words) as info:
        open_table(path)
    assert str(path) in str(info.value)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        open_table(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        open_table(tmp_path / "dir.csv")


def test_parquet_rows_keep_native_types(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"ID": ["x1", "x2"], "NIK": [3273010512900001, None],
                             "LAHIR": pa.array([date(1990, 12, 5), None], pa.date32())}), path)
    header, encoding, rows, _ = _read(path)
    assert header == ["ID", "NIK", "LAHIR"] and encoding == "parquet"
    assert rows == [(1, {"ID": "x1", "NIK": 3273010512900001, "LAHIR": date(1990, 12, 5)}, None),
                    (2, {"ID": "x2", "NIK": None, "LAHIR": None}, None)]


def test_damaged_parquet(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        open_table(path)
