"""Repeat operations skip strawberry's per-request extension machinery, doing only what it would do.

strawberry runs every operation through four phases (operation, parse, validate, execute),
instantiating each schema extension and entering each of its hooks per phase: for the hub's
seven extensions that was about a fifth of a ``personByNik`` request. For a document the full
pipeline has already parsed and validated on this schema, almost all of it does nothing:
the token limit, parse cache, limit rules and validation cache give the same document and
no errors for the same text, and the reject-mode guard only acts in reject mode. What is
left is executing (``schema.executor``), logging unexpected errors, shaping errors
(:func:`schema.errors.shape_error`) and writing the audit entry
(:func:`schema.guard.audit_operation`), and that is what :func:`run_validated` does.

A document becomes "validated" when :class:`RememberValidated` sees it reach execution on
the full pipeline. The fast path is used only for a schema whose extensions are all ones
whose effect it reproduces (:func:`reproduces`), only in the partial denial mode, and only for
documents ``schema.executor`` plans (queries). Everything else takes the full pipeline.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from graphql import DocumentNode
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ParserCache, SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_first_operation

from core.identity_cache import IdentityCache
from schema.errors import ErrorShaping, shape_error
from schema.executor import execute_plan, plan_of
from schema.guard import AuditTrail, OperationGuard, audit_operation
from schema.limits import TextValidationCache

__all__ = ["RememberValidated", "reproduces", "run_validated"]

_VALIDATED: IdentityCache[DocumentNode] = IdentityCache(maxsize=1024)


class RememberValidated(SchemaExtension):
    """Record a document that passed parsing and validation on the full pipeline."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.query and ec.graphql_document is not None and not ec.pre_execution_errors:
            _VALIDATED.put(ec.graphql_document, ec.query, ec.schema)
        yield


#: Extensions whose per-request effect run_validated reproduces for a validated query.
_REPRODUCED = (MaxTokensLimiter, ParserCache, AddValidationRules, TextValidationCache, OperationGuard,
               AuditTrail, ErrorShaping, RememberValidated)


def _extension_class(factory: Callable[[], SchemaExtension] | type) -> type | None:
    while isinstance(factory, functools.partial):
        factory = factory.func
    return factory if isinstance(factory, type) else None


def reproduces(extensions: Iterable[Callable[[], SchemaExtension]]) -> tuple[bool, bool, bool]:
    """(usable, shapes errors, audits) for a schema built with ``extensions``."""
    classes = [_extension_class(e) for e in extensions]
    usable = (RememberValidated in classes
              and all(c is not None and issubclass(c, _REPRODUCED) for c in classes))
    return usable, ErrorShaping in classes, AuditTrail in classes


def _validated(schema: Any, query: str) -> DocumentNode | None:
    return _VALIDATED.get(query, schema)


async def run_validated(schema: Any, query: str | None, variables: dict[str, Any] | None, context: Any,
                        operation_name: str | None, allowed: Iterable[OperationType] | None,
                        operation_extensions: dict[str, Any] | None) -> ExecutionResult | None:
    """The result of a repeat query, or None where the full pipeline must run it."""
    if not schema.fast_path or not query or getattr(context, "denial", "partial") != "partial":
        return None
    if allowed is not None and OperationType.QUERY not in allowed:
        return None
    document = _validated(schema, query)
    if document is None:
        return None
    if operation_name is None:              # as strawberry names it: the first operation's name
        first = get_first_operation(document)
        operation_name = first.name.value if first is not None and first.name else None
    plan = plan_of(schema._schema, document, operation_name)
    if plan is None:
        return None
    result = execute_plan(plan, schema._schema, None, context, variables, optimized_is_awaitable,
                          operation_extensions)
    if optimized_is_awaitable(result):
        result = await result
    errors = result.errors
    if errors:
        schema._process_errors(errors)           # logs what nobody meant, before shaping hides it
        if schema.shapes_errors:
            result.errors = errors = [shape_error(e) for e in errors]
    if schema.audits:
        audit_operation(context, schema, query, document, operation_name, result)
    return ExecutionResult(data=result.data, errors=errors, extensions={})
