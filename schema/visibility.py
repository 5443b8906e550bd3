"""One schema per scope set, so introspection shows each caller only what its scopes allow.

Strawberry has no per-request visibility, so :class:`SchemaRegistry` builds a schema per
distinct scope set (on first use; the policy's profiles are built at start-up) and keeps
them. Data operations run on the full schema, where a denied field is null plus a
FORBIDDEN error (Apollo's semantics); an operation that introspects (``__schema`` or
``__type``) runs on the caller's own schema, where fields it may not use do not exist.

Anonymous callers never reach a schema at all (the endpoint answers 401).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from strawberry.extensions import SchemaExtension

from schema.build import HubSchema, build_schema

__all__ = ["SchemaRegistry", "is_introspection"]

# Field names cannot be escaped in GraphQL, so an introspection field must appear literally.
# A false positive (the word inside a string) only moves the operation to the stricter schema.
_INTROSPECTION = re.compile(r"__(schema|type)\b")


def is_introspection(query: str | None) -> bool:
    return bool(query) and _INTROSPECTION.search(query) is not None  # type: ignore[arg-type]


class SchemaRegistry:
    """The full schema plus a bounded cache of per-scope-set schemas."""

    def __init__(self, extensions: Sequence[Callable[[], SchemaExtension]], *, batching: int = 10,
                 max_cached: int = 64) -> None:
        self._extensions = tuple(extensions)
        self._batching = batching
        self._max = max_cached
        self._lock = threading.Lock()
        self._cache: OrderedDict[frozenset[str], HubSchema] = OrderedDict()
        self.full = build_schema(extensions=self._extensions, batching=batching)

    def warm(self, scope_sets: Iterable[frozenset[str]]) -> None:
        """Build the schemas of the usual scope sets now, not on a caller's first request."""
        for scopes in scope_sets:
            self.for_scopes(scopes)

    def for_scopes(self, scopes: frozenset[str]) -> HubSchema:
        with self._lock:
            schema = self._cache.get(scopes)
            if schema is not None:
                self._cache.move_to_end(scopes)
                return schema
        built = build_schema(scopes=scopes, extensions=self._extensions, batching=self._batching)
        with self._lock:
            self._cache[scopes] = built
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return built

    def for_operation(self, scopes: frozenset[str], query: str | None) -> HubSchema:
        """The schema one operation runs on."""
        return self.for_scopes(scopes) if is_introspection(query) else self.full
