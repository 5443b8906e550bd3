"""Per-operation DataLoaders: one store round trip per kind of thing per tick, not per item.

A query for 100 people with their households, members and enrolments costs one
``get_persons``-style call per level, whatever the list length (tests/api/test_n_plus_one.py
counts them). Every batch runs under the caller's visibility, so a loader never holds
anything the caller may not see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from graph.views import EnrolmentView, HouseholdView, MatchView, MemberView, PersonView, RecordView

if TYPE_CHECKING:
    from resolvers.context import RequestContext

__all__ = ["Loaders"]

V = TypeVar("V")


class Loaders:
    """The DataLoaders of one operation."""

    def __init__(self, ctx: RequestContext) -> None:
        store, vis = ctx.store, ctx.visibility
        self.persons: DataLoader[str, PersonView | None] = _one(ctx, store.get_persons, vis)
        self.households: DataLoader[str, HouseholdView | None] = _one(ctx, store.get_households, vis)
        self.records: DataLoader[str, RecordView | None] = _one(ctx, store.get_records, vis)
        self.members: DataLoader[str, list[MemberView]] = _many(ctx, store.members_of_households, vis)
        self.enrolments: DataLoader[str, list[EnrolmentView]] = _many(ctx, store.enrolments_of_persons, vis)
        self.records_of: DataLoader[str, list[RecordView]] = _many(ctx, store.records_of_persons, vis)
        self.matches: DataLoader[str, list[MatchView]] = _many(ctx, store.matches_of_records, vis)


def _one(ctx: RequestContext, batch: Callable[..., dict[str, V]], vis: Any) -> DataLoader[str, V | None]:
    async def load(keys: Sequence[str]) -> list[V | None]:
        found = await ctx.call(batch, list(keys), vis)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _many(ctx: RequestContext, batch: Callable[..., dict[str, list[V]]],
          vis: Any) -> DataLoader[str, list[V]]:
    async def load(keys: Sequence[str]) -> list[list[V]]:
        found = await ctx.call(batch, list(keys), vis)
        return [found.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def ids(items: Iterable[Any], attr: str) -> list[str]:
    return [getattr(i, attr) for i in items]
