"""Assemble the ``/graphql`` endpoint: schemas, limits, guards, audit, rate limit.

Example:
    >>> endpoint = graphql_endpoint(Services(store, audit_log), Limits(), policy_scope_sets)  # doctest: +SKIP
    >>> app.router.routes.append(Route("/graphql", endpoint, methods=["GET", "POST"]))      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp

from resolvers.context import Services
from schema.errors import ErrorShaping
from schema.fast_path import RememberValidated
from schema.guard import AuditTrail, OperationGuard
from schema.limits import Limits, limit_extensions
from schema.throttle import RateLimit, Throttle
from schema.view import HubGraphQL
from schema.visibility import SchemaRegistry

__all__ = ["graphql_endpoint"]


def graphql_endpoint(services: Services, limits: Limits, warm: Iterable[frozenset[str]] = (), *,
                     rate: RateLimit | None = RateLimit(), max_body: int = 64 * 1024, denial: str = "partial",
                     graphiql: bool = True) -> ASGIApp:
    """The ASGI app answering GraphQL over HTTP (GET and POST, batched up to ``limits.max_batch``)."""
    extensions = [*limit_extensions(limits), OperationGuard, AuditTrail, ErrorShaping, RememberValidated]
    registry = SchemaRegistry(extensions, batching=limits.max_batch)
    registry.warm(warm)
    view = HubGraphQL(registry, services, denial=denial, graphiql=graphiql)
    return Throttle(view, limit=rate, max_body=max_body)
