"""Per-operation DataLoaders: one store round trip per kind of thing per tick, not per item.

A query for 100 people with their households, members and enrolments costs one
``get_persons``-style call per level, whatever the list length (tests/api/test_n_plus_one.py
counts them). Every batch runs under the caller's visibility, so a loader never holds
anything the caller may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from graph.views import EnrolmentView, HouseholdView, MatchView, MemberView, PersonView, RecordView

if TYPE_CHECKING:
    from resolvers.context import RequestContext

__all__ = ["Loaders"]

V = TypeVar("V")


class Loaders:
    """The DataLoaders of one operation, each built when first used (building one is not free)."""

    def __init__(self, ctx: RequestContext) -> None:
        self._ctx = ctx

    @cached_property
    def persons(self) -> DataLoader[str, PersonView | None]:
        return _one(self._ctx, self._ctx.store.get_persons)

    @cached_property
    def households(self) -> DataLoader[str, HouseholdView | None]:
        return _one(self._ctx, self._ctx.store.get_households)

    @cached_property
    def records(self) -> DataLoader[str, RecordView | None]:
        return _one(self._ctx, self._ctx.store.get_records)

    @cached_property
    def members(self) -> DataLoader[str, list[MemberView]]:
        return _many(self._ctx, self._ctx.store.members_of_households)

    @cached_property
    def enrolments(self) -> DataLoader[str, list[EnrolmentView]]:
        return _many(self._ctx, self._ctx.store.enrolments_of_persons)

    @cached_property
    def records_of(self) -> DataLoader[str, list[RecordView]]:
        return _many(self._ctx, self._ctx.store.records_of_persons)

    @cached_property
    def matches(self) -> DataLoader[str, list[MatchView]]:
        return _many(self._ctx, self._ctx.store.matches_of_records)


def _one(ctx: RequestContext, batch: Callable[..., dict[str, V]]) -> DataLoader[str, V | None]:
    async def load(keys: Sequence[str]) -> list[V | None]:
        found = await ctx.call(batch, list(keys), ctx.visibility)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _many(ctx: RequestContext, batch: Callable[..., dict[str, list[V]]]) -> DataLoader[str, list[V]]:
    async def load(keys: Sequence[str]) -> list[list[V]]:
        found = await ctx.call(batch, list(keys), ctx.visibility)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def ids(items: Iterable[Any], attr: str) -> list[str]:
    return [getattr(i, attr) for i in items]
