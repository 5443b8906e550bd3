"""The saved model read back without its data: parameters and Splink's chart."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from core.errors import ConfigError
from linkage.model_report import load_model, model_parameters, prior_match_weight, save_match_weights_chart
from linkage.training import model_dict, prepare_input, train
from tests.linkage._fixtures import load_records, make_people, make_records


@pytest.fixture(scope="module")
def model() -> dict:
    con = duckdb.connect()
    rows, _ = make_records(make_people(60, seed=5), seed=6)
    load_records(con, rows)
    prepare_input(con)
    return model_dict(train(con, seed=1, max_pairs=2e4))


def test_parameters_list_every_level_with_weights_that_order_the_evidence(model: dict) -> None:
    rows = model_parameters(model)
    names = {r["comparison"] for r in rows}
    assert {"nik", "name", "birth_date"} <= names
    nik = {r["level"]: r for r in rows if r["comparison"] == "nik"}
    exact = next(r for label, r in nik.items() if "exact" in label.lower() or "nik_l = nik_r" in label)
    other = [r for r in nik.values()
             if not r["null_level"] and r is not exact and r["match_weight"] is not None]
    assert exact["match_weight"] > 0 > min(r["match_weight"] for r in other)
    assert all(r["match_weight"] is None for r in rows if r["null_level"])
    assert any(r["tf_adjusted"] for r in rows if r["comparison"] == "name")
    assert prior_match_weight(model) < 0


def test_chart_is_written_as_html(model: dict, tmp_path: Path) -> None:
    out = save_match_weights_chart(model, tmp_path / "charts" / "weights.html")
    text = out.read_text(encoding="utf-8")
    assert "<html" in text.lower() and "vega" in text.lower()


def test_load_model_names_the_file_when_it_is_not_a_model(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(ConfigError, match="comparisons"):
        load_model(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_model(tmp_path / "missing.json")
