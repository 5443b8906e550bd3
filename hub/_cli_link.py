"""CLI commands for linkage: ``link``, ``evaluate`` and ``model show``.

Example:
    $ dtsen-hub link demo-data/sources.toml --store dtsen-data/graph.sqlite
    $ dtsen-hub export links --out links.csv
    $ dtsen-hub evaluate links.csv demo-data/truth.csv --json accuracy.json
    $ dtsen-hub model show --chart weights.html
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from core.errors import HubError
from hub._store import open_settings_store
from hub.settings import load_settings

__all__ = ["register"]

out = Console()
err = Console(stderr=True)
model_app = typer.Typer(help="Inspect the linkage model.", no_args_is_help=True)

_STORE_HELP = ("A path (embedded store) or a bolt:// / neo4j:// URI (default: DTSEN_STORE or "
               "DATA_DIR/graph.sqlite).")
_DATA_HELP = "Workspace, models and the embedded store (default: DTSEN_DATA_DIR or ./dtsen-data)."


def register(app: typer.Typer) -> None:
    """Mount this module's commands on the main app."""
    app.command("link")(link)
    app.command("evaluate")(evaluate)
    app.add_typer(model_app, name="model")


def link(sources: Path = typer.Argument(..., help="The sources file (sources.toml)."),
         store: str | None = typer.Option(None, "--store", help=_STORE_HELP),
         data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP),
         model: Path | None = typer.Option(None, "--model", help="Reuse a saved model.json instead of "
                                           "training one."),
         threshold: float | None = typer.Option(None, "--threshold", min=0.5, max=1.0, help="Match "
                                                "probability at or above which two records are one person."),
         review_floor: float | None = typer.Option(None, "--review-floor", min=0.0, max=1.0, help="Pairs "
                                                   "between this and the threshold go to the review queue."),
         engine: str = typer.Option("duckdb", "--engine", help="Splink backend: duckdb (in process, one "
                                    "machine) or spark (needs the spark extra; see --spark-master)."),
         spark_master: str | None = typer.Option(None, "--spark-master", help="Spark master "
                                                 "URL for --engine spark, e.g. spark://host:7077 "
                                                 "(default: local[2])."),
         spark_driver_memory: str = typer.Option("2g", "--spark-driver-memory", help="spark.driver.memory "
                                                 "for --engine spark."),
         seed: int = typer.Option(42, "--seed", help="Seed for Splink's sampling (same seed, same "
                                  "clusters).")) -> None:
    """Ingest, train (or reuse a model), predict, cluster, households, ids, verify, publish."""
    from hub.pipeline import STAGES, run_link
    from linkage.engines import make_engine
    from linkage.people import DEFAULT_REVIEW_FLOOR, DEFAULT_THRESHOLD

    settings = load_settings(store=store, data_dir=data_dir)
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    floor = DEFAULT_REVIEW_FLOOR if review_floor is None else review_floor
    if floor > threshold:
        err.print(f"[red]error[/red] --review-floor {floor} is above --threshold {threshold}")
        raise typer.Exit(2)
    # Splink warns about every level it could not train on this data; the summary says what matters.
    logging.getLogger("splink").setLevel(logging.ERROR)
    try:
        backend = make_engine(engine, spark_master=spark_master, driver_memory=spark_driver_memory)
        graph = open_settings_store(settings)
        try:
            with _StageProgress(STAGES) as progress:
                result = run_link(sources, settings.data_dir, graph, model=model, threshold=threshold,
                                  review_floor=floor, progress=progress.stage, seed=seed, engine=backend)
        finally:
            graph.close()
            if backend is not None:
                backend.close()
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    _print_summary(result.run_id, result.summary, result.blocking, result.timings, settings.store_location)


class _StageProgress:
    """A rich progress bar advanced as each pipeline stage starts."""

    def __init__(self, stages: tuple[str, ...]) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._stages = stages
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description:<14}"), BarColumn(),
                                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                                  console=err, transient=False)
        self._task = self._progress.add_task("starting", total=len(stages))

    def __enter__(self) -> _StageProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self._progress.update(self._task, description="done", completed=len(self._stages))
        self._progress.stop()

    def stage(self, name: str) -> None:
        done = self._stages.index(name) if name in self._stages else 0
        self._progress.update(self._task, description=name, completed=done)


