"""``dtsen-hub synth``, ``ingest`` and ``demo`` through typer's CliRunner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from hub.cli import app
from tests.linkage._intake_files import GOOD, write_csv, write_sources

runner = CliRunner()


def _truth_rows(folder: Path) -> int:
    with (folder / "truth.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def test_synth_then_ingest_writes_an_exact_report(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = runner.invoke(app, ["synth", str(out), "--people", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert (out / "sources.toml").is_file() and (out / "people.csv").is_file()
    report_path, workspace = tmp_path / "report.json", tmp_path / "ws.duckdb"
    result = runner.invoke(app, ["ingest", str(out / "sources.toml"), "--report", str(report_path),
                                 "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["rows"] == _truth_rows(out) == report["accepted"] + report["quarantined"]
    for d in report["datasets"].values():
        assert d["rows"] == d["accepted"] + sum(d["quarantined"].values())
    assert "dukcapil" in result.output and f"{report['rows']:,}" in result.output
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM records").fetchone()[0] == report["accepted"]
    finally:
        con.close()


def test_synth_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert runner.invoke(app, ["synth", str(tmp_path / name), "--people", "120", "--seed", "9"]
                             ).exit_code == 0
    for file in ("truth.csv", "people.csv", "dtks.csv", "sources.toml"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_ingest_bad_input_exits_2_with_the_reason(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", GOOD)
    sources = write_sources(tmp_path, fields={"full_name": "NAMA_LENGKAP"})
    result = runner.invoke(app, ["ingest", str(sources), "--workspace", str(tmp_path / "ws.duckdb")])
    assert result.exit_code == 2
    assert "NAMA_LENGKAP" in result.output and "error" in result.output


def test_ingest_reports_a_latin1_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "pkh.csv", [["L1", "", "Ratna Sari", "1/1/1980", "P", "Rp. 5.000 ¼"]],
              encoding="latin-1")
    result = runner.invoke(app, ["ingest", str(write_sources(tmp_path)), "--report",
                                 str(tmp_path / "r.json"), "--workspace", str(tmp_path / "ws.duckdb")])
    assert result.exit_code == 0, result.output
    assert "Latin-1" in result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["datasets"]["pkh"]["encoding"] == "latin-1"


def test_ingest_defaults_to_the_data_dir_workspace(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_csv(tmp_path / "pkh.csv", GOOD)
    monkeypatch.setenv("DTSEN_DATA_DIR", str(tmp_path / "dd"))
    result = runner.invoke(app, ["ingest", str(write_sources(tmp_path))])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dd" / "workspace.duckdb").is_file()


def test_demo_synthesises_ingests_and_prints_the_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path), "--people", "200", "--seed", "3",
                                 "--no-serve"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["rows"] == _truth_rows(tmp_path / "synth") == report["accepted"] + report["quarantined"]
    assert "intake report" in result.output and "pbi_jk" in result.output
    assert "linked:" in result.output and (tmp_path / "graph.sqlite").is_file()
    for profile in ("health_ministry", "education_ministry", "regional_government", "data_steward"):
        assert f"demo-{profile.replace('_', '-')}" in result.output     # clients, tokens, queries
    assert "Bearer ey" in result.output
