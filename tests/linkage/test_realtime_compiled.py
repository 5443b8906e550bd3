"""The compiled real-time scorer gives Splink's own gammas and match weights, pair for pair.

The matcher's hot path runs Splink's SQL compiled to Python. If it drifted from
the model, real-time and batch results would disagree silently, so this checks
it against Splink's batch ``predict`` on every blocked pair of a synthetic run
(the generator's typos, missing NIKs, swapped days and months, placeholders,
term-frequency adjusted names), and the compiled model input against DuckDB's.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections import Counter

import duckdb
import pyarrow.parquet as pq
import pytest

from linkage._sql_compile import UnsupportedSql, compile_pipeline
from linkage.canonical import RECORD_COLUMNS
from linkage.intake import ingest
from linkage.model_spec import INPUT_SQL
from linkage.predict import predict
from linkage.realtime import Matcher, write_snapshot
from linkage.synth import generate
from linkage.training import model_dict, prepare_input, train


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("compiled")
    ingest(generate(out, people=900, seed=23).sources, out / "ws.duckdb")
    con = duckdb.connect(str(out / "ws.duckdb"))
    prepare_input(con)
    linker = train(con, seed=3, max_pairs=3e5)
    model = model_dict(linker)
    scored = predict(linker, floor=0.0).physical_name
    pairs = con.sql(f"SELECT * FROM {scored}").to_arrow_table().to_pylist()
    con.execute("CREATE TABLE record_ids AS SELECT record_key, record_key AS person_id, "
                "NULL::VARCHAR AS household_id FROM records")
    write_snapshot(con, out / "linked.parquet")
    records = {r["record_key"]: r for r in con.sql("SELECT * FROM records").to_arrow_table().to_pylist()}
    inputs = {r["unique_id"]: r for r in con.sql(INPUT_SQL).to_arrow_table().to_pylist()}
    matcher = Matcher(model, pq.read_table(out / "linked.parquet"))
    hashes = {r.pop("unique_id"): list(r.values()) for r in con.sql(
        f"SELECT unique_id, {matcher._index.hash_select()} FROM ({INPUT_SQL})").to_arrow_table().to_pylist()}
    con.close()
    return {"matcher": matcher, "pairs": pairs, "records": records, "inputs": inputs, "hashes": hashes,
            "model": model, "snapshot": out / "linked.parquet"}


def test_the_hub_model_compiles(run: dict) -> None:
    assert run["matcher"].fast, run["matcher"].slow_reason


def test_compiled_input_columns_equal_duckdbs(run: dict) -> None:
    compiled = run["matcher"]._fast.inputs
    for key, record in run["records"].items():
        got = compiled.evaluate(record, {}, tuple(compiled.outputs))
        assert got == run["inputs"][key], key


def test_blocking_keys_hash_in_python_as_in_duckdb(run: dict) -> None:
    index = run["matcher"]._index
    hashed = 0
    for key, expected in run["hashes"].items():
        assert index.hashes(run["inputs"][key]) == expected, key
        hashed += sum(h is not None for h in expected)
    assert hashed > 5 * len(run["hashes"])


def test_gammas_and_weights_equal_splink_predict_on_every_blocked_pair(run: dict) -> None:
    matcher: Matcher = run["matcher"]
    fast = matcher._fast
    assert fast is not None, matcher.slow_reason
    rows = {r["unique_id"]: r for r in matcher._rows.to_pylist()}
    gammas = [name for name in fast.wanted if name.startswith("gamma_")]
    weights = [name for name in fast.wanted if name.startswith("mw_") or name == "match_weight"]
    seen: Counter[tuple[str, int]] = Counter()
    for pair in run["pairs"]:
        # The probe side goes through the compiled input, as a request does.
        left = fast.inputs.evaluate(run["records"][pair["unique_id_l"]], {}, tuple(fast.inputs.outputs))
        for col, freq in fast.tf.items():
            left[f"tf_{col}"] = freq.get(left[col])
        got = fast.score.evaluate(left, rows[pair["unique_id_r"]], fast.wanted)
        where = (pair["unique_id_l"], pair["unique_id_r"])
        assert {g: got[g] for g in gammas} == {g: pair[g] for g in gammas}, where
        for name in weights:
            assert math.isclose(got[name], pair[name], rel_tol=1e-12, abs_tol=1e-9), (where, name)
        assert math.isclose(got["match_probability"], pair["match_probability"], abs_tol=1e-12), where
        seen.update((g, pair[g]) for g in gammas)
    assert len(run["pairs"]) >= 2000
    # The pairs reach the levels most likely to drift: nulls, tf-adjusted exact names,
    # swapped day and month, a year off, and fuzzy name levels.
    assert {("gamma_nik", -1), ("gamma_birth_date", -1), ("gamma_name", 9), ("gamma_name", 8),
            ("gamma_birth_date", 5), ("gamma_birth_date", 4), ("gamma_family", 0)} <= set(seen)


def test_fast_and_sql_paths_rank_the_same_people(run: dict) -> None:
    matcher: Matcher = run["matcher"]
    for key in sorted(run["records"])[::40]:
        values = dict(run["records"][key], nik=None)
        fast = matcher.candidates(values)
        sql = matcher._candidates_sql([values], 10)[0]
        assert [(c.person_id, c.record_key) for c in fast] == [(c.person_id, c.record_key) for c in sql]
        for a, b in zip(fast, sql, strict=True):
            assert [(e.name, e.level) for e in a.explanation] == [(e.name, e.level) for e in b.explanation]
            assert math.isclose(a.probability, b.probability, abs_tol=1e-12)


def test_a_model_the_compiler_does_not_know_is_scored_by_duckdb(run: dict) -> None:
    model = copy.deepcopy(run["model"])
    name = next(c for c in model["comparisons"] if c["output_column_name"] == "name")
    fuzzy = next(lvl for lvl in name["comparison_levels"] if "damerau_levenshtein" in lvl["sql_condition"])
    fuzzy["sql_condition"] = "levenshtein(name_key_l, name_key_r) <= 1"
    matcher = Matcher(model, pq.read_table(run["snapshot"]))
    assert not matcher.fast
    assert "LEVENSHTEIN" in (matcher.slow_reason or "")
    key = sorted(run["records"])[5]
    found = matcher.candidates(dict(run["records"][key], nik=None))
    assert found and found[0].person_id == key   # person ids are record keys in this run


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT CASE WHEN a = b THEN 1 ELSE 0 END AS x FROM t", 0),             # NULL = NULL is not true
    ("SELECT a = b AS x FROM t", None),
    ("SELECT a IS DISTINCT FROM b AS x FROM t", False),
    ("SELECT (a = 'x') OR TRUE AS x FROM t", True),                          # Kleene OR
    ("SELECT (a = 'x') AND FALSE AS x FROM t", False),
    ("SELECT GREATEST(b, 2.5, NULL) AS x FROM t", 2.5),                          # NULLs skipped
    ("SELECT strpos('ab c', ' ') AS x FROM t", 3),
    ("SELECT damerau_levenshtein('abcd', 'acbd') AS x FROM t", 1),
    ("SELECT jaro_winkler_similarity('', '') AS x FROM t", 0.0),            # DuckDB's answer, not rapidfuzz's
    ("SELECT EPOCH(d) AS x FROM t", 86400.0),
    ("SELECT -7 % 3 AS x FROM t", -1),                                       # the dividend's sign
    ("SELECT year(d) % 100 AS x FROM t", 70),
])
def test_sql_semantics_match_duckdb(sql: str, expected: object) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT NULL::VARCHAR AS a, NULL::DOUBLE AS b, DATE '1970-01-02' AS d")
    duck = con.execute(sql).fetchall()[0][0]
    exact = lambda a, b: float(con.execute("SELECT jaro_winkler_similarity($1, $2)", [a, b]).fetchall()[0][0])  # noqa: E731
    compiled = compile_pipeline(sql, tables={"t": "left"}, exact_jw=exact)
    got = compiled.evaluate({"a": None, "b": None, "d": dt.date(1970, 1, 2)}, {}, ("x",))["x"]
    assert got == duck
    if expected is None:
        assert got is None
    else:
        assert got == expected
        assert type(got) is type(expected) or isinstance(got, float)


def test_an_unknown_construct_is_refused_at_compile_time() -> None:
    with pytest.raises(UnsupportedSql, match=r"(?i)levenshtein"):
        compile_pipeline("SELECT levenshtein(a, b) AS x FROM t", tables={"t": "left"},
                         exact_jw=lambda a, b: 0.0)


def test_record_columns_the_input_reads_exist() -> None:
    compiled = compile_pipeline(INPUT_SQL, tables={"records": "left"}, exact_jw=lambda a, b: 0.0)
    assert compiled.reads["left"] <= set(RECORD_COLUMNS)
