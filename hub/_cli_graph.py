"""CLI commands reading the published graph: ``export links``.

Example:
    $ dtsen-hub export links --out links.csv
    $ NEO4J_PASSWORD=secret dtsen-hub export links --out links.csv --store bolt://localhost:7687
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import typer
from rich.console import Console

from core.errors import HubError
from hub._store import open_settings_store
from hub.settings import load_settings

__all__ = ["LINK_COLUMNS", "register"]

#: The header of ``export links`` (the contract in DESIGN.md).
LINK_COLUMNS = ("dataset", "source_id", "person_id", "household_id")

out = Console()
err = Console(stderr=True)
export_app = typer.Typer(help="Export the published graph.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Mount this module's command groups on the main app."""
    app.add_typer(export_app, name="export")


@export_app.command("links")
def export_links(
        out_path: Path = typer.Option(..., "--out", help="CSV file to write (dataset,source_id,person_id,"
                                      "household_id); replaced atomically."),
        store: str | None = typer.Option(None, "--store", help="A path (embedded store) or a bolt:// / "
                                         "neo4j:// URI (default: DTSEN_STORE or DATA_DIR/graph.sqlite)."),
        data_dir: Path | None = typer.Option(None, "--data-dir", help="Default: DTSEN_DATA_DIR or "
                                             "./dtsen-data.")) -> None:
    """Write which person and household every source record of the current run belongs to."""
    settings = load_settings(store=store, data_dir=data_dir)
    tmp = out_path.with_name(out_path.name + ".part")
    try:
        graph = open_settings_store(settings)
        try:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            count = 0
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(LINK_COLUMNS)
                for row in graph.export_links():
                    writer.writerow(["" if v is None else v for v in row])
                    count += 1
            os.replace(tmp, out_path)
        finally:
            graph.close()
    except (HubError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2) from exc
    out.print(f"wrote {count} links to {out_path} from {settings.store_location}")
