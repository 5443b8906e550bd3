"""One ``store`` fixture, two stores: every contract test runs on both.

The Neo4j half uses the session fixture ``neo4j_server`` (tests/conftest.py),
which starts a real Neo4j (or points at ``NEO4J_URI``). Each use starts from
an empty database. Neo4j Community has one database, so a test module uses
either ``published`` (shared, read-only) or ``store`` (fresh per test), never
both: a fresh ``store`` would wipe the shared graph under the other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import GraphStore, open_store
from tests.graph._data import publication

STORES = ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def neo4j_location(server: Any) -> tuple[str, str, str]:
    """(uri, user, password) from whatever shape the session fixture hands out."""
    if isinstance(server, dict):
        return server["uri"], server.get("user", "neo4j"), server["password"]
    if isinstance(server, tuple):
        uri, *rest = server
        if len(rest) == 1 and isinstance(rest[0], tuple):
            rest = list(rest[0])
        return uri, rest[0], rest[1]
    auth = getattr(server, "auth", None)
    user, password = auth if auth else (server.user, server.password)
    return server.uri, user, password


def _wipe_neo4j(uri: str, user: str, password: str) -> None:
    from neo4j import GraphDatabase

    # Batched, in an auto-commit session: the crash test leaves a few hundred thousand elements.
    with GraphDatabase.driver(uri, auth=(user, password)) as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def make_location(kind: str, request: pytest.FixtureRequest,
                  path: Path) -> tuple[str, str | None, str | None]:
    """(location, user, password) of a fresh, empty store of ``kind``."""
    if kind == "embedded":
        return str(path / "graph.sqlite"), None, None
    try:
        server = request.getfixturevalue("neo4j_server")
    except pytest.FixtureLookupError:
        pytest.skip("the neo4j_server session fixture is not defined yet (tests/conftest.py)")
    uri, user, password = neo4j_location(server)
    _wipe_neo4j(uri, user, password)
    return uri, user, password


def make_store(kind: str, request: pytest.FixtureRequest, path: Path) -> GraphStore:
    """A fresh, empty store of ``kind``."""
    location, user, password = make_location(kind, request, path)
    return open_store(location, user=user, password=password)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store, for tests that write."""
    s = make_store(request.param, request, tmp_path)
    yield s
    s.close()


@pytest.fixture(scope="module", params=STORES)
def published(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """A store holding ``_data.publication()``, shared by a module's read-only tests."""
    s = make_store(request.param, request, tmp_path_factory.mktemp("store"))
    s.publish(publication())
    yield s
    s.close()
