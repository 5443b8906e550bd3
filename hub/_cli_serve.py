"""``dtsen-hub serve``: the OAuth server and the GraphQL API on uvicorn.

Example:
    $ dtsen-hub serve --store dtsen-data/graph.sqlite --port 8000 --workers 2
    $ NEO4J_PASSWORD=... dtsen-hub serve --store bolt://localhost:7687 --workers 4
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
import uvicorn
from rich.console import Console
from starlette.applications import Starlette

from hub.app import create_app
from hub.settings import load_settings

__all__ = ["app_from_environment", "register"]

err = Console(stderr=True)


def app_from_environment() -> Starlette:
    """The app each uvicorn worker builds from ``DTSEN_*`` variables (set by ``serve``)."""
    return create_app(load_settings())


def serve(store: str | None = typer.Option(None, "--store", help="A path (embedded store) or a bolt:// / "
                                           "neo4j:// URI. Default: DATA_DIR/graph.sqlite."),
          data_dir: Path | None = typer.Option(None, "--data-dir", help="Clients, keys and the audit log "
                                               "(default: DTSEN_DATA_DIR or ./dtsen-data)."),
          host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
          port: int | None = typer.Option(None, "--port", help="Port (default 8000)."),
          workers: int = typer.Option(1, "--workers", min=1, max=64, help="Server processes. Each keeps "
                                      "its own rate-limit buckets and store connections; one per core."),
          issuer: str | None = typer.Option(None, "--issuer", help="Public base URL written into tokens "
                                            "(default http://HOST:PORT).")) -> None:
    """Serve /oauth/token and /graphql (with GraphiQL for people) until interrupted."""
    settings = load_settings(store=store, data_dir=data_dir, host=host, port=port, issuer=issuer)
    # Workers are separate processes: they read the same settings from the environment.
    for key, value in (("DTSEN_STORE", settings.store), ("DTSEN_DATA_DIR", str(settings.data_dir)),
                       ("DTSEN_HOST", settings.host), ("DTSEN_PORT", str(settings.port)),
                       ("DTSEN_ISSUER", settings.issuer_url)):
        if value is not None:
            os.environ[key] = value
    err.print(f"[bold]DTSEN Hub[/] on {settings.issuer_url}  GraphQL: {settings.issuer_url}/graphql  "
              f"store: {settings.store_location}  workers: {workers}")
    uvicorn.run("hub._cli_serve:app_from_environment", factory=True, host=settings.host, port=settings.port,
                workers=workers, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    """Mount ``serve`` on the main app."""
    app.command("serve")(serve)
