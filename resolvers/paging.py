"""Relay-style pages built from the store's keyset pages, with a maximum page size.

The store's ``Page`` carries one end cursor; edges need one each, so they are rebuilt here
with ``graph.paging.encode_cursor`` from the same sort key the store uses (person_id for
person lists, ``(priority, item_id)`` for the review queue). A cursor from here fed back as
``after`` therefore continues exactly where the edge was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.errors import InputError
from graph.views import Page

__all__ = ["Edge", "PageInfo", "Slice", "check_page_size", "slice_of"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Edge(Generic[T]):
    node: T
    cursor: str


@dataclass(frozen=True, slots=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """What a connection field returns: edges, nodes and page info."""

    edges: list[Edge[T]]
    page_info: PageInfo

    @property
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def check_page_size(first: int | None, max_page: int, *, default: int = 10) -> int:
    """``first`` (or the default) when it is 1..max_page, else InputError naming the limit."""
    if first is None:
        return min(default, max_page)
    if not 1 <= first <= max_page:
        raise InputError(f"first={first} is outside 1..{max_page}", where="first",
                         hint=f"page through with `after`; the largest page is {max_page}")
    return first


def slice_of(page: Page[T], cursor_of: Callable[[T], str]) -> Slice[T]:
    return Slice([Edge(item, cursor_of(item)) for item in page.items],
                 PageInfo(page.has_next, page.end_cursor))


def slice_from_list(items: Sequence[T], cursor_of: Callable[[T], str], has_next: bool) -> Slice[T]:
    edges = [Edge(item, cursor_of(item)) for item in items]
    return Slice(edges, PageInfo(has_next, edges[-1].cursor if edges else None))
