"""A repeat query (``schema.fast_path``) is answered and audited exactly as the full pipeline does.

Each operation of the corpus runs first through strawberry's full pipeline (which marks its
document validated), then again through the hub schema, which now skips the extension
phases. Both answers and both audit entries must be the same, for every profile. The fast
path must not be taken in reject mode, for a document that failed validation, or on a
schema with an extension it does not know.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension

from auth import AuditLog
from graph import open_store
from resolvers.context import ApiConfig, RequestContext, Services
from schema.errors import ErrorShaping
from schema.fast_path import RememberValidated, reproduces
from schema.guard import AuditTrail, OperationGuard
from schema.limits import Limits, limit_extensions
from schema.visibility import SchemaRegistry
from tests.api._data import publication
from tests.api._faulty import FailingNikLookup
from tests.api._operations import ACCESS, access, operations


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SchemaRegistry, Services]]:
    path: Path = tmp_path_factory.mktemp("fast-path")
    store = open_store(str(path / "graph.sqlite"))
    store.publish(publication())
    log = AuditLog(path / "audit.sqlite")
    extensions = [*limit_extensions(Limits()), OperationGuard, AuditTrail, ErrorShaping, RememberValidated]
    try:
        yield SchemaRegistry(extensions), Services(store, log, ApiConfig())
    finally:
        log.close()
        store.close()


def _execute(execute: Any, schema: Any, services: Services, who: str, query: str, variables: Any,
             denial: str = "partial") -> tuple[Any, RequestContext]:
    operation = variables if isinstance(variables, str) else None
    ctx = RequestContext(services, access(who))
    ctx.denial = denial
    result = asyncio.run(execute(schema, query, variable_values=None if operation else variables,
                                 context_value=ctx, operation_name=operation))
    return result, ctx


@pytest.mark.parametrize("who", sorted(ACCESS))
def test_repeat_queries_answer_and_audit_as_the_full_pipeline_does(
        hub: tuple[SchemaRegistry, Services], who: str, monkeypatch: pytest.MonkeyPatch) -> None:
    registry, services = hub
    schema = registry.full
    log = services.audit_log
    assert log is not None and schema.fast_path
    full_pipeline = strawberry.Schema.execute
    took_full: list[int] = []

    async def spy(*args: Any, **kwargs: Any) -> Any:
        took_full.append(1)
        return await full_pipeline(*args, **kwargs)

    for query, variables in operations(schema._schema):
        before = len(log.entries(limit=10**6))
        first, _ = _execute(full_pipeline, schema, services, who, query, variables)
        took_full.clear()
        monkeypatch.setattr(strawberry.Schema, "execute", spy)
        repeat, _ = _execute(type(schema).execute, schema, services, who, query, variables)
        monkeypatch.setattr(strawberry.Schema, "execute", full_pipeline)
        assert (repeat.data, [e.formatted for e in repeat.errors or []]) == (
            first.data, [e.formatted for e in first.errors or []]), query
        entries = [replace(e.entry, time=0.0) for e in log.entries(start=before + 1, limit=10)]
        assert len(entries) == 2 and entries[0] == entries[1], query
        # The repeat skipped the pipeline, except for the one document it cannot plan (@include)
        # and the one that fails validation (a page over the limit), which is never remembered.
        assert bool(took_full) == ("@include" in query or "first: 1000" in query), query


def test_reject_mode_is_never_skipped(hub: tuple[SchemaRegistry, Services]) -> None:
    """A query validated on an earlier request is still refused whole for a caller asking reject mode."""
    registry, services = hub
    schema = registry.full
    query = '{ person(id: "P00011") { fullName records { id } } }'
    partial, _ = _execute(type(schema).execute, schema, services, "health", query, None)
    partial, _ = _execute(type(schema).execute, schema, services, "health", query, None)   # the fast path
    assert partial.data == {"person": {"fullName": partial.data["person"]["fullName"], "records": None}}
    rejected, _ = _execute(type(schema).execute, schema, services, "health", query, None, denial="reject")
    assert rejected.data is None and [e.extensions["code"] for e in rejected.errors] == ["FORBIDDEN"]


def test_only_known_extensions_allow_the_fast_path() -> None:
    class Unknown(SchemaExtension):
        pass

    known = [*limit_extensions(Limits()), OperationGuard, AuditTrail, ErrorShaping, RememberValidated]
    assert reproduces(known) == (True, True, True)
    assert reproduces([*known, Unknown])[0] is False
    assert reproduces(limit_extensions(Limits()))[0] is False        # nothing marks documents validated


def test_a_repeat_query_still_masks_and_logs_internal_errors(
        hub: tuple[SchemaRegistry, Services], caplog: pytest.LogCaptureFixture) -> None:
    registry, services = hub
    failing = Services(FailingNikLookup(services.store), None, ApiConfig(audit=False))  # type: ignore[arg-type]
    query = '{ personByNik(nik: "3273010802700011") { id } me { profile } }'
    for attempt in ("full pipeline", "repeat"):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
            result, _ = _execute(type(registry.full).execute, registry.full, failing, "steward", query, None)
        assert result.data == {"personByNik": None, "me": {"profile": "data_steward"}}, attempt
        assert [(e.message, e.extensions) for e in result.errors] == [
            ("Internal server error", {"code": "INTERNAL_SERVER_ERROR"})], attempt
        assert any("MATCH" in r.getMessage() for r in caplog.records), attempt     # the operator sees it
