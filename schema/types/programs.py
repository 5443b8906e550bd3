"""Program analyses: duplicate enrolments and targeting reports."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import programs
from resolvers.paging import Slice
from schema.requirements import scoped
from schema.scopes import IDENTITY, PUBLIC, TARGETING_LISTS
from schema.types.common import Connection
from schema.types.people import Person
from schema.types.records import Enrolment

__all__ = ["DuplicateEnrolment", "TargetingReport", "TargetingRow"]

_DECEASED_LIST = [["program:read", *IDENTITY[0]]]


@strawberry.type(description="One person enrolled several times in one program, under different records.")
class DuplicateEnrolment:
    person: Person = scoped(PUBLIC)
    program: str = scoped(PUBLIC)
    enrolments: list[Enrolment] = scoped(PUBLIC)


@strawberry.type(description="People and households of one welfare decile (null: unknown).")
class TargetingRow:
    decile: int | None = scoped(PUBLIC)
    persons: int = scoped(PUBLIC)
    enrolled_persons: int = scoped(PUBLIC)
    households: int = scoped(PUBLIC)
    enrolled_households: int = scoped(PUBLIC)


async def _inclusion(root: Any, first: int | None = None, after: str | None = None) -> Slice[Any]:
    return await programs.inclusion_list(root, first, after)


async def _exclusion(root: Any, first: int | None = None, after: str | None = None) -> Slice[Any]:
    return await programs.exclusion_list(root, first, after)


async def _deceased(root: Any, first: int | None = None, after: str | None = None) -> Slice[Any]:
    return await programs.deceased_list(root, first, after)


def _program(root: Any) -> str:
    return root.view.program  # type: ignore[no-any-return]


def _region(root: Any) -> str | None:
    return root.view.region  # type: ignore[no-any-return]


def _deceased_count(root: Any) -> int:
    return root.view.deceased_enrolled  # type: ignore[no-any-return]


@strawberry.type(description="Welfare decile against enrolment: inclusion errors (enrolled above the "
                 "program's decile ceiling) and exclusion errors (at or under it, not enrolled).")
class TargetingReport:
    program: str = scoped(PUBLIC, resolver=_program)
    region: str | None = scoped(PUBLIC, resolver=_region)
    ceiling: int = scoped(PUBLIC, description="Highest decile the program targets.")
    rows: list[TargetingRow] = scoped(PUBLIC)
    unknown_decile: int = scoped(PUBLIC, description="People whose decile is unknown (or not visible).")
    deceased_enrolled: int = scoped(PUBLIC, resolver=_deceased_count,
                                    description="Enrolled people who are deceased.")
    inclusion_errors: int | None = scoped(TARGETING_LISTS)
    exclusion_errors: int | None = scoped(TARGETING_LISTS)
    inclusion_list: Connection[Person] | None = scoped(TARGETING_LISTS, resolver=_inclusion,
                                                       graphql_type=Connection[Person] | None)
    exclusion_list: Connection[Person] | None = scoped(TARGETING_LISTS, resolver=_exclusion,
                                                       graphql_type=Connection[Person] | None)
    deceased_list: Connection[Person] | None = scoped(_DECEASED_LIST, resolver=_deceased,
                                                      graphql_type=Connection[Person] | None)
