"""Per-operation guards around execution: the reject-whole-operation denial mode, and the audit entry.

``OperationGuard`` runs before execution. In the default denial mode (``partial``) it does
nothing: each denied field is answered by :class:`schema.requirements.RequireScopes`. When
the caller asked for ``reject`` (header ``X-Denial-Mode: reject``) or the server is set to
it, an operation touching any field the caller may not use is refused whole, with one
FORBIDDEN error per field, before a single resolver runs.

``AuditTrail`` writes one entry per operation (batched requests: one per operation) into
the hash-chained audit log: the fields the caller was allowed and asked for, the ids of
the people and households returned, and the outcome. Entries are queued
(:meth:`auth.AuditLog.submit`) and committed in batches by the log's writer thread, so a
request pays no transaction of its own; the log commits its queue when the server shuts down.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from graphql import ExecutionResult as CoreResult
from strawberry.extensions import SchemaExtension

from auth.audit import AuditEntry, document_hash
from core.identity_cache import IdentityCache
from schema._analysis import selected_coordinates
from schema.requirements import forbidden

__all__ = ["AuditTrail", "OperationGuard", "audit_operation", "audit_refusal"]


def _allowed(rules: dict[tuple[str, str], Any], scopes: frozenset[str]) -> Any:
    def allowed(coordinate: tuple[str, str]) -> bool:
        rule = rules.get(coordinate)
        return rule is None or rule.allows(scopes)

    return allowed


class OperationGuard(SchemaExtension):
    """Refuse the whole operation up front when the caller chose the ``reject`` denial mode."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        ctx = ec.context
        if getattr(ctx, "denial", "partial") == "reject" and ec.graphql_document is not None:
            rules = ec.schema.requirements
            allowed = _allowed(rules, ctx.scopes)
            selected = selected_coordinates(ec.schema._schema, ec.query or "", ec.graphql_document)
            # The outermost denied fields: what lies under them would not be reached anyway.
            denied = list(dict.fromkeys(c for c, above in selected
                                        if not allowed(c) and all(map(allowed, above))))
            if denied:
                ec.result = CoreResult(data=None, errors=[
                    forbidden(f"{t}.{f}", rules[(t, f)], ctx.client_id) for t, f in denied])
        yield


class AuditTrail(SchemaExtension):
    """One audit entry per operation, written when the operation is done."""

    def on_operation(self) -> Iterator[None]:
        yield
        ec = self.execution_context
        audit_operation(ec.context, ec.schema, ec.query, ec.graphql_document, ec.operation_name, ec.result)


def audit_operation(ctx: Any, schema: Any, query: str | None, document: DocumentNode | None,
                    operation_name: str | None, result: Any) -> None:
    """Queue the audit entry of one finished operation (once; nothing when auditing is off)."""
    log = ctx.services.audit_log if ctx is not None else None
    if log is None or not ctx.services.config.audit or ctx.audited:
        return
    errors: list[GraphQLError] = list(getattr(result, "errors", None) or [])
    fields: tuple[str, ...] = ()
    if document is not None:
        fields = _returned_fields(schema, query or "", document, ctx.scopes)
    access = ctx.access
    ctx.audited = True
    log.submit(AuditEntry(
        client_id=access.client_id, agency=access.agency, purpose=access.purpose,
        operation=_operation_name(operation_name, document), document_hash=_document_hash(query or ""),
        fields=fields, person_ids=tuple(sorted(ctx.person_ids)),
        household_ids=tuple(sorted(ctx.household_ids)),
        outcome=_outcome(getattr(result, "data", None), errors)))


def audit_refusal(ctx: Any, query: str | None, errors: list[GraphQLError]) -> None:
    """The audit entry of an operation refused before the extensions could write one."""
    log = ctx.services.audit_log
    if log is None or not ctx.services.config.audit or ctx.audited:
        return
    ctx.audited = True
    access = ctx.access
    log.submit(AuditEntry(client_id=access.client_id, agency=access.agency, purpose=access.purpose,
                          operation="(unparsed)", document_hash=_document_hash(query or ""),
                          outcome=_outcome(None, errors)))


@functools.lru_cache(maxsize=1024)
def _document_hash(query: str) -> str:
    """:func:`auth.audit.document_hash`, once per query text: clients send the same few documents."""
    return document_hash(query)


_RETURNED: IdentityCache[tuple[str, ...]] = IdentityCache(maxsize=4096)


def _returned_fields(schema: Any, query: str, document: DocumentNode,
                     scopes: frozenset[str]) -> tuple[str, ...]:
    """``Type.field`` of each selected field the scopes allow, under allowed fields only (cached)."""
    found = _RETURNED.get((query, scopes), schema)
    if found is None:
        allowed = _allowed(schema.requirements, scopes)
        selected = selected_coordinates(schema._schema, query, document)
        found = tuple(dict.fromkeys(f"{t}.{f}" for (t, f), above in selected
                                    if allowed((t, f)) and all(map(allowed, above))))
        _RETURNED.put(found, (query, scopes), schema)
    return found


def _operation_name(operation_name: str | None, document: DocumentNode | None) -> str:
    if operation_name:
        return operation_name
    if document is None:
        return "(unparsed)"
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            roots = [s.name.value for s in definition.selection_set.selections if hasattr(s, "name")]
            return f"{definition.operation.value}:{','.join(roots)}"[:200]
    return "(none)"


def _outcome(data: Any, errors: list[GraphQLError]) -> str:
    if not errors:
        return "ok"
    codes = {(e.extensions or {}).get("code") for e in errors}
    if data is None:
        return "forbidden" if codes == {"FORBIDDEN"} else "rejected"
    return "partial_forbidden" if "FORBIDDEN" in codes else "partial_error"
