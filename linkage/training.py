"""Unsupervised training of the Splink model, or reuse of a saved one.

u comes from random sampling with a fixed seed, m from expectation maximisation on
several blocks (each block leaves the comparisons it does not block on to be
estimated), and the prior from near-certain deterministic rules. Everything seeded
makes the same inputs give the same model, hence the same clusters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, block_on

from core.errors import ConfigError, InputError
from linkage.model_spec import INPUT_COLUMNS, INPUT_SQL, build_settings, deterministic_rules, training_blocks

__all__ = ["INPUT_TABLE", "load_linker", "model_dict", "prepare_input", "present_columns", "train"]

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


def train(con: duckdb.DuckDBPyConnection, *, seed: int = 42, max_pairs: float = 5e6) -> Linker:
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
    for cols in training_blocks(present):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), estimate_without_term_frequencies=True)
    return linker


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
