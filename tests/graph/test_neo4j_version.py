"""A Neo4j server too old for the store's Cypher is refused when the store opens, saying why."""

from __future__ import annotations

import pytest

from core.errors import ConfigError
from graph.neo4j_store import check_server_version


@pytest.mark.parametrize("agent", ["Neo4j/5.23.0", "Neo4j/5.26.30", "Neo4j/2025.01.0", "Neo4j/6.0",
                                   "Memgraph", "Neo4j/dev"])
def test_a_new_enough_or_unnamed_server_is_accepted(agent: str) -> None:
    check_server_version(agent, "bolt://db:7687")


@pytest.mark.parametrize("agent", ["Neo4j/5.22.0", "Neo4j/5.0.0", "Neo4j/4.4.30", " Neo4j/5.9.1 "])
def test_an_older_server_is_refused_by_name(agent: str) -> None:
    refused = r"bolt://db:7687 is .*Neo4j/\d.*needs Neo4j 5\.23 or later"
    with pytest.raises(ConfigError, match=refused) as caught:
        check_server_version(agent, "bolt://db:7687")
    assert "upgrade" in (caught.value.hint or "")
