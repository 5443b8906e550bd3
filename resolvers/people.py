"""People and households: root lookups and the fields that walk between them.

Every function reads through ``info.context`` (a :class:`~resolvers.context.RequestContext`),
under the caller's visibility. A root lookup also fetches, one store call per level, what
its selection will read below it (``resolvers.prefetch``); the nested fields then return
those values as they are, so on the embedded store no resolver returns an awaitable.
Whatever was not fetched ahead goes through the operation's DataLoaders. Ids of what is
returned are noted for the audit entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from graph.paging import encode_cursor
from graph.views import EnrolmentView, HouseholdView, MemberView, PersonView, RecordView
from resolvers.paging import Slice, check_page_size, slice_of
from resolvers.prefetch import CONNECTION_PATHS, fetch_households, fetch_persons, plan_of

__all__ = [
    "household", "household_by_kk", "household_members", "member_person", "person", "person_by_nik",
    "person_enrolments", "person_household", "person_records", "person_verification", "persons",
]

T = TypeVar("T")
#: A value now (embedded store, or fetched ahead) or an awaitable of it (network store, DataLoader).
Maybe = T | Awaitable[T]


def _ctx(info: Info) -> Any:
    return info.context


def _lookup(info: Info, kind: str, find: Callable[[Any], T | None]) -> Maybe[T | None]:
    """One person or household found by ``find(ctx)``, with what its selection reads below it."""
    ctx = _ctx(info)
    plan = plan_of(info, kind)
    fetch, saw, key = ((fetch_persons, ctx.saw_persons, "person_id") if kind == "person"
                       else (fetch_households, ctx.saw_households, "household_id"))

    def read() -> T | None:
        found = find(ctx)
        if found is not None:
            fetch(ctx, [found], plan)
            saw((getattr(found, key),))
        return found

    return ctx.run(read)  # type: ignore[no-any-return]


def person(info: Info, id: strawberry.ID) -> Maybe[PersonView | None]:
    return _lookup(info, "person", lambda ctx: ctx.store.get_persons([id], ctx.visibility).get(id))


def person_by_nik(info: Info, nik: str) -> Maybe[PersonView | None]:
    return _lookup(info, "person", lambda ctx: ctx.store.get_person_by_nik(nik, ctx.visibility))


def persons(info: Info, region: str | None = None, program: str | None = None, first: int | None = None,
            after: str | None = None) -> Maybe[Slice[PersonView]]:
    ctx = _ctx(info)
    size = check_page_size(first, ctx.config.max_page)
    plan = plan_of(info, "person", CONNECTION_PATHS)

    def read() -> Slice[PersonView]:
        page = ctx.store.list_persons(ctx.visibility, region=region, program=program, first=size, after=after)
        fetch_persons(ctx, page.items, plan)
        ctx.saw_persons(p.person_id for p in page.items)
        return slice_of(page, lambda p: encode_cursor(p.person_id))

    return ctx.run(read)  # type: ignore[no-any-return]


def household(info: Info, id: strawberry.ID) -> Maybe[HouseholdView | None]:
    return _lookup(info, "household", lambda ctx: ctx.store.get_households([id], ctx.visibility).get(id))


def household_by_kk(info: Info, kk: str) -> Maybe[HouseholdView | None]:
    return _lookup(info, "household", lambda ctx: ctx.store.get_household_by_kk(kk, ctx.visibility))


# -- fields of Person: values fetched ahead are returned as they are, the rest through DataLoaders --

def person_household(root: PersonView, info: Info) -> Maybe[HouseholdView | None]:
    hid = root.household_id
    if hid is None:
        return None
    ctx = _ctx(info)
    cache = ctx.prefetched.households
    if hid in cache:
        found = cache[hid]
        if found is not None:
            ctx.saw_households((hid,))
        return found
    return _household_later(ctx, hid)


async def _household_later(ctx: Any, hid: str) -> HouseholdView | None:
    found: HouseholdView | None = await ctx.loaders.households.load(hid)
    if found is not None:
        ctx.saw_households((found.household_id,))
    return found


def person_enrolments(root: PersonView, info: Info) -> Maybe[list[EnrolmentView]]:
    found = _ctx(info).prefetched.enrolments.get(root.person_id)
    return found if found is not None else _ctx(info).loaders.enrolments.load(root.person_id)


def person_records(root: PersonView, info: Info) -> Maybe[list[RecordView]]:
    found = _ctx(info).prefetched.records.get(root.person_id)
    return found if found is not None else _ctx(info).loaders.records_of.load(root.person_id)


def person_verification(root: PersonView) -> str | None:
    return root.verification.value if root.verification is not None else None


# -- fields of Household and its members -----------------------------------------------------

def household_members(root: HouseholdView, info: Info) -> Maybe[list[MemberView]]:
    ctx = _ctx(info)
    members = ctx.prefetched.members.get(root.household_id)
    if members is None:
        return _members_later(ctx, root.household_id)
    ctx.saw_persons(m.person.person_id for m in members)
    return members


async def _members_later(ctx: Any, hid: str) -> list[MemberView]:
    members: list[MemberView] = await ctx.loaders.members.load(hid)
    ctx.saw_persons(m.person.person_id for m in members)
    return members


def member_person(root: MemberView) -> PersonView:
    return root.person
