"""``dtsen-hub serve``: the OAuth server and the GraphQL API on uvicorn.

Example:
    $ dtsen-hub serve --store dtsen-data/graph.sqlite --port 8000 --workers 2
    $ NEO4J_PASSWORD=... dtsen-hub serve --store bolt://localhost:7687 --workers 4
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
import uvicorn
from rich.console import Console
from starlette.applications import Starlette

from core.errors import InputError
from graph import GraphStore, Visibility
from hub._workers import serve_workers
from hub.app import create_app
from hub.demo_clients import create_demo_clients
from hub.settings import Settings, load_settings

__all__ = ["announce_demo", "app_from_environment", "register", "serve_settings"]

err = Console(stderr=True)
out = Console()


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
    # One SO_REUSEPORT socket per worker, so connections opened together reach every worker.
    config = uvicorn.Config("hub._cli_serve:app_from_environment", factory=True, host=settings.host,
                            port=settings.port, log_level="warning", access_log=False)
    serve_workers(config, workers)


def announce_demo(settings: Settings, store: GraphStore) -> None:
    """The demo's clients: four profiles, each with a token and a ready query, printed for pasting."""
    first = store.list_persons(Visibility.everything(), first=1).items
    if not first or not first[0].village_code:
        raise InputError("nothing is published to demonstrate", where="demo", hint="run the demo's link step")
    regency = first[0].village_code[:4]
    clients = create_demo_clients(settings, store, regency=regency)
    base = settings.issuer_url
    out.print(f"\n[bold]Demo clients[/] (tokens valid 8 hours; fresh ones: POST {base}/oauth/token)")
    for c in clients:
        out.print(f"\n[bold cyan]{c.profile}[/]  client [bold]{c.client_id}[/]  secret {c.secret}"
                  + (f"  regions {regency}" if c.profile == "regional_government" else ""))
        out.print("GraphiQL headers:", c.headers, soft_wrap=True)
        out.print("query:", c.query, soft_wrap=True)
        if c.variables:
            out.print("variables:", json.dumps(c.variables), soft_wrap=True)
    out.print(f"\nOpen [bold]{base}/graphql[/] in a browser (GraphiQL); paste a headers line and a query.")


def serve_settings(settings: Settings, workers: int = 1) -> None:
    """``serve`` for settings already loaded (the demo's last step)."""
    serve(store=settings.store, data_dir=settings.data_dir, host=settings.host, port=settings.port,
          workers=workers, issuer=settings.issuer)


def register(app: typer.Typer) -> None:
    """Mount ``serve`` on the main app."""
    app.command("serve")(serve)
