"""Per-request state every resolver receives as ``info.context``.

``Services`` is built once per app (the store, the audit log, the API's knobs).
``RequestContext`` is built once per GraphQL operation from the caller's
:class:`auth.Access`: it carries the store :class:`~graph.model.Visibility` derived from the
scopes, the DataLoaders (so one operation asks the store once per kind of thing), and the
ids of people and households the operation returned (for the audit entry).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

import anyio.to_thread

from auth.access import Access
from auth.audit import AuditLog
from graph.protocol import GraphStore
from resolvers.access_map import visibility_for
from resolvers.matching import MatcherHolder
from resolvers.prefetch import Prefetched
from resolvers.stats import StatsSnapshots

__all__ = ["DEFAULT_DECILE_CEILINGS", "ApiConfig", "RequestContext", "Services"]

T = TypeVar("T")

#: Highest welfare decile a program is meant for (inclusive); configurable per deployment.
DEFAULT_DECILE_CEILINGS: Mapping[str, int] = MappingProxyType({"PKH": 4, "BPNT": 5, "PBI-JK": 5})


@dataclass(frozen=True)
class ApiConfig:
    """The API's behaviour that is data, not code (filled from ``hub.settings.Settings``)."""

    min_cell: int = 10                      # k: smaller counts are suppressed in regionStats
    decile_ceilings: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DECILE_CEILINGS))
    max_page: int = 100                     # largest `first` a connection accepts
    offload: bool = False                   # run store calls in worker threads (network stores)
    audit: bool = True                      # write an audit entry per operation
    stats_ttl: float = 300.0                # seconds a regionStats snapshot is served before a rebuild


@dataclass
class Services:
    """What resolvers need beyond the caller: shared by every request of one app."""

    store: GraphStore
    audit_log: AuditLog | None = None
    config: ApiConfig = field(default_factory=ApiConfig)
    matcher: MatcherHolder = field(default_factory=lambda: MatcherHolder(None))  # loaded on first use
    stats: StatsSnapshots = field(default_factory=StatsSnapshots)                # regionStats' snapshot


class RequestContext:
    """One operation's view of the world. Cheap to build: nothing is fetched up front."""

    def __init__(self, services: Services, access: Access, request: Any = None) -> None:
        self.services = services
        self.access = access
        self.request = request
        self.client_id = access.client_id
        self.scopes = access.scopes
        self.visibility = visibility_for(access.scopes, access.regions)
        self.person_ids: set[str] = set()
        self.household_ids: set[str] = set()
        self.denial = "partial"                 # or "reject": refuse a whole operation with a denied field
        self.audited = False                    # set once this operation's audit entry is written
        self._loaders: Any = None
        self.prefetched = Prefetched()          # what root resolvers fetched ahead for nested fields

    @property
    def store(self) -> GraphStore:
        return self.services.store

    @property
    def config(self) -> ApiConfig:
        return self.services.config

    @property
    def loaders(self) -> Any:
        """This operation's DataLoaders (created on first use)."""
        if self._loaders is None:
            from resolvers.loaders import Loaders

            self._loaders = Loaders(self)
        return self._loaders

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call a store method: inline for the embedded store, in a worker thread for a network one.

        SQLite answers in microseconds, where a thread hop would cost more than the query;
        Neo4j waits on the network, where blocking the event loop would stall every request.
        """
        if self.services.config.offload:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
        return fn(*args, **kwargs)

    def run(self, fn: Callable[[], T]) -> T | Awaitable[T]:
        """``fn()`` now for the embedded store, else an awaitable running it in a worker thread.

        A resolver returning this stays synchronous on the embedded store, so graphql-core
        completes the whole operation without awaitables; on Neo4j all of ``fn``'s store calls
        share one thread hop.
        """
        if self.services.config.offload:
            return anyio.to_thread.run_sync(fn)
        return fn()

    def saw_persons(self, ids: Any) -> None:
        self.person_ids.update(ids)

    def saw_households(self, ids: Any) -> None:
        self.household_ids.update(ids)
