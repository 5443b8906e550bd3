"""CLI commands for stewards' labels: ``review export-labels``, ``review accuracy``,
``review retrain``.

Every steward ruling (must-link / cannot-link, kept by the store across runs) is a label.

Example:
    $ dtsen-hub review export-labels --out labels.csv
    $ dtsen-hub review accuracy labels.csv
    $ dtsen-hub review retrain labels.csv --out model-labels.json
    $ dtsen-hub link sources.toml --model model-labels.json
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from core.errors import HubError
from graph import ConstraintKind
from hub._store import open_settings_store
from hub.settings import load_settings

T = TypeVar("T")

__all__ = ["register"]

out = Console()
err = Console(stderr=True)
review_app = typer.Typer(help="Stewards' decisions as labels: export, accuracy, retraining.",
                         no_args_is_help=True)

_STORE_HELP = ("A path (embedded store) or a bolt:// / neo4j:// URI (default: DTSEN_STORE or "
               "DATA_DIR/graph.sqlite).")
_DATA_HELP = "Default: DTSEN_DATA_DIR or ./dtsen-data (holds workspace.duckdb and model.json)."


def register(app: typer.Typer) -> None:
    """Mount this module's command group on the main app."""
    app.add_typer(review_app, name="review")


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[red]error[/red] {exc}")
    return typer.Exit(2)


@review_app.command("export-labels")
def export_labels(out_path: Path = typer.Option(..., "--out", help="CSV to write; replaced atomically."),
                  store: str | None = typer.Option(None, "--store", help=_STORE_HELP),
                  data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP)) -> None:
    """Write every steward ruling as a label (1 same person, 0 different people)."""
    from linkage.labels import Label, write_labels

    settings = load_settings(store=store, data_dir=data_dir)
    tmp = out_path.with_name(out_path.name + ".part")
    try:
        graph = open_settings_store(settings)
        try:
            labels = [Label(c.left_key, c.right_key, 1.0 if c.kind is ConstraintKind.MUST_LINK else 0.0,
                            c.steward, c.note, c.created_at.isoformat(), c.item_id)
                      for c in graph.constraints()]
        finally:
            graph.close()
        out_path.parent.mkdir(parents=True, exist_ok=True)
        n = write_labels(tmp, labels)
        os.replace(tmp, out_path)
    except (HubError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(exc) from exc
    positives = sum(1 for lb in labels if lb.label == 1.0)
    out.print(f"wrote {n} labels ({positives} match, {n - positives} not a match) to {out_path}")


def _from_labels(labels_path: Path, model: Path | None, data_dir: Path | None,
                 work: Callable[[Any, Path, list[Any]], T]) -> tuple[list[Any], T]:
    """Read the labels, open the workspace and run ``work(con, model, labels)`` on them;
    every failure on the way becomes one clear CLI error."""
    import duckdb

    from linkage.labels import read_labels

    settings = load_settings(data_dir=data_dir)
    try:
        labels = read_labels(labels_path)
        con = duckdb.connect(str(settings.workspace_path))
        try:
            return labels, work(con, model or settings.data_dir / "model.json", labels)
        finally:
            con.close()
    except (HubError, OSError, duckdb.Error) as exc:
        raise _fail(exc) from exc


@review_app.command("accuracy")
def accuracy(labels_path: Path = typer.Argument(..., help="labels.csv from `review export-labels`."),
             model: Path | None = typer.Option(None, "--model", help="Default: DATA_DIR/model.json."),
             data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP),
             as_json: bool = typer.Option(False, "--json", help="Print the rows as JSON.")) -> None:
    """Precision and recall at each match-weight threshold, estimated from the labels."""
    from linkage.labels import accuracy_from_labels

    labels, rows = _from_labels(labels_path, model, data_dir, accuracy_from_labels)
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table(title=f"accuracy from {len(labels)} labels (uncertain band: a guide to the threshold)")
    for col in ("match weight", "probability", "tp", "fp", "tn", "fn", "precision", "recall", "f1"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r['truth_threshold']:.1f}", f"{r['match_probability']:.4f}",
                      *(str(r[k]) for k in ("tp", "fp", "tn", "fn")),
                      *(f"{r[k]:.3f}" if r[k] is not None else "-" for k in ("precision", "recall", "f1")))
    out.print(table)


@review_app.command("retrain")
def retrain(labels_path: Path = typer.Argument(..., help="labels.csv from `review export-labels`."),
            out_path: Path = typer.Option(..., "--out", help="Where to write the retrained model.json."),
            model: Path | None = typer.Option(None, "--model", help="Default: DATA_DIR/model.json."),
            data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP)) -> None:
    """Re-estimate m-probabilities from the must-link labels; use it with `link --model`."""
    from linkage.labels import retrain_m_from_labels

    labels, trained = _from_labels(labels_path, model, data_dir, retrain_m_from_labels)
    try:
        out_path.write_text(json.dumps(trained, indent=2, sort_keys=True), encoding="utf-8")
    except OSError as exc:
        raise _fail(exc) from exc
    out.print(f"wrote {out_path}: m-probabilities from {sum(lb.label == 1.0 for lb in labels)} must-link "
              f"labels; run `dtsen-hub link SOURCES --model {out_path}` to use it")
