"""The ``/graphql`` route of the hub's app, configured from :class:`hub.settings.Settings`."""

from __future__ import annotations

from starlette.routing import Route

from auth import AuditLog, Policy
from graph.embedded_store import EmbeddedStore
from graph.protocol import GraphStore
from resolvers.context import ApiConfig, Services
from resolvers.matching import MatcherHolder
from schema.endpoint import graphql_endpoint
from schema.limits import Limits
from schema.throttle import RateLimit

__all__ = ["graphql_routes", "services_for"]


def services_for(settings: object, store: GraphStore, audit: AuditLog | None, *,
                 audit_on: bool = True) -> Services:
    """What resolvers share, from settings (``audit_on`` off only for the benchmark's baseline)."""
    config = ApiConfig(min_cell=settings.stats_min_cell, decile_ceilings=dict(settings.decile_ceilings),  # type: ignore[attr-defined]
                       max_page=settings.graphql_max_page, offload=not isinstance(store, EmbeddedStore),  # type: ignore[attr-defined]
                       audit=audit_on, stats_ttl=settings.stats_ttl)  # type: ignore[attr-defined]
    data_dir = getattr(settings, "data_dir", None)
    return Services(store=store, audit_log=audit, config=config, matcher=MatcherHolder(data_dir))


def graphql_routes(settings: object, store: GraphStore, audit: AuditLog | None,
                   policy: Policy) -> list[Route]:
    """``/graphql`` (GET and POST), with schemas for the policy's profiles built up front."""
    s = settings
    limits = Limits(max_depth=s.graphql_max_depth, max_aliases=s.graphql_max_aliases,  # type: ignore[attr-defined]
                    max_tokens=s.graphql_max_tokens, max_page=s.graphql_max_page,  # type: ignore[attr-defined]
                    max_batch=s.graphql_max_batch)  # type: ignore[attr-defined]
    rate = RateLimit(s.graphql_rate, s.graphql_burst) if s.graphql_rate > 0 else None  # type: ignore[attr-defined]
    endpoint = graphql_endpoint(services_for(settings, store, audit), limits,
                                [p.scopes for p in policy.profiles.values()], rate=rate,
                                max_body=s.graphql_max_body, denial=s.graphql_denial,  # type: ignore[attr-defined]
                                graphiql=s.graphiql)  # type: ignore[attr-defined]
    return [Route("/graphql", endpoint, methods=["GET", "POST"])]
