"""Unsupervised training of the Splink model, or reuse of a saved one.

u comes from random sampling with a fixed seed, m from expectation maximisation on
several blocks (each block leaves the comparisons it does not block on to be
estimated), and the prior from near-certain deterministic rules. Everything seeded
makes the same inputs give the same model, hence the same clusters.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, block_on

from core.errors import ConfigError, InputError
from linkage.model_spec import (
    FAMILY_TIE_LABELS,
    INPUT_COLUMNS,
    INPUT_SQL,
    build_settings,
    deterministic_rules,
    training_blocks,
)

__all__ = ["INPUT_TABLE", "load_linker", "model_dict", "pin_family_ties", "prepare_input", "present_columns",
           "settle_untrained", "train"]

#: The DuckDB table Splink reads (materialised from ``records`` with ``INPUT_SQL``).
INPUT_TABLE = "linkage_input"


def prepare_input(con: duckdb.DuckDBPyConnection) -> int:
    """Materialise the linkage input from ``records``, ordered by key so runs are repeatable."""
    con.execute(f"CREATE OR REPLACE TABLE {INPUT_TABLE} AS {INPUT_SQL} ORDER BY unique_id")
    row = con.execute(f"SELECT count(*) FROM {INPUT_TABLE}").fetchall()[0]
    return int(row[0]) if row else 0


def present_columns(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Input columns holding at least one value (comparisons on the others are left out)."""
    cols = [c for c in INPUT_COLUMNS if c not in ("unique_id", "dataset", "reference")]
    sql = "SELECT " + ", ".join(f"count({c})" for c in cols) + f" FROM {INPUT_TABLE}"
    counts = con.execute(sql).fetchall()[0]
    return {c for c, n in zip(cols, counts or (), strict=True) if n}


def _linker(con: duckdb.DuckDBPyConnection, settings: Any) -> Linker:
    db_api = DuckDBAPI(con)
    table = db_api.register(INPUT_TABLE)
    # log_level=None: library code never configures logging.
    return Linker(table, settings, log_level=None)


def train(con: duckdb.DuckDBPyConnection, *, seed: int = 42, max_pairs: float = 2e6) -> Linker:
    """Train a fresh model on the prepared input (see :func:`prepare_input`)."""
    present = present_columns(con)
    if "name_key" not in present and "nik" not in present and "other_id" not in present:
        raise InputError("no record carries a name, a NIK or another id: nothing to link on",
                         where=INPUT_TABLE, hint="map full_name, nik or other_id in the sources file")
    linker = _linker(con, build_settings(present))
    rules = deterministic_rules(present)
    if rules:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    base = model_dict(linker)
    estimates: dict[str, list[list[float | None]]] = {}
    for cols, only in training_blocks(present):
        # Each block starts from the u-trained model, so a block's m values can be kept
        # for the comparisons it may train and dropped for the others.
        session = load_linker(con, copy.deepcopy(base))
        try:
            session.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), estimate_without_term_frequencies=True)
        except ValueError:
            # On a small block EM can drive a level's m to exactly 0, which Splink refuses;
            # such a block has too little to learn from: its comparisons rely on the others.
            continue
        trained = model_dict(session)
        for comp, before in zip(trained["comparisons"], base["comparisons"], strict=True):
            name = comp["output_column_name"]
            m_now = [lv.get("m_probability") for lv in comp["comparison_levels"]]
            m_before = [lv.get("m_probability") for lv in before["comparison_levels"]]
            if (only is None or name in only) and m_now != m_before:
                estimates.setdefault(name, []).append(m_now)
    for comp in base["comparisons"]:
        runs = estimates.get(comp["output_column_name"], [])
        for i, level in enumerate(comp["comparison_levels"]):
            values = [run[i] for run in runs if run[i] is not None]
            if values:
                level["m_probability"] = sum(values) / len(values)
    return load_linker(con, pin_family_ties(settle_untrained(base)))


#: The smallest m a trained level keeps. EM drives a level it saw only among non-matches
#: towards m = 0, a weight no other evidence could outweigh; real data has errors of every
#: kind, so at least 1 in 1000 true matches is assumed to land on any level.
M_FLOOR = 1e-3


def settle_untrained(model: dict[str, Any]) -> dict[str, Any]:
    """Levels EM never saw among matches get m = u (no evidence either way), not Splink's
    defaults; trained m values are floored at ``M_FLOOR``."""
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None and u:
                level["m_probability"] = u
            elif m is not None and m < M_FLOOR:
                level["m_probability"] = M_FLOOR
    return model


def pin_family_ties(model: dict[str, Any]) -> dict[str, Any]:
    """Set m = u (match weight 0) on the levels that mean "a relative" (``FAMILY_TIE_LABELS``).

    EM groups pairs by how much they agree, and twins agree on nearly everything a
    duplicate does; left to EM, a sibling's NIK would count as the person's own.
    """
    for comp in model["comparisons"]:
        for level in comp["comparison_levels"]:
            if level.get("label_for_charts") in FAMILY_TIE_LABELS and level.get("u_probability"):
                level["m_probability"] = level["u_probability"]
    return model


def load_linker(con: duckdb.DuckDBPyConnection, model: dict[str, Any] | str | Path) -> Linker:
    """A linker over the prepared input with a saved model's parameters (``--model``)."""
    if not isinstance(model, dict):
        path = Path(model)
        try:
            model = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the model {path}: {exc}", where=str(path),
                              hint="pass a model.json saved by an earlier `dtsen-hub link`") from exc
    model = dict(model)
    model.pop("linker_uid", None)
    return _linker(con, model)


def model_dict(linker: Linker) -> dict[str, Any]:
    """The trained model as a JSON-ready dict (Splink's own format, reloadable by ``load_linker``)."""
    return linker.misc.save_model_to_json()
