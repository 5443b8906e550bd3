"""Household and its members (a ``HouseholdView`` / ``MemberView`` at run time)."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import people, records
from schema.requirements import scoped
from schema.scopes import CONTACT, PUBLIC, WELFARE
from schema.types.common import Attribute
from schema.types.people import Person

__all__ = ["Household", "HouseholdMember"]


def _welfare(root: Any) -> list[Attribute]:
    return records.as_attributes(root.welfare)  # type: ignore[return-value]


@strawberry.type(description="A person in a household, with their role (head, spouse, child, ...).")
class HouseholdMember:
    role: str | None = scoped(PUBLIC)
    person: Person = scoped(PUBLIC, resolver=people.member_person, graphql_type=Person)


@strawberry.type(description="A household (family card). Reaching one needs household:read.")
class Household:
    household_id: strawberry.ID = scoped(PUBLIC, name="id")
    kk: str | None = scoped(PUBLIC, description="Full with person:nik, otherwise masked.")
    village_code: str | None = scoped(PUBLIC)
    address: str | None = scoped(CONTACT, description="person:contact")
    welfare_decile: int | None = scoped(WELFARE, description="household:welfare")
    welfare: list[Attribute] | None = scoped(WELFARE, resolver=_welfare,
                                             description="Other proxy-means variables (household:welfare).")
    members: list[HouseholdMember] = scoped(PUBLIC, resolver=people.household_members,
                                            graphql_type=list[HouseholdMember])
