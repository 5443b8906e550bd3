"""The hub's settings: one definition drives the environment, the CLI and the docs.

Every setting can be given as an environment variable ``DTSEN_<NAME>`` (upper
case) or, where a command offers it, as a CLI option. ``tests/test_settings_docs.py``
fails when a setting is not documented in the README.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "load_settings"]


class Settings(BaseSettings):
    """Configuration for every command and for the server."""

    model_config = SettingsConfigDict(env_prefix="DTSEN_", extra="ignore")

    data_dir: Path = Field(Path("dtsen-data"), description="Where the workspace, the embedded store, "
                           "keys, clients and the audit log live.")
    store: str | None = Field(None, description="A path (embedded store) or a bolt:// / neo4j:// URI. "
                              "Default: the embedded store in DATA_DIR/graph.sqlite.")
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER",
                            description="Neo4j user name (env NEO4J_USER).")
    neo4j_password: str = Field("", validation_alias="NEO4J_PASSWORD",
                                description="Neo4j password (env NEO4J_PASSWORD).")
    neo4j_database: str = Field("neo4j", description="Neo4j database name.")
    host: str = Field("127.0.0.1", description="Address `serve` binds to.")
    port: int = Field(8000, description="Port `serve` listens on.")

    @property
    def workspace_path(self) -> Path:
        """The DuckDB workspace holding canonical records and linkage tables."""
        return self.data_dir / "workspace.duckdb"

    @property
    def store_location(self) -> str:
        return self.store or str(self.data_dir / "graph.sqlite")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with CLI options (non-None) taking precedence."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
