"""Opening the graph store the settings point at (``--store`` / ``DTSEN_STORE``)."""

from __future__ import annotations

from graph import GraphStore, open_store
from hub.settings import Settings

__all__ = ["open_settings_store"]


def open_settings_store(settings: Settings) -> GraphStore:
    """The embedded store under DATA_DIR by default, Neo4j for a bolt:// or neo4j:// STORE
    (credentials from NEO4J_USER / NEO4J_PASSWORD, database from DTSEN_NEO4J_DATABASE)."""
    return open_store(settings.store_location, user=settings.neo4j_user, password=settings.neo4j_password,
                      database=settings.neo4j_database)
