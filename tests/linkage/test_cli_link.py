"""``dtsen-hub evaluate`` and ``dtsen-hub model show`` through the real CLI app (typer's runner)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from hub.cli import app
from linkage.training import model_dict, prepare_input, train
from tests.linkage._fixtures import load_records, make_people, make_records

runner = CliRunner()


def _csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("dataset", "source_id", "person_id", "household_id"), *rows])
    return path


def test_evaluate_prints_and_writes_json_with_the_nik_join_beside(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace.duckdb"
    con = duckdb.connect(str(workspace))
    con.execute("CREATE TABLE records (record_key VARCHAR, nik VARCHAR, kk VARCHAR)")
    con.execute("INSERT INTO records VALUES ('a:1', '1', 'K'), ('b:1', NULL, 'K'), ('a:2', '2', 'K')")
    con.close()
    truth = _csv(tmp_path / "truth.csv",
                 [("a", "1", "T1", "H"), ("b", "1", "T1", "H"), ("a", "2", "T2", "H")])
    links = _csv(tmp_path / "links.csv",
                 [("a", "1", "P1", "X"), ("b", "1", "P1", "X"), ("a", "2", "P2", "X")])
    out = tmp_path / "metrics.json"
    result = runner.invoke(app, ["evaluate", str(links), str(truth), "--json", str(out),
                                 "--workspace", str(workspace)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "person" in result.output and "household" in result.output
    metrics = json.loads(out.read_text(encoding="utf-8"))
    assert metrics["person"]["pairwise"]["f1"] == 1.0
    # The NIK join misses b:1 (no NIK) but finds the household by KK.
    assert metrics["person"]["baseline_pairwise"]["recall"] == 0.0
    assert metrics["household"]["baseline_pairwise"]["f1"] == 1.0


def test_evaluate_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(bad), str(bad), "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "missing" in result.output


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    con = duckdb.connect()
    rows, _ = make_records(make_people(50, seed=8), seed=9)
    load_records(con, rows)
    prepare_input(con)
    path = tmp_path_factory.mktemp("model") / "model.json"
    path.write_text(json.dumps(model_dict(train(con, seed=3, max_pairs=2e4))), encoding="utf-8")
    return path


def test_model_show_lists_levels_and_saves_the_chart(model_file: Path, tmp_path: Path) -> None:
    chart = tmp_path / "weights.html"
    result = runner.invoke(app, ["model", "show", "--model", str(model_file), "--chart", str(chart)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "prior match weight" in result.output
    for comparison in ("nik", "name", "birth_date", "family"):
        assert comparison in result.output
    assert chart.exists() and "vega" in chart.read_text(encoding="utf-8").lower()


def test_model_show_without_a_model_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["model", "show", "--data-dir", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "dtsen-hub link" in result.output
