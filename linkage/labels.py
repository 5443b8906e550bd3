"""Stewards' decisions as labels: export, accuracy at each threshold, m re-estimated.

A must-link ruling is a positive label (clerical_match_score 1), a cannot-link ruling a
negative one (0). With labels, the model can be judged the way Splink's accuracy analysis
does it: every labelled pair is scored by the model (blocking does not matter), and
precision and recall are read off at each match-weight threshold. The labels come from
the uncertain band, so the figures describe the model where it is least sure, not on
average: read them as a guide to the threshold, not as the run's overall precision.

Example:
    >>> rows = [Label("a:1", "b:1", 1.0), Label("a:2", "b:2", 0.0)]
    >>> [r.label for r in rows]
    [1.0, 0.0]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from core.errors import InputError
from linkage.training import load_linker, model_dict, prepare_input

__all__ = ["LABEL_COLUMNS", "Label", "accuracy_from_labels", "read_labels", "retrain_m_from_labels",
           "write_labels"]

_TABLE = "steward_labels"


@dataclass(frozen=True, slots=True)
class Label:
    """One labelled pair of record keys (``dataset:source_id``)."""

    left_key: str
    right_key: str
    label: float                 # 1.0 same person, 0.0 different people
    steward: str | None = None
    note: str | None = None
    decided_at: str | None = None
    item_id: str | None = None


LABEL_COLUMNS = tuple(f.name for f in fields(Label))


def write_labels(path: Path, labels: Iterable[Label]) -> int:
    """Write ``labels`` as CSV (header ``LABEL_COLUMNS``); returns how many rows."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=LABEL_COLUMNS)
        out.writeheader()
        for label in labels:
            out.writerow({k: "" if v is None else v for k, v in asdict(label).items()})
            n += 1
    return n


def read_labels(path: Path) -> list[Label]:
    """Read a labels CSV; a bad row is an InputError naming its line, never skipped."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        missing = {"left_key", "right_key", "label"} - set(rows.fieldnames or ())
        if missing:
            raise InputError(f"labels file lacks the columns {sorted(missing)}", where=str(path),
                             hint="export it with `dtsen-hub review export-labels`")
        out = []
        for line, row in enumerate(rows, start=2):
            try:
                value = float(row["label"])
            except ValueError:
                value = -1.0
            if value not in (0.0, 1.0) or not row["left_key"] or not row["right_key"]:
                raise InputError(f"label row {line} is not two record keys and a label of 0 or 1: {row}",
                                 where=f"{path}:{line}")
            out.append(Label(row["left_key"], row["right_key"], value,
                             **{k: row.get(k) or None for k in ("steward", "note", "decided_at", "item_id")}))
    return out


def _register(con: duckdb.DuckDBPyConnection, labels: list[Label], known: set[str]) -> None:
    unknown = sorted({k for lb in labels for k in (lb.left_key, lb.right_key)} - known)
    if unknown:
        raise InputError(f"{len(unknown)} labelled record keys are not in the workspace, e.g. {unknown[:3]}",
                         where=_TABLE, hint="label records of the linked workspace (dataset:source_id)")
    table = pa.table({"unique_id_l": [lb.left_key for lb in labels],
                      "unique_id_r": [lb.right_key for lb in labels],
                      "clerical_match_score": [lb.label for lb in labels]})
    con.register("_steward_labels_arrow", table)
    con.execute(f"CREATE OR REPLACE TABLE {_TABLE} AS SELECT * FROM _steward_labels_arrow")
    con.unregister("_steward_labels_arrow")


def _linker_with_labels(con: duckdb.DuckDBPyConnection, model: dict[str, Any] | Path,
                        labels: list[Label]) -> Any:
    if not labels:
        raise InputError("there are no labels yet", where="labels",
                         hint="stewards' decisions become labels: decide review items first")
    prepare_input(con)
    known = {r[0] for r in con.execute("SELECT unique_id FROM linkage_input").fetchall()}
    _register(con, labels, known)
    return load_linker(con, model)


def accuracy_from_labels(con: duckdb.DuckDBPyConnection, model: dict[str, Any] | Path,
                         labels: list[Label]) -> list[dict[str, Any]]:
    """Precision and recall at each match-weight threshold, from Splink's accuracy analysis.

    One row per threshold (ascending): ``truth_threshold`` (match weight),
    ``match_probability``, ``tp``, ``fp``, ``tn``, ``fn``, ``precision``, ``recall``, ``f1``.
    """
    linker = _linker_with_labels(con, model, labels)
    table = linker.evaluation.accuracy_analysis_from_labels_table(
        _TABLE, output_type="table", match_weight_round_to_nearest=0.1, add_metrics=["f1"])
    keep = ("truth_threshold", "match_probability", "tp", "fp", "tn", "fn", "precision", "recall", "f1")
    rows = [{k: r.get(k) for k in keep} for r in table.as_record_list()]
    return sorted(rows, key=lambda r: r["truth_threshold"])


def retrain_m_from_labels(con: duckdb.DuckDBPyConnection, model: dict[str, Any] | Path,
                          labels: list[Label]) -> dict[str, Any]:
    """The model with m-probabilities re-estimated from the positive labels (u and the prior kept).

    Splink's ``estimate_m_from_pairwise_labels`` treats every given pair as a match, so only
    must-link labels are passed.
    """
    positives = [lb for lb in labels if lb.label == 1.0]
    if not positives:
        raise InputError("no must-link labels: m-probabilities need pairs known to match", where="labels")
    linker = _linker_with_labels(con, model, positives)
    linker.training.estimate_m_from_pairwise_labels(_TABLE)
    return model_dict(linker)
