"""Intake internals: one code path with ``canonicalise``, table shapes, progress, all-or-nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.errors import InputError
from linkage.canonical import QUARANTINE_COLUMNS, RECORD_COLUMNS
from linkage.intake import ingest
from linkage.standardise import STANDARD_COLUMNS, canonicalise

SOURCES = '''
[[dataset]]
name = "pkh"
agency = "kemensos"
program = "PKH"
path = "pkh.csv"
id = "ID"
date_format = "%d/%m/%Y"
[dataset.fields]
nik = "NIK"
full_name = ["DEPAN", "BELAKANG"]
birth_date = "LAHIR"
village_code = "DESA"
[dataset.attributes]
welfare_decile = "DESIL"

[[dataset]]
name = "dukcapil"
agency = "dukcapil"
reference = true
path = "dukcapil.parquet"
id = "ROW"
[dataset.fields]
nik = "NIK"
full_name = "NAMA"
birth_date = "LAHIR"
death_date = "MATI"
'''


def _write(folder: Path) -> Path:
    (folder / "pkh.csv").write_text(
        "ID,NIK,DEPAN,BELAKANG,LAHIR,DESA,DESIL\n"
        "k1,3273014112900001,Hj. Siti,Aminah,01/12/1990,32.73.01.1001,2\n"
        "k2,,Moch.,Soeharto,1985-05-05,3273011001,\n"
        'k3,3273010505850003,"B"x,,05/05/1985,3273011001,1\n', encoding="utf-8")
    pq.write_table(pa.table({"ROW": ["d1", "d2"], "NIK": ["3273014112900001", "3273010505850002"],
                             "NAMA": ["SITI AMINAH", "SOEHARTO"],
                             "LAHIR": pa.array([date(1990, 12, 1), date(1930, 1, 1)], pa.date32()),
                             "MATI": pa.array([None, date(2024, 2, 3)], pa.date32())}),
                   folder / "dukcapil.parquet")
    path = folder / "sources.toml"
    path.write_text(SOURCES, encoding="utf-8")
    return path


def _records(workspace: Path) -> dict[str, dict[str, object]]:
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        cur = con.execute("SELECT * FROM records")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    finally:
        con.close()


def test_records_are_what_canonicalise_gives(tmp_path: Path) -> None:
    report = ingest(_write(tmp_path), tmp_path / "ws.duckdb").to_json()
    records = _records(tmp_path / "ws.duckdb")
    assert sorted(records) == ["dukcapil:d1", "dukcapil:d2", "pkh:k1", "pkh:k2"]
    raw = {"nik": "", "full_name": "Moch. Soeharto", "birth_date": "1985-05-05", "village_code": "3273011001"}
    expected, flags = canonicalise(raw, date_format="%d/%m/%Y")
    k2 = records["pkh:k2"]
    assert {c: k2[c] for c in STANDARD_COLUMNS} == expected
    assert k2["flags"] == [f.value for f in flags] == ["nik_missing"]
    assert json.loads(str(k2["original"])) == raw
    assert json.loads(str(k2["attributes"])) == {"welfare_decile": None}
    assert (k2["agency"], k2["program"], k2["reference"], k2["row_number"]) == ("kemensos", "PKH", False, 2)
    k1 = records["pkh:k1"]
    assert (k1["full_name"], k1["name_titles"], k1["village_code"]) == ("SITI AMINAH", "HJ.", "3273011001")
    d2 = records["dukcapil:d2"]
    assert (d2["reference"], d2["program"], d2["death_date"], d2["birth_date_placeholder"]) == (
        True, None, date(2024, 2, 3), True)
    assert report["datasets"]["pkh"]["quarantined"] == {"unparseable_row": 1}
    assert report["rows"] == 5 == report["accepted"] + report["quarantined"]


def test_tables_have_the_canonical_shape(tmp_path: Path) -> None:
    ingest(_write(tmp_path), tmp_path / "ws.duckdb")
    con = duckdb.connect(str(tmp_path / "ws.duckdb"), read_only=True)
    try:
        for table, columns in (("records", RECORD_COLUMNS), ("quarantine", QUARANTINE_COLUMNS)):
            described = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
            assert described == list(columns.items())
        q = con.execute("SELECT dataset, row_number, source_id, reason, detail FROM quarantine").fetchall()
    finally:
        con.close()
    assert q == [("pkh", 3, None, "unparseable_row", q[0][4])]
    assert "pkh.csv row 3" in q[0][4] and "line(s) 4" in q[0][4]


def test_progress_starts_with_a_total_and_ends_complete(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int | None]] = []
    ingest(_write(tmp_path), tmp_path / "ws.duckdb", progress=lambda *a: calls.append(a))
    assert calls[0] == ("pkh", 0, 3) and ("pkh", 3, 3) in calls
    assert calls[-1] == ("dukcapil", 2, 2)


def test_a_bad_dataset_writes_nothing_and_names_every_problem(tmp_path: Path) -> None:
    sources = _write(tmp_path)
    ingest(sources, tmp_path / "ws.duckdb")
    before = _records(tmp_path / "ws.duckdb")
    (tmp_path / "pkh.csv").write_text("ID,NIK\nk9,3273014112900001\n", encoding="utf-8")
    (tmp_path / "dukcapil.parquet").unlink()
    with pytest.raises(InputError) as info:
        ingest(sources, tmp_path / "ws.duckdb")
    text = str(info.value)
    assert "dataset 'pkh'" in text and "'DEPAN'" in text and "'DESIL'" in text
    assert "dataset 'dukcapil'" in text and "dukcapil.parquet" in text and "nothing was written" in text
    assert _records(tmp_path / "ws.duckdb") == before


def _names_file(folder: Path, names: list[str]) -> Path:
    rows = "".join(f"r{i},{n}\n" for i, n in enumerate(names))
    (folder / "bpnt.csv").write_text("ID,NAMA\n" + rows, encoding="utf-8")
    path = folder / "sources.toml"
    path.write_text('[[dataset]]\nname = "bpnt"\nagency = "kemensos"\npath = "bpnt.csv"\nid = "ID"\n'
                    '[dataset.fields]\nfull_name = "NAMA"\n', encoding="utf-8")
    return path


def test_names_piling_up_at_a_field_width_are_flagged_truncated(tmp_path: Path) -> None:
    cut = ["MUHAMMAD RIZKI FIRM", "SRI WAHYUNI HANDAYA", "ASEP SUHERMAN SUPRI", "SITI AMINAH RAHMAWA",
           "BONAR SIMANJUNTAK T", "I WAYAN SUDARSANA A"]
    short = ["BUDI", "SITI AMINAH", "JOKO WIDODO", "NENG", "EUIS KHADIJAH", "HENDRA WIJAYA", "SUTRISNO"]
    report = ingest(_names_file(tmp_path, cut + short), tmp_path / "ws.duckdb").to_json()
    assert report["datasets"]["bpnt"]["flags"] == {"name_truncated": 6, "nik_missing": 13}
    records = _records(tmp_path / "ws.duckdb")
    flagged = {str(r["full_name"]) for r in records.values() if "name_truncated" in r["flags"]}  # type: ignore
    assert flagged == set(cut)


def test_no_truncation_without_a_pile_up(tmp_path: Path) -> None:
    names = ["BUDI", "SITI AMINAH", "JOKO WIDODO", "NENG", "EUIS KHADIJAH", "HENDRA WIJAYA", "SUTRISNO",
             "MUHAMMAD RIZKI FIRMANSYAH"]
    report = ingest(_names_file(tmp_path, names), tmp_path / "ws.duckdb").to_json()
    assert "name_truncated" not in report["datasets"]["bpnt"]["flags"]
