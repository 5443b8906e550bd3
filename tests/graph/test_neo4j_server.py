"""The Neo4j test server itself: a real Neo4j answering Cypher over Bolt through the driver we ship."""

from __future__ import annotations

import pytest
from neo4j import GraphDatabase

from tests.conftest import Neo4jServer

pytestmark = pytest.mark.neo4j


def test_server_answers_cypher_over_bolt(neo4j_server: Neo4jServer) -> None:
    assert neo4j_server.uri.startswith(("bolt://", "neo4j://"))
    with GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("UNWIND range(1, $n) AS i RETURN sum(i) AS total", n=100)
        assert records[0]["total"] == 5050
        info = driver.get_server_info()
        assert info.agent.startswith("Neo4j/")


def test_server_is_community_5(neo4j_server: Neo4jServer) -> None:
    """The store's Cypher (constraint syntax, no APOC) is written for Neo4j 5 Community."""
    with GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password)) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS v, edition")
        row = records[0]
        assert row["name"] == "Neo4j Kernel"
        assert row["v"].split(".")[0] in {"5", "2025", "2026"}
