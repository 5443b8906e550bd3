"""The three servers ``api_bench`` compares, as uvicorn app factories (one per worker process).

* ``graphql_app``: the hub as users run it (token validation, scopes, audit), from ``DTSEN_*``.
* ``graphql_open_app``: the same GraphQL endpoint with authorization and audit switched off:
  no token is validated, every request holds every scope nationally, nothing is audited
  (the per-field scope check still runs and always passes).
* ``bare_app``: a plain Starlette JSON endpoint doing the same store reads, no GraphQL: the
  practical limit.

Store and data directory come from ``DTSEN_STORE`` / ``DTSEN_DATA_DIR``.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from auth import Access, load_policy
from graph.embedded_store import EmbeddedStore
from hub._graphql import services_for
from hub._store import open_settings_store
from hub._workers import serve_workers
from hub.app import create_app
from hub.settings import load_settings
from resolvers.access_map import visibility_for
from schema.endpoint import graphql_endpoint
from schema.limits import Limits

__all__ = ["bare_app", "graphql_app", "graphql_open_app"]


def graphql_app() -> Starlette:
    return create_app(load_settings())


class _Everyone:
    """Stands in for the token middleware: every request is a national caller with every scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.access = Access("bench", "Bench", "data_steward", frozenset(load_policy().scopes),
                             purpose="data_stewardship")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["access"] = self.access
        await self.app(scope, receive, send)


def graphql_open_app() -> Starlette:
    settings = load_settings()
    store = open_settings_store(settings)
    services = services_for(settings, store, None, audit_on=False)
    endpoint = graphql_endpoint(services, Limits(max_page=settings.graphql_max_page), rate=None,
                                graphiql=False)
    return Starlette(routes=[Route("/graphql", _Everyone(endpoint), methods=["POST"])])


def bare_app() -> Starlette:
    settings = load_settings()
    store = open_settings_store(settings)
    visibility = visibility_for(frozenset(load_policy().scopes), None)
    inline = isinstance(store, EmbeddedStore)

    def read(nik: str) -> dict[str, Any] | None:
        person = store.get_person_by_nik(nik, visibility)
        if person is None:
            return None
        household = members = None
        if person.household_id:
            household = store.get_households([person.household_id], visibility).get(person.household_id)
            members = store.members_of_households([person.household_id], visibility).get(person.household_id)
        enrolments = store.enrolments_of_persons([person.person_id], visibility).get(person.person_id, [])
        return {"id": person.person_id, "fullName": person.full_name, "nik": person.nik,
                "household": household and {
                    "id": household.household_id, "kk": household.kk,
                    "members": [{"role": m.role, "person": {"id": m.person.person_id,
                                                           "fullName": m.person.full_name}}
                                for m in members or []]},
                "enrolments": [{"program": {"name": e.program}, "dataset": {"name": e.dataset,
                                                                             "agency": e.agency}}
                               for e in enrolments]}

    async def person(request: Request) -> Response:
        nik = request.query_params["nik"]
        data = read(nik) if inline else await run_in_threadpool(read, nik)
        return JSONResponse({"data": {"personByNik": data}})

    return Starlette(routes=[Route("/person", person)])


def main() -> None:
    """Serve one of the apps with ``hub._workers.serve_workers``, as ``dtsen-hub serve`` does."""
    parser = argparse.ArgumentParser(description="serve one api_bench app")
    parser.add_argument("factory", choices=__all__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = uvicorn.Config(f"bench._api_apps:{args.factory}", factory=True, host="127.0.0.1", port=args.port,
                            log_level="warning", access_log=False)
    serve_workers(config, args.workers)


if __name__ == "__main__":
    main()
