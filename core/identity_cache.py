"""A small bounded cache for what is derived from live objects: a schema, a parsed document.

The schema layer remembers, per schema and per query, work that would otherwise be redone on
every request: validation errors, the fields a document selects, an execution plan. Those
objects are named by identity, because hashing a parsed document walks the whole tree. But an
``id()`` is reused once its object is freed, and the hub builds and drops schemas (one per
scope set, bounded). So every entry keeps the objects it was derived from alive, and a hit is
checked against them: an entry made for a freed schema can never answer for a new one that
happens to get the same address.

Oldest entries go first once ``maxsize`` is reached. Lookups take no lock (a dict lookup is
atomic in CPython); inserts and evictions do, as several threads may insert.

Example:
    >>> plans: IdentityCache[str] = IdentityCache(maxsize=2)
    >>> schema, document = object(), object()
    >>> plans.put("plan", "query text", schema, document)
    >>> plans.get("query text", schema, document)
    'plan'
    >>> plans.get("query text", object(), document) is None
    True
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityCache"]

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """Values keyed by a hashable ``key`` and the identity of some ``owners``, at most ``maxsize``."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize}")
        self.maxsize = maxsize
        self._entries: dict[tuple[Hashable, ...], tuple[tuple[object, ...], V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, *owners: object) -> V | None:
        """The value stored for ``key`` and these very ``owners``, or None."""
        found = self._entries.get((key, *map(id, owners)))
        if found is not None and all(map(operator.is_, found[0], owners)):
            return found[1]
        return None

    def put(self, value: V, key: Hashable, *owners: object) -> None:
        """Store ``value`` for ``key`` and ``owners``, keeping the owners alive while it is here."""
        with self._lock:
            self._entries[(key, *map(id, owners))] = (owners, value)
            while len(self._entries) > self.maxsize:
                del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
