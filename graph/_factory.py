"""Choosing a store from a location string (``--store`` / ``DTSEN_STORE``)."""

from __future__ import annotations

from graph.protocol import GraphStore

__all__ = ["open_store"]

_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def open_store(location: str, *, user: str | None = None, password: str | None = None,
               database: str = "neo4j") -> GraphStore:
    """Open the graph at ``location``: a ``bolt://``/``neo4j://`` URI means Neo4j,
    anything else is a file path for the embedded store (created if missing).

    Example:
        >>> from graph import open_store, Visibility
        >>> store = open_store("dtsen-data/graph.sqlite")
        >>> store.get_persons(["P1"], Visibility.everything())
        {}
    """
    if location.startswith(_NEO4J_SCHEMES):
        # Imported lazily: the embedded path must not need a Neo4j driver session.
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(location, user=user or "neo4j", password=password or "", database=database)
    from graph.embedded_store import EmbeddedStore

    return EmbeddedStore(location)
