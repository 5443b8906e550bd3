"""The GraphQL schema: types, each field's declared scopes, per-client schemas, limits, the endpoint.

Example:
    >>> endpoint = graphql_endpoint(Services(store, audit_log), Limits())   # doctest: +SKIP
"""

from schema.build import HubSchema, build_schema
from schema.endpoint import graphql_endpoint
from schema.limits import Limits
from schema.requirements import PUBLIC, Requires, RequireScopes, scoped
from schema.throttle import RateLimit
from schema.visibility import SchemaRegistry

__all__ = ["PUBLIC", "HubSchema", "Limits", "RateLimit", "RequireScopes", "Requires", "SchemaRegistry",
           "build_schema", "graphql_endpoint", "scoped"]
