"""Building the schema: the full one for execution, and one per scope set for introspection.

Every type's fields pass through :meth:`HubSchema.get_fields` while the schema is built, so
this is where a field without a declared requirement (or with an unknown scope) stops the
server from starting. A schema built for a scope set keeps only the fields that set may
use; types no longer reachable drop out with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from auth.policy import load_policy
from core.errors import ConfigError
from schema._lean import install_lean_resolvers
from schema.executor import execute
from schema.fast_path import reproduces, run_validated
from schema.requirements import Requires, check_declared, requirement_of

__all__ = ["HubSchema", "build_schema"]


class HubSchema(strawberry.Schema):
    """A strawberry schema that checks every field's declaration and can hide fields by scope."""

    def __init__(self, query: type, mutation: type | None, *, scopes: frozenset[str] | None,
                 known_scopes: frozenset[str], extensions: Sequence[Callable[[], SchemaExtension]],
                 batching: int) -> None:
        self.visible_to = scopes
        self.known_scopes = known_scopes
        config = StrawberryConfig(disable_field_suggestions=True,
                                  batching_config={"max_operations": batching} if batching > 1 else None)
        try:
            super().__init__(query=query, mutation=mutation, extensions=list(extensions), config=config)
        except TypeError as exc:
            # graphql-core wraps what a field thunk raised; surface our own message.
            cause = exc.__cause__
            while cause is not None and not isinstance(cause, ConfigError):
                cause = cause.__cause__
            if cause is not None:
                raise cause from None
            raise
        #: (GraphQL type name, field name) -> its declared requirement, for pre-execution checks.
        self.requirements: dict[tuple[str, str], Requires] = _requirements_of(self)
        install_lean_resolvers(self)
        usable, self.shapes_errors, self.audits = reproduces(self.extensions)
        self.fast_path = (usable and not self.directives
                          and not config.enable_experimental_incremental_execution)

    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,  # type: ignore[override]
                      context_value: Any | None = None, root_value: Any | None = None,
                      operation_name: str | None = None, allowed_operation_types: Any = None,
                      operation_extensions: dict[str, Any] | None = None) -> Any:
        """A query this schema validated before skips strawberry's extension phases (``schema.fast_path``)."""
        if root_value is None:
            result = await run_validated(self, query, variable_values, context_value, operation_name,
                                         allowed_operation_types, operation_extensions)
            if result is not None:
                return result
        return await super().execute(query, variable_values, context_value, root_value, operation_name,
                                     allowed_operation_types, operation_extensions)

    def _get_execute_function(self) -> Callable[..., Any]:
        """Execute from a plan compiled once per document (``schema.executor``)."""
        if self.config.enable_experimental_incremental_execution:
            return super()._get_execute_function()
        return execute

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        fields = type_definition.fields
        if type_definition.is_input:        # arguments are not read access: nothing to declare
            return fields
        check_declared(type_definition.name, fields, self.known_scopes)
        if self.visible_to is None:
            return fields
        return [f for f in fields if requirement_of(f).allows(self.visible_to)]  # type: ignore[union-attr]

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        """Log only what nobody meant: denials and bad input are answers, not server faults."""
        from graphql import GraphQLError

        from core.errors import HubError

        unexpected = [e for e in errors if isinstance(e, GraphQLError) and e.original_error is not None
                      and not isinstance(e.original_error, (HubError, GraphQLError))]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(*, scopes: frozenset[str] | None = None,
                 extensions: Sequence[Callable[[], SchemaExtension]] = (), batching: int = 10) -> HubSchema:
    """The full schema (``scopes=None``) or the one a caller holding ``scopes`` may see."""
    from schema.mutation import Mutation
    from schema.query import Query

    known = frozenset(load_policy().scopes)
    mutation: type | None = Mutation
    if scopes is not None and not any(requirement_of(f).allows(scopes)  # type: ignore[union-attr]
                                      for f in Mutation.__strawberry_definition__.fields):
        mutation = None
    return HubSchema(Query, mutation, scopes=scopes, known_scopes=known, extensions=extensions,
                     batching=batching)


def _requirements_of(schema: strawberry.Schema) -> dict[tuple[str, str], Requires]:
    from graphql import GraphQLObjectType
    from strawberry.schema.schema_converter import GraphQLCoreConverter

    table: dict[tuple[str, str], Requires] = {}
    for name, gtype in schema._schema.type_map.items():
        if not isinstance(gtype, GraphQLObjectType) or name.startswith("__"):
            continue
        for field_name, gfield in gtype.fields.items():
            definition = (gfield.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            rule = requirement_of(definition) if isinstance(definition, StrawberryField) else None
            if rule is not None:
                table[(name, field_name)] = rule
    return table
