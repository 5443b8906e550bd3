"""Reading a saved model back for people: its parameters as rows, and Splink's match-weights chart.

The saved model is Splink's own settings JSON (``linker.misc.save_model_to_json``),
so this reads it with Splink's settings classes and needs no data: a steward can
inspect last month's model without the workspace it was trained on.

Example:
    >>> rows = model_parameters(json.loads(Path("dtsen-data/model.json").read_text()))  # doctest: +SKIP
    >>> rows[0]["comparison"], rows[0]["level"], rows[0]["match_weight"]                  # doctest: +SKIP
    ('nik', 'same NIK, different first name or sex', 1.2)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from splink import SettingsCreator

from core.errors import ConfigError

__all__ = ["ParameterRow", "load_model", "model_parameters", "prior_match_weight", "save_match_weights_chart"]

ParameterRow = dict[str, Any]


def load_model(path: Path) -> dict[str, Any]:
    """The model JSON at ``path``, with a clear error when it is missing or not a Splink model."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the model: {exc.strerror or exc}", where=str(path),
                          hint="run `dtsen-hub link` first, or pass --model PATH") from exc
    except ValueError as exc:
        raise ConfigError(f"the model is not JSON: {exc}", where=str(path)) from exc
    if not isinstance(model, dict) or "comparisons" not in model:
        raise ConfigError("not a Splink model (no 'comparisons')", where=str(path),
                          hint="pass a model.json saved by `dtsen-hub link`")
    return model


def _settings(model: dict[str, Any]) -> Any:
    clean = dict(model)
    clean.pop("linker_uid", None)
    try:
        return SettingsCreator.from_path_or_dict(clean).get_settings("duckdb")
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"the model does not load as Splink settings: {exc}", where="model") from exc


def prior_match_weight(model: dict[str, Any]) -> float:
    """log2 of the prior odds that two random records match (the weight every pair starts from)."""
    p = float(model.get("probability_two_random_records_match") or 0.0)
    return math.log2(p / (1 - p)) if 0 < p < 1 else float("nan")


def model_parameters(model: dict[str, Any]) -> list[ParameterRow]:
    """One row per comparison level: m, u, match weight and whether term frequencies adjust it.

    Null levels ("missing on one side") are listed with weight 0: missing data is no evidence.
    """
    rows: list[ParameterRow] = []
    for rec in _settings(model)._parameters_as_detailed_records:
        if rec.comparison_name == "probability_two_random_records_match":
            continue
        weight = None if rec.is_null_level else rec.log2_bayes_factor
        rows.append({
            "comparison": rec.comparison_name,
            "level": rec.label_for_charts,
            "m": rec.m_probability,
            "u": rec.u_probability,
            "match_weight": None if weight is None or math.isinf(weight) else round(weight, 3),
            "tf_adjusted": bool(rec.has_tf_adjustments),
            "null_level": bool(rec.is_null_level),
        })
    return rows


def save_match_weights_chart(model: dict[str, Any], path: Path) -> Path:
    """Write Splink's match-weights chart of ``model`` to ``path`` as standalone HTML."""
    chart = _settings(model).match_weights_chart()
    path.parent.mkdir(parents=True, exist_ok=True)
    chart.save(str(path))
    return path
