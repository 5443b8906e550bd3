"""``dtsen-hub link`` then ``export links`` and ``evaluate`` through the CLI, on both stores.

A small synthetic population (``dtsen-hub synth``) is linked once with training on
the embedded store; Neo4j gets the same sources linked with the saved model
(``--model``), so both stores are exercised without training twice.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hub.cli import app
from tests.graph.conftest import make_location

runner = CliRunner()
ENV = {"COLUMNS": "200"}


@dataclass(frozen=True)
class Linked:
    synth: Path
    data_dir: Path
    output: str


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    synth = tmp_path_factory.mktemp("synth")
    result = runner.invoke(app, ["synth", str(synth), "--people", "150", "--seed", "11"], env=ENV)
    assert result.exit_code == 0, result.output
    data_dir = tmp_path_factory.mktemp("data")
    result = runner.invoke(app, ["link", str(synth / "sources.toml"), "--data-dir", str(data_dir)], env=ENV)
    assert result.exit_code == 0, result.output
    return Linked(synth, data_dir, result.output)


def _links(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {(r["dataset"], r["source_id"]): (r["person_id"], r["household_id"])
                for r in csv.DictReader(fh)}


def test_link_prints_the_summary_and_saves_the_model(linked: Linked) -> None:
    for words in ("records", "people", "households", "review items", "verification: verified",
                  "Comparisons per blocking rule", "Seconds per stage", "publish"):
        assert words in linked.output
    model = json.loads((linked.data_dir / "model.json").read_text(encoding="utf-8"))
    assert {c["output_column_name"] for c in model["comparisons"]} >= {"nik", "name", "birth_date"}
    assert list((linked.data_dir / "models").glob("*.json"))


def test_export_and_evaluate_the_embedded_run(linked: Linked, tmp_path: Path) -> None:
    links = tmp_path / "links.csv"
    result = runner.invoke(app, ["export", "links", "--out", str(links), "--data-dir", str(linked.data_dir)],
                           env=ENV)
    assert result.exit_code == 0, result.output
    truth = _links(linked.synth / "truth.csv")
    exported = _links(links)
    assert exported.keys() == truth.keys()          # no record lost on the way
    assert all(p.startswith("P-") and h.startswith("H-") for p, h in exported.values())
    metrics_path = tmp_path / "metrics.json"
    result = runner.invoke(app, ["evaluate", str(links), str(linked.synth / "truth.csv"), "--json",
                                 str(metrics_path), "--data-dir", str(linked.data_dir)], env=ENV)
    assert result.exit_code == 0, result.output
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    person = metrics["person"]
    assert person["pairwise"]["precision"] >= 0.98 and person["pairwise"]["recall"] >= 0.95
    # The linkage beats the plain NIK join it is reported beside.
    assert person["pairwise"]["f1"] > person["baseline_pairwise"]["f1"]


def test_model_show_reads_the_last_run_model(linked: Linked) -> None:
    result = runner.invoke(app, ["model", "show", "--data-dir", str(linked.data_dir)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "prior match weight" in result.output and "birth_date" in result.output


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_link_with_the_saved_model_then_export_on_each_store(kind: str, linked: Linked, tmp_path: Path,
                                                             request: pytest.FixtureRequest,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    location, user, password = make_location(kind, request, tmp_path)
    if user is not None:
        monkeypatch.setenv("NEO4J_USER", user)
        monkeypatch.setenv("NEO4J_PASSWORD", password or "")
    data_dir = tmp_path / "data"
    args = ["--store", location, "--data-dir", str(data_dir)]
    result = runner.invoke(app, ["link", str(linked.synth / "sources.toml"), "--model",
                                 str(linked.data_dir / "model.json"), *args], env=ENV)
    assert result.exit_code == 0, result.output
    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["export", "links", "--out", str(out), *args], env=ENV)
    assert result.exit_code == 0, result.output
    first = _links(out)
    embedded = tmp_path / "embedded.csv"
    runner.invoke(app, ["export", "links", "--out", str(embedded), "--data-dir", str(linked.data_dir)],
                  env=ENV)
    # Same records, same model, same seed: the same people and households under the same ids.
    assert first == _links(embedded)
    # A rerun into the same store keeps every id.
    result = runner.invoke(app, ["link", str(linked.synth / "sources.toml"), "--model",
                                 str(linked.data_dir / "model.json"), *args], env=ENV)
    assert result.exit_code == 0, result.output
    runner.invoke(app, ["export", "links", "--out", str(out), *args], env=ENV)
    assert _links(out) == first


def test_link_refuses_an_unknown_engine_and_a_floor_above_the_threshold(linked: Linked) -> None:
    sources = str(linked.synth / "sources.toml")
    result = runner.invoke(app, ["link", sources, "--engine", "flink"], env=ENV)
    assert result.exit_code == 2 and "unknown engine" in result.output and "duckdb" in result.output
    result = runner.invoke(app, ["link", sources, "--threshold", "0.9", "--review-floor", "0.95"], env=ENV)
    assert result.exit_code == 2 and "above" in result.output
