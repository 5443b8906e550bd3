"""A store whose NIK lookup fails the way a driver does, with query text in the message (for
the error-masking tests: the client must never see it, the operator's log must)."""

from __future__ import annotations

from typing import Any

from graph import GraphStore

__all__ = ["FailingNikLookup"]


class FailingNikLookup:
    """Wraps a store; ``get_person_by_nik`` raises a driver-style error, the rest passes through."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def get_person_by_nik(self, nik: str, visibility: Any) -> Any:
        raise RuntimeError(f"CypherSyntaxError: MATCH (p:Person {{nik: '{nik}'}}) RETURN p  -- at line 3")
