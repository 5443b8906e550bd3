"""A real hub over HTTP for the API tests: uvicorn on a loopback port, a published graph on
each store, OAuth clients of every profile, and gql clients holding their tokens.
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from authlib.integrations.httpx_client import OAuth2Client
from gql import Client as GqlClient
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport
from starlette.applications import Starlette

from graph import GraphStore, open_store
from hub.app import create_app
from hub.settings import Settings
from tests._server import free_port, serve_app
from tests.api._data import publication

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]
_names = itertools.count(1)


def _neo4j(request: pytest.FixtureRequest) -> GraphStore:
    if importlib.util.find_spec("graph.neo4j_store") is None:
        pytest.skip("graph.neo4j_store is not written yet")
    try:
        server = request.getfixturevalue("neo4j_server")
    except pytest.FixtureLookupError:
        pytest.skip("the neo4j_server session fixture is not defined yet (tests/conftest.py)")
    from tests.graph.conftest import _wipe_neo4j, neo4j_location

    uri, user, password = neo4j_location(server)
    _wipe_neo4j(uri, user, password)
    return open_store(uri, user=user, password=password)


def make_store(kind: str, request: pytest.FixtureRequest, path: Path) -> GraphStore:
    store = open_store(str(path / "graph.sqlite")) if kind == "embedded" else _neo4j(request)
    store.publish(publication())
    return store


@dataclass
class Result:
    """One GraphQL response: data, errors (as dicts) and the HTTP status."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def paths(self, code: str = "FORBIDDEN") -> list[list[Any]]:
        return [e.get("path") for e in self.errors if e.get("extensions", {}).get("code") == code]


@dataclass
class Caller:
    """A registered client with a token from /oauth/token and a gql client over HTTP."""

    hub: Hub
    client_id: str
    secret: str
    token: str
    purpose: str | None = None

    def headers(self, **extra: str) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.purpose:
            headers["X-Purpose"] = self.purpose
        return {**headers, **extra}

    def gql(self, **headers: str) -> GqlClient:
        return GqlClient(transport=HTTPXTransport(url=self.hub.graphql_url, headers=self.headers(**headers),
                                                  timeout=30), fetch_schema_from_transport=False)

    def run(self, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Result:
        """Execute through gql; a response with errors comes back as a Result, not an exception."""
        with self.gql(**headers) as session:
            try:
                data = session.execute(GraphQLRequest(query, variable_values=variables))
                return Result(data)
            except TransportQueryError as exc:
                return Result(exc.data, [dict(e) for e in exc.errors or []])

    def batch(self, queries: list[str]) -> list[Result]:
        client = self.gql()
        with client:     # the transport answers each operation, errors included, without raising
            results = client.transport.execute_batch([GraphQLRequest(q) for q in queries])
        return [Result(r.data, [dict(e) for e in r.errors or []]) for r in results]


@dataclass
class Hub:
    base_url: str
    app: Starlette
    settings: Settings
    store: GraphStore

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def caller(self, profile: str, *, regions: list[str] | None = None, scope: str | None = None,
               purpose: str | None = None) -> Caller:
        client, secret = self.app.state.auth.clients.add(f"{profile.replace('_', '-')}-{next(_names)}",
                                                        profile, regions=regions)
        assert secret is not None
        with OAuth2Client(client.client_id, secret, token_endpoint_auth_method="client_secret_basic",
                          scope=scope) as oauth:
            token = oauth.fetch_token(f"{self.base_url}/oauth/token", grant_type="client_credentials")
        return Caller(self, client.client_id, secret, str(token["access_token"]),
                      purpose or sorted(client.purposes)[0])


def start_hub(tmp: Path, store: GraphStore, **settings: Any) -> Iterator[Hub]:
    port = free_port()
    config = Settings(data_dir=tmp, issuer=f"http://127.0.0.1:{port}", **settings)
    app = create_app(config, store=store)
    with serve_app(app, port=port) as base_url:
        yield Hub(base_url, app, config, store)


@pytest.fixture(scope="module", params=STORES)
def hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub on a published store (both kinds), shared by a module's tests."""
    tmp = tmp_path_factory.mktemp("api")
    store = make_store(request.param, request, tmp)
    try:
        yield from start_hub(tmp, store, graphql_rate=0)
    finally:
        store.close()


@pytest.fixture(scope="module")
def health(hub: Hub) -> Caller:
    return hub.caller("health_ministry", purpose="health_insurance")


@pytest.fixture(scope="module")
def education(hub: Hub) -> Caller:
    return hub.caller("education_ministry", purpose="education_aid")


@pytest.fixture(scope="module")
def bandung(hub: Hub) -> Caller:
    return hub.caller("regional_government", regions=["3273"], purpose="regional_planning")


@pytest.fixture(scope="module")
def steward(hub: Hub) -> Caller:
    return hub.caller("data_steward", purpose="data_stewardship")
