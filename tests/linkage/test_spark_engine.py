"""The Spark engine: the same model on Splink's Spark backend (local mode, real JVM) gives
the same people and households as DuckDB on the same records, up to id labels.

Spark starts once per module (``local[2]``, 1 GB driver, UI off, loopback only). The
whole run with the DuckDB-trained model on Spark must give DuckDB's partitions of record
keys exactly, and every pair's score; a fresh training on Spark (slow: EM is many small
Spark jobs) draws its own random u sample, so it must agree almost everywhere.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from graph import open_store
from hub.cli import app
from hub.pipeline import LinkResult, run_link_workspace
from linkage._spark import to_spark_model
from linkage.canonical import record_key
from linkage.evaluate import pairwise_metrics
from tests.linkage._fixtures import load_records, make_people, make_records

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

PEOPLE = make_people(120, seed=11)
ROWS, TRUTH = make_records(PEOPLE, seed=12)


@pytest.fixture(autouse=True)
def _quiet_splink() -> Iterator[None]:
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from linkage.engines import SparkEngine

    engine = SparkEngine("local[2]", driver_memory="1g", checkpoint_dir=tmp_path_factory.mktemp("ckpt"))
    yield engine
    engine.close()


def _link(root: Path, engine: Any = None, model: Any = None) -> tuple[LinkResult, dict[str, tuple[str, str]]]:
    root.mkdir(parents=True)
    con = duckdb.connect(str(root / "workspace.duckdb"))
    store = open_store(str(root / "graph.sqlite"))
    try:
        load_records(con, ROWS)
        result = run_link_workspace(con, root, store, model=model, u_max_pairs=1e6, engine=engine)
        links = {record_key(ds, sid): (pid, hid or "") for ds, sid, pid, hid in store.export_links()}
    finally:
        store.close()
        con.close()
    return result, links


#: Comparisons with a Jaro-Winkler level (names, mother's name and address in "family", places).
_JARO_WINKLER_COMPARISONS = {"name", "family", "birth_place", "locality"}


def _partition(links: dict[str, tuple[str, str]], which: int) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, ids in links.items():
        groups.setdefault(ids[which], set()).add(key)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def duckdb_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[LinkResult, dict[str, tuple[str, str]]]:
    return _link(tmp_path_factory.mktemp("duck") / "run")


def test_spark_with_the_same_model_gives_the_same_people_and_households(
        duckdb_run: tuple[LinkResult, dict[str, tuple[str, str]]], spark_engine: Any, tmp_path: Path) -> None:
    duck, duck_links = duckdb_run
    spark, spark_links = _link(tmp_path / "spark", spark_engine, model=duck.model)
    assert set(spark_links) == set(duck_links) == set(TRUTH)          # no record lost
    assert _partition(spark_links, 0) == _partition(duck_links, 0)     # people
    assert _partition(spark_links, 1) == _partition(duck_links, 1)     # households
    assert spark.summary["pairs_kept"] == duck.summary["pairs_kept"]


@pytest.mark.slow   # EM on Spark is dozens of small jobs: about 1.5 min in local mode
def test_spark_training_finds_the_same_people_and_households(
        duckdb_run: tuple[LinkResult, dict[str, tuple[str, str]]], spark_engine: Any, tmp_path: Path) -> None:
    """A model trained fresh on Spark draws its own random u sample, so a record near the
    threshold may cluster differently; the people and households must still agree with
    DuckDB's almost everywhere, and be as right against the truth."""
    duck, duck_links = duckdb_run
    spark, spark_links = _link(tmp_path / "spark", spark_engine)
    assert set(spark_links) == set(duck_links) == set(TRUTH)          # no record lost
    for which in (0, 1):                                              # people, households
        agreement = pairwise_metrics({k: v[which] for k, v in spark_links.items()},
                                     {k: v[which] for k, v in duck_links.items()})
        assert agreement.f1 >= 0.99, (which, agreement)
    spark_people = pairwise_metrics({k: v[0] for k, v in spark_links.items()}, TRUTH)
    duck_people = pairwise_metrics({k: v[0] for k, v in duck_links.items()}, TRUTH)
    assert spark_people.f1 >= duck_people.f1 - 0.01, (spark_people, duck_people)
    # The saved model stays in DuckDB's dialect, so --model reuse and real-time matching read it.
    assert spark.model["sql_dialect"] == "duckdb"
    assert spark.model["probability_two_random_records_match"] == pytest.approx(
        duck.model["probability_two_random_records_match"], rel=0.05)


def test_spark_scores_pairs_like_duckdb_with_the_same_model(
        duckdb_run: tuple[LinkResult, dict[str, tuple[str, str]]], spark_engine: Any) -> None:
    import math

    from linkage.predict import fetch_pairs
    from linkage.training import load_linker, prepare_input

    duck, _ = duckdb_run
    con = duckdb.connect()
    try:
        load_records(con, ROWS)
        prepare_input(con)
        on_spark = {(p.left, p.right): p for p in fetch_pairs(con, spark_engine.predict(
            con, duck.model, floor=0.5), duck.model)}
        scored = load_linker(con, duck.model).inference.predict(threshold_match_probability=0.5)
        on_duckdb = {(p.left, p.right): p for p in fetch_pairs(con, scored.physical_name, duck.model)}
    finally:
        con.close()
    assert on_spark.keys() == on_duckdb.keys() and on_spark              # the same blocked pairs
    # Splink's Scala Jaro-Winkler UDF and DuckDB's jaro_winkler_similarity are not bit-identical, so a
    # pair at a similarity boundary may land one level apart; everything else must agree exactly.
    apart = 0
    for key, pair in on_duckdb.items():
        other = on_spark[key]
        differing = {c for c in pair.levels if other.levels[c] != pair.levels[c]}
        assert differing <= _JARO_WINKLER_COMPARISONS, (key, differing)
        apart += bool(differing)
        if not differing:
            assert math.isclose(other.match_weight, pair.match_weight, abs_tol=1e-6), key
    assert apart <= 0.02 * len(on_duckdb), apart


def test_model_translation_leaves_no_duckdb_only_function(
        duckdb_run: tuple[LinkResult, dict[str, tuple[str, str]]]) -> None:
    spark_model = to_spark_model(duckdb_run[0].model)
    levels = [lv for c in spark_model["comparisons"] for lv in c["comparison_levels"]]
    text = json.dumps([lv["sql_condition"] for lv in levels])
    assert "jaro_winkler(" in text
    for duck_only in ("jaro_winkler_similarity", "JAROWINKLER", "strpos", "starts_with("):
        assert duck_only not in text
    assert to_spark_model(spark_model) == spark_model                  # translating twice is a no-op


def test_cli_rejects_a_spark_master_without_the_spark_engine(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["link", str(tmp_path / "sources.toml"), "--data-dir", str(tmp_path),
                                      "--spark-master", "spark://nowhere:7077"])
    assert result.exit_code == 2
    assert "--spark-master needs --engine spark" in result.output
    assert not (tmp_path / "workspace.duckdb").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)
