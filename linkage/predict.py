"""Score candidate pairs with the trained model and read them back with their explanation.

A :class:`Pair` carries the probability, the total match weight and, per comparison,
the match weight and the level label: the explanation a steward sees in the review
queue and the API shows on ``MATCHES`` edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
from splink import Linker
from splink.internals.splink_dataframe import SplinkDataFrame

__all__ = ["SCORED_TABLE", "Pair", "comparison_levels", "fetch_pairs", "keep_scored", "predict"]

#: The workspace table holding this run's scored pairs (at or above the review floor).
SCORED_TABLE = "scored_pairs"


@dataclass(slots=True)
class Pair:
    left: str
    right: str
    probability: float
    match_weight: float
    weights: dict[str, float] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)


def predict(linker: Linker, *, floor: float = 0.01) -> SplinkDataFrame:
    """All blocked pairs scored, keeping those at or above ``floor`` (the review band's bottom)."""
    return linker.inference.predict(threshold_match_probability=floor, warning_mode="never")


def comparison_levels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """comparison output name -> gamma value -> level label, from a saved model."""
    out: dict[str, dict[int, str]] = {}
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {len(non_null) - 1 - i: str(lv.get("label_for_charts") or lv["sql_condition"])
                  for i, lv in enumerate(non_null)}
        labels[-1] = "missing"
        out[name] = labels
    return out


def _pair_columns(model: dict[str, Any]) -> list[str]:
    cols = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    for comp in model["comparisons"]:
        n = comp["output_column_name"]
        cols += [f"gamma_{n}", f"mw_{n}"] + ([f"mw_tf_adj_{n}"] if _has_tf(model, n) else [])
    return cols


def keep_scored(con: duckdb.DuckDBPyConnection, source: str, model: dict[str, Any]) -> str:
    """Copy the columns the hub reads from a predict output into ``SCORED_TABLE``: the pairs
    stay in the workspace and are read into Python only where they are needed."""
    con.execute(f"CREATE OR REPLACE TABLE {SCORED_TABLE} AS SELECT {', '.join(_pair_columns(model))} "
                f"FROM {source}")
    return SCORED_TABLE


def fetch_pairs(con: duckdb.DuckDBPyConnection, table: str, model: dict[str, Any], *,
                min_probability: float = 0.0, where: str = "TRUE",
                params: list[Any] | None = None) -> list[Pair]:
    """The scored pairs in ``table`` at or above ``min_probability`` that meet the SQL
    condition ``where`` (with ``params``), ordered by keys."""
    labels = comparison_levels(model)
    names = list(labels)
    tf = {n: _has_tf(model, n) for n in names}
    rows = con.execute(
        f"SELECT {', '.join(_pair_columns(model))} FROM {table} "
        f"WHERE match_probability >= ? AND ({where}) ORDER BY unique_id_l, unique_id_r",
        [min_probability, *(params or [])]).fetchall()
    pairs = []
    for row in rows:
        left, right, prob, mw, *rest = row
        weights: dict[str, float] = {}
        levels: dict[str, str] = {}
        i = 0
        for n in names:
            gamma, w = rest[i], rest[i + 1]
            i += 2
            if tf[n]:
                w = (w or 0.0) + (rest[i] or 0.0)
                i += 1
            weights[n] = round(float(w or 0.0), 4)
            levels[n] = labels[n].get(int(gamma), str(gamma))
        pairs.append(Pair(str(left), str(right), float(prob), float(mw), weights, levels))
    return pairs


def _has_tf(model: dict[str, Any], name: str) -> bool:
    for comp in model["comparisons"]:
        if comp["output_column_name"] == name:
            return any(lv.get("tf_adjustment_column") for lv in comp["comparison_levels"])
    return False
