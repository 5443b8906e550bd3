"""CLI commands for data: ``synth``, ``ingest`` and ``demo``.

Example:
    $ dtsen-hub synth demo-data --people 2000 --seed 7
    $ dtsen-hub ingest demo-data/sources.toml --report report.json
    $ dtsen-hub demo
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.errors import HubError
from hub.settings import load_settings

__all__ = ["register", "report_table"]

out = Console()
err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Mount this module's commands on the main app."""
    app.command("synth")(synth)
    app.command("ingest")(ingest)
    app.command("demo")(demo)


def synth(out_dir: Path = typer.Argument(..., help="Folder to write the datasets, sources.toml, truth.csv "
                                         "and people.csv into."),
          people: int = typer.Option(2000, "--people", min=1, help="How many people (whole households)."),
          seed: int = typer.Option(42, "--seed", help="Same seed, same bytes.")) -> None:
    """Write a synthetic population and the agencies' datasets about it, with ground truth."""
    from linkage.synth import generate

    with out.status("synthesising...") as status:
        result = generate(out_dir, people=people, seed=seed,
                          progress=lambda what, n: status.update(f"synthesising: {what} ({n:,} rows)"))
    table = Table(title=f"{result.people:,} people in {result.households:,} households")
    table.add_column("dataset")
    table.add_column("rows", justify="right")
    for name, rows in result.rows.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)
    out.print(f"sources file: {result.sources}")


def ingest(sources: Path = typer.Argument(..., help="The sources file (sources.toml)."),
           report: Path | None = typer.Option(None, "--report", help="Write the JSON report here."),
           workspace: Path | None = typer.Option(None, "--workspace", help="The DuckDB workspace (default: "
                                                 "DATA_DIR/workspace.duckdb).")) -> None:
    """Validate and load every dataset of a sources file into the workspace; no row is lost."""
    from linkage.intake import ingest as run_ingest

    target = workspace or load_settings().workspace_path
    try:
        with _progress() as progress:
            result = run_ingest(sources, target, progress=progress)
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    out.print(report_table(result.to_json()))
    _print_warnings(result.to_json())
    out.print(f"workspace: {target}" + (f"; report: {report}" if report else ""))


def demo(data_dir: Path | None = typer.Option(None, "--data-dir", help="Where data goes (default: "
                                              "DTSEN_DATA_DIR or ./dtsen-data)."),
         people: int = typer.Option(3000, "--people", min=1, help="How many synthetic people."),
         seed: int = typer.Option(7, "--seed", help="Seed of the synthetic population."),
         serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API on HOST:PORT "
                                    "(default 127.0.0.1:8000) with GraphiQL afterwards.")) -> None:
    """Everything from a fresh clone: synthesise, ingest, link, publish, create four demo clients
    with tokens and ready queries, and serve the API with GraphiQL."""
    from hub._store import open_settings_store
    from hub.demo import run_demo

    settings = load_settings(data_dir=data_dir)
    try:
        store = open_settings_store(settings)
        try:
            with _progress() as progress:
                result = run_demo(settings.data_dir, people=people, seed=seed,
                                  stage=lambda name: progress.console.print(f"[bold]{name}[/bold]"),
                                  ingest_progress=progress, store=store)
        finally:
            store.close()
    except HubError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    data = result.report.to_json()
    (settings.data_dir / "report.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    out.print(report_table(data))
    _print_warnings(data)
    out.print(f"data: {result.synth.out_dir}; workspace: {result.report.workspace}; "
              f"report: {settings.data_dir / 'report.json'}")
    linked = result.extra.get("link")
    if linked is not None:
        out.print(f"linked: {linked.summary['persons']:,} people in {linked.summary['households']:,} "
                  f"households, {linked.summary.get('review_items', 0):,} review items -> "
                  f"{settings.store_location}")
        from hub._cli_serve import announce_demo, serve_settings

        store = open_settings_store(settings)
        try:
            announce_demo(settings, store)
        finally:
            store.close()
        if serve:
            serve_settings(settings)


def report_table(data: dict) -> Table:
    """The ingest report as a rich table: one row per dataset, then the totals."""
    table = Table(title="intake report")
    for name, justify in (("dataset", "left"), ("rows", "right"), ("accepted", "right"),
                          ("quarantined", "left"), ("flags", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for name, d in data["datasets"].items():
        table.add_row(name, f"{d['rows']:,}", f"{d['accepted']:,}", _counts(d["quarantined"]),
                      _counts(d["flags"]))
    table.add_row("[bold]total[/bold]", f"{data['rows']:,}", f"{data['accepted']:,}",
                  f"{data['quarantined']:,}", "")
    return table


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "-"


def _print_warnings(data: dict) -> None:
    for name, d in data["datasets"].items():
        for note in d.get("notes", []):
            err.print(f"[yellow]note[/yellow] {name} ({d.get('file', '')}): {note}")


class _Bars:
    """Adapts rich's Progress to intake's ``progress(dataset, done, total)`` callback."""

    def __init__(self, progress: Progress) -> None:
        self.console = progress.console
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, dataset: str, done: int, total: int | None) -> None:
        task = self._tasks.get(dataset)
        if task is None:
            task = self._tasks[dataset] = self._progress.add_task(dataset, total=total or None)
        self._progress.update(task, completed=done, total=total or None)


@contextmanager
def _progress() -> Iterator[_Bars]:
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        yield _Bars(progress)
