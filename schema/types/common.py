"""Shared shapes: Relay-style connections and name/value attributes."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from schema.requirements import PUBLIC, scoped

__all__ = ["Attribute", "Connection", "Edge", "PageInfo"]

T = TypeVar("T")


@strawberry.type(description="Where a page ended and whether more follow.")
class PageInfo:
    has_next_page: bool = scoped(PUBLIC)
    end_cursor: str | None = scoped(PUBLIC, description="Pass as `after` to get the next page.")


@strawberry.type
class Edge(Generic[T]):
    node: T = scoped(PUBLIC)
    cursor: str = scoped(PUBLIC)


@strawberry.type(description="A page of a list; `first` is capped (see the API limits).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = scoped(PUBLIC)
    nodes: list[T] = scoped(PUBLIC)
    page_info: PageInfo = scoped(PUBLIC)


@strawberry.type(description="One named value, e.g. a dataset's extra column.")
class Attribute:
    name: str = scoped(PUBLIC)
    value: str = scoped(PUBLIC)
