"""The hub's settings: one definition drives the environment, the CLI and the docs.

Every setting can be given as an environment variable ``DTSEN_<NAME>`` (upper
case) or, where a command offers it, as a CLI option. ``tests/test_settings_docs.py``
fails when a setting is not documented in the README.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from auth.external import ExternalIssuer

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
    issuer: str | None = Field(None, description="The OAuth issuer URL written into tokens (`iss`) and the "
                               "server metadata; the public base URL of the hub. Default: http://HOST:PORT.")
    audience: str = Field("dtsen-hub", description="The `aud` every access token carries and the API "
                          "requires.")
    token_ttl: int = Field(900, ge=60, le=86400, description="Access-token lifetime in seconds "
                           "(default 15 minutes).")
    token_leeway: int = Field(30, ge=0, le=300, description="Clock-skew allowance in seconds when checking "
                              "`exp`, `nbf` and `iat`.")
    revocation_delay: float = Field(1.0, ge=0, le=60, description="Longest time, in seconds, a server "
                                    "worker keeps accepting a token after it was revoked or its client "
                                    "disabled by another worker or the CLI (the worker that made the "
                                    "change refuses it at once; 0 looks it up on every request).")
    audit_commit_delay: float = Field(0.05, ge=0, le=1, description="Longest time, in seconds, an audit "
                                      "entry waits in memory before it is committed, so that one commit "
                                      "carries many entries. A normal shutdown commits every waiting "
                                      "entry; a server worker killed outright loses at most this long's.")
    require_purpose: bool = Field(True, description="Refuse an authenticated request without `X-Purpose` "
                                  "when its client may state more than one purpose.")
    graphql_max_depth: int = Field(10, ge=2, le=50, description="Deepest GraphQL selection accepted.")
    graphql_max_aliases: int = Field(15, ge=0, description="Most aliases one GraphQL document may use.")
    graphql_max_tokens: int = Field(2000, ge=50, description="Most lexical tokens one GraphQL document "
                                    "may have.")
    graphql_max_page: int = Field(100, ge=1, le=1000, description="Largest `first` a connection accepts.")
    graphql_max_batch: int = Field(10, ge=1, le=100, description="Most operations in one batched request "
                                   "(1 turns batching off).")
    graphql_max_body: int = Field(65536, ge=1024, description="Largest request body in bytes (413 above).")
    graphql_rate: float = Field(50.0, ge=0, description="Requests per second per client and server worker "
                                "(token bucket; 0 turns the limit off). Over it: 429 with Retry-After.")
    graphql_burst: int = Field(100, ge=1, description="Requests a client may send at once before the "
                               "rate applies.")
    graphql_denial: str = Field("partial", pattern="^(partial|reject)$", description="`partial`: a field "
                                "the token may not read is null with a FORBIDDEN error, the rest is "
                                "answered; `reject`: the whole operation is refused. A request may ask "
                                "for `reject` with the header `X-Denial-Mode: reject`.")
    graphiql: bool = Field(True, description="Serve GraphiQL at /graphql to browsers.")
    stats_min_cell: int = Field(10, ge=1, description="k: regional counts under k are suppressed "
                                "(null plus a flag), with complementary suppression.")
    stats_ttl: float = Field(300.0, ge=0, description="Seconds `regionStats` answers from one snapshot of "
                             "the store's counts before rebuilding it (the suppression pattern is decided "
                             "over all regions at once; 0 rebuilds on every request).")
    decile_ceilings: dict[str, int] = Field(default_factory=lambda: {"PKH": 4, "BPNT": 5, "PBI-JK": 5},
                                            description="Highest welfare decile each program targets "
                                            "(JSON object), for `targeting`.")
    external_issuers: list[ExternalIssuer] = Field(
        default_factory=list, description="External identity providers (e.g. a Keycloak realm) whose tokens "
        "are accepted, as a JSON list of objects with issuer, jwks_url, audience, profile or profile_claim, "
        "and optional claim paths scope_claim, agency_claim, regions_claim, purposes_claim, client_id_claim.")

    @property
    def workspace_path(self) -> Path:
        """The DuckDB workspace holding canonical records and linkage tables."""
        return self.data_dir / "workspace.duckdb"

    @property
    def issuer_url(self) -> str:
        """The issuer, without a trailing slash."""
        return (self.issuer or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def store_location(self) -> str:
        return self.store or str(self.data_dir / "graph.sqlite")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with CLI options (non-None) taking precedence."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
