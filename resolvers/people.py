"""People and households: root lookups and the fields that walk between them.

Every function reads through ``info.context`` (a :class:`~resolvers.context.RequestContext`):
single lookups go to the store under the caller's visibility, nested walks go through the
operation's DataLoaders. Ids of what is returned are noted for the audit entry.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from graph.paging import encode_cursor
from graph.views import EnrolmentView, HouseholdView, MemberView, PersonView, RecordView
from resolvers.paging import Slice, check_page_size, slice_of

__all__ = [
    "household", "household_by_kk", "household_members", "member_person", "person", "person_by_nik",
    "person_enrolments", "person_household", "person_records", "person_verification", "persons",
]


def _ctx(info: Info) -> Any:
    return info.context


async def person(info: Info, id: strawberry.ID) -> PersonView | None:
    found = await _ctx(info).loaders.persons.load(id)
    if found is not None:
        _ctx(info).saw_persons((found.person_id,))
    return found


async def person_by_nik(info: Info, nik: str) -> PersonView | None:
    ctx = _ctx(info)
    found = await ctx.call(ctx.store.get_person_by_nik, nik, ctx.visibility)
    if found is not None:
        ctx.saw_persons((found.person_id,))
    return found


async def persons(info: Info, region: str | None = None, program: str | None = None, first: int | None = None,
                  after: str | None = None) -> Slice[PersonView]:
    ctx = _ctx(info)
    size = check_page_size(first, ctx.config.max_page)
    page = await ctx.call(ctx.store.list_persons, ctx.visibility, region=region, program=program,
                          first=size, after=after)
    ctx.saw_persons(p.person_id for p in page.items)
    return slice_of(page, lambda p: encode_cursor(p.person_id))


async def household(info: Info, id: strawberry.ID) -> HouseholdView | None:
    found = await _ctx(info).loaders.households.load(id)
    if found is not None:
        _ctx(info).saw_households((found.household_id,))
    return found


async def household_by_kk(info: Info, kk: str) -> HouseholdView | None:
    ctx = _ctx(info)
    found = await ctx.call(ctx.store.get_household_by_kk, kk, ctx.visibility)
    if found is not None:
        ctx.saw_households((found.household_id,))
    return found


# -- fields of Person ------------------------------------------------------------------------

async def person_household(root: PersonView, info: Info) -> HouseholdView | None:
    if root.household_id is None:
        return None
    return await household(info, strawberry.ID(root.household_id))


async def person_enrolments(root: PersonView, info: Info) -> list[EnrolmentView]:
    return await _ctx(info).loaders.enrolments.load(root.person_id)


async def person_records(root: PersonView, info: Info) -> list[RecordView]:
    return await _ctx(info).loaders.records_of.load(root.person_id)


def person_verification(root: PersonView) -> str | None:
    return root.verification.value if root.verification is not None else None


# -- fields of Household and its members -----------------------------------------------------

async def household_members(root: HouseholdView, info: Info) -> list[MemberView]:
    members = await _ctx(info).loaders.members.load(root.household_id)
    _ctx(info).saw_persons(m.person.person_id for m in members)
    return members


def member_person(root: MemberView) -> PersonView:
    return root.person
