"""Error shaping: the hub's errors keep their message, code and hint; nothing else gets out.

A resolver raising a :class:`core.errors.HubError` means to tell the caller something (bad
input, not found, conflict). Parse and validation errors describe the caller's document.
Anything else (a driver error with Cypher in it, a bug) becomes ``Internal server error``
with code ``INTERNAL_SERVER_ERROR``: no stack trace, SQL or Cypher reaches a client.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from core.errors import HubError

__all__ = ["ErrorShaping", "shape_error"]

#: The hub's error codes, spelled the way GraphQL clients expect (Apollo's conventions).
_CODES = {"bad_input": "BAD_USER_INPUT", "not_found": "NOT_FOUND", "conflict": "CONFLICT",
          "FORBIDDEN": "FORBIDDEN", "config": "INTERNAL_SERVER_ERROR", "internal": "INTERNAL_SERVER_ERROR"}


def shape_error(error: GraphQLError) -> GraphQLError:
    """The client-safe form of one error."""
    original = error.original_error
    if isinstance(original, HubError):
        extensions = {"code": _CODES.get(original.code, original.code.upper())}
        if original.where:
            extensions["where"] = original.where
        if original.hint:
            extensions["hint"] = original.hint
        return GraphQLError(original.message, nodes=error.nodes, source=error.source,
                            positions=error.positions, path=error.path, extensions=extensions)
    if original is None or isinstance(original, GraphQLError):
        if error.extensions and "code" in error.extensions:
            return error
        syntax = error.message.startswith("Syntax Error")
        code = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
        return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, extensions={**(error.extensions or {}), "code": code})
    return GraphQLError("Internal server error", nodes=error.nodes, source=error.source,
                        positions=error.positions, path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR"})


class ErrorShaping(SchemaExtension):
    """Rewrite every error of the result with :func:`shape_error` once the operation is done."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [shape_error(e) for e in errors]