def _print_summary(run_id: str, summary: dict[str, Any], blocking: list[dict[str, Any]],
                   timings: dict[str, float], location: str) -> None:
    table = Table(title=f"Linkage run {run_id} -> {location}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    ingest = summary.get("ingest") or {}
    for label, value in (("records", summary.get("records")), ("quarantined", ingest.get("quarantined")),
                         ("people", summary.get("persons")), ("households", summary.get("households")),
                         ("pairs kept", summary.get("pairs_kept")),
                         ("review items", summary.get("review_items")),
                         ("lineage rows", summary.get("lineage")),
                         ("deceased still enrolled", summary.get("deceased_still_enrolled"))):
        if value is not None:
            table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    for status, count in sorted((summary.get("verification") or {}).items()):
        table.add_row(f"verification: {status}", f"{count:,}")
    out.print(table)
    if blocking:
        rules = Table(title="Comparisons per blocking rule (marginal)")
        rules.add_column("rule")
        rules.add_column("comparisons", justify="right")
        rules.add_column("cumulative", justify="right")
        for row in blocking:
            rules.add_row(str(row["rule"]), f"{row['comparisons']:,}", f"{row['cumulative']:,}")
        out.print(rules)
    if timings:
        times = Table(title="Seconds per stage")
        for stage in timings:
            times.add_column(stage, justify="right")
        times.add_row(*(f"{t:.1f}" for t in timings.values()))
        out.print(times)


def evaluate(links: Path = typer.Argument(..., help="links.csv from `export links`."),
             truth: Path = typer.Argument(..., help="Truth CSV: dataset,source_id,person_id,household_id."),
             json_out: Path | None = typer.Option(None, "--json", help="Also write the metrics here."),
             workspace: Path | None = typer.Option(None, "--workspace", help="A linkage workspace "
                                                   "(DATA_DIR/workspace.duckdb): adds an exact-NIK/KK join "
                                                   "beside the linkage. Default: DATA_DIR's, when present."),
             data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP)) -> None:
    """Pairwise and cluster precision, recall and F1 for people and households."""
    from linkage.evaluate import evaluate_files, exact_nik_baseline

    workspace = workspace or load_settings(data_dir=data_dir).workspace_path
    try:
        baseline = None
        if workspace.exists():
            con = duckdb.connect(str(workspace), read_only=True)
            try:
                baseline = exact_nik_baseline(con)
            finally:
                con.close()
        result = evaluate_files(links, truth, baseline=baseline)
    except (HubError, duckdb.Error) as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    table = Table(title=f"{links.name} against {truth.name}")
    for col in ("", "pairs P", "pairs R", "pairs F1", "clusters P", "clusters R", "NIK join P", "NIK join R"):
        table.add_column(col, justify="right")
    for kind, entry in result.items():
        pw, cl, base = entry["pairwise"], entry["clusters"], entry.get("baseline_pairwise") or {}
        table.add_row(kind, *(f"{v:.4f}" for v in (pw["precision"], pw["recall"], pw["f1"], cl["precision"],
                                                     cl["recall"])),
                      *(f"{base[k]:.4f}" if base else "-" for k in ("precision", "recall")))
    out.print(table)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        out.print(f"wrote {json_out}")


@model_app.command("show")
def model_show(model: Path | None = typer.Option(None, "--model", help="A saved model.json (default: "
                                                 "DATA_DIR/model.json, the last run's)."),
               chart: Path | None = typer.Option(None, "--chart", help="Also save Splink's match-weights "
                                                 "chart here as HTML."),
               data_dir: Path | None = typer.Option(None, "--data-dir", help=_DATA_HELP)) -> None:
    """The model's parameters: m, u and match weight of every comparison level."""
    from linkage import model_report as report

    path = model or load_settings(data_dir=data_dir).data_dir / "model.json"
    try:
        spec = report.load_model(path)
        rows = report.model_parameters(spec)
        if chart is not None:
            report.save_match_weights_chart(spec, chart)
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    table = Table(title=f"{path}: prior match weight {report.prior_match_weight(spec):.2f}")
    for col, justify in (("comparison", "left"), ("level", "left"), ("m", "right"), ("u", "right"),
                         ("match weight", "right"), ("tf", "center")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in rows:
        table.add_row(str(r["comparison"]), str(r["level"]), _num(r["m"]), _num(r["u"]),
                      "missing: 0" if r["null_level"] else _num(r["match_weight"], 2),
                      "yes" if r["tf_adjusted"] else "")
    out.print(table)
    if chart is not None:
        out.print(f"wrote {chart}")


def _num(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}g}" if digits == 4 else f"{value:.{digits}f}"
