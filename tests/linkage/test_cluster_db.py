"""Clustering in DuckDB gives what clustering every pair in Python gives."""

from __future__ import annotations

import random

import duckdb
import pytest

from linkage._cluster_db import cluster_table, cluster_table_metrics
from linkage.clustering import cluster, cluster_metrics
from linkage.predict import Pair

MODEL = {"comparisons": [{"output_column_name": "name", "comparison_levels": [
    {"sql_condition": "name_l IS NULL", "is_null_level": True},
    {"sql_condition": "name_l = name_r", "label_for_charts": "exact"},
    {"sql_condition": "ELSE", "label_for_charts": "else"}]}]}

NIKS = ["3273014501900001", "3273014501900002", "3204056607850002", "3273014501910001"]


def _world(seed: int) -> tuple[list[str], list[Pair], dict[str, str], list[tuple[str, str]],
                                list[tuple[str, str]]]:
    rng = random.Random(seed)
    keys = [f"r{i:03d}" for i in range(120)]
    pairs: dict[tuple[str, str], Pair] = {}
    for _ in range(200):
        a, b = sorted(rng.sample(keys[: rng.choice([40, 120])], 2))
        prob = rng.choice([0.3, 0.6, 0.95, 0.995, 0.9999])
        weight = round(rng.uniform(-2, 25), 3)
        gamma = rng.choice([0, 1])
        pairs[(a, b)] = Pair(a, b, prob, weight, {"name": weight}, {"name": ["else", "exact"][gamma]})
    niks = {k: rng.choice(NIKS) for k in rng.sample(keys, 50)}
    must = [tuple(rng.sample(keys, 2)) for _ in range(4)]
    cannot = [tuple(rng.sample(keys, 2)) for _ in range(6)] + [must[0]]
    return keys, list(pairs.values()), niks, must, cannot  # type: ignore[return-value]


def _load(con: duckdb.DuckDBPyConnection, keys: list[str], pairs: list[Pair], niks: dict[str, str]) -> None:
    con.execute("CREATE TABLE nodes (unique_id VARCHAR, nik VARCHAR, nik_valid BOOLEAN)")
    con.executemany("INSERT INTO nodes VALUES (?, ?, ?)", [(k, niks.get(k), k in niks) for k in keys])
    con.execute("CREATE TABLE scored (unique_id_l VARCHAR, unique_id_r VARCHAR, match_probability DOUBLE, "
                "match_weight DOUBLE, gamma_name INTEGER, mw_name DOUBLE)")
    con.executemany("INSERT INTO scored VALUES (?, ?, ?, ?, ?, ?)",
                    [(p.left, p.right, p.probability, p.match_weight, int(p.levels["name"] == "exact"),
                      p.weights["name"]) for p in pairs])


@pytest.mark.parametrize("seed", range(8))
def test_same_clusters_review_and_splits_as_python(seed: int) -> None:
    keys, pairs, niks, must, cannot = _world(seed)
    expected = cluster(keys, pairs, threshold=0.99, review_band=(0.5, 0.99), must_link=must,
                       cannot_link=cannot, niks=niks)
    con = duckdb.connect()
    _load(con, keys, pairs, niks)
    got = cluster_table(con, "scored", "nodes", MODEL, threshold=0.99, review_band=(0.5, 0.99),
                        must_link=must, cannot_link=cannot)
    assert got.clusters == expected.clusters
    assert [(r.item_id, r.kind, r.left, r.right, r.probability, r.weights, r.levels) for r in got.review] == \
        [(r.item_id, r.kind, r.left, r.right, r.probability, r.weights, r.levels) for r in expected.review]
    assert got.splits == expected.splits
    written = dict(con.execute("SELECT record_key, cluster_id FROM person_clusters").fetchall())
    assert written == {k: c[0] for c in expected.clusters for k in c}
    assert cluster_table_metrics(con, "scored", 0.99) == cluster_metrics(pairs, expected.clusters, 0.99)


def test_some_worlds_exercise_the_splits() -> None:
    splits = {"cannot_link": 0, "conflicting_nik": 0}
    for seed in range(8):
        keys, pairs, niks, must, cannot = _world(seed)
        result = cluster(keys, pairs, threshold=0.99, must_link=must, cannot_link=cannot, niks=niks)
        for kind, n in result.splits.items():
            splits[kind] += n
    assert splits["cannot_link"] > 0 and splits["conflicting_nik"] > 0
