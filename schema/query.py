"""The root ``Query``: DESIGN.md's "GraphQL names", each field with its required scopes.

Root fields that need a scope are nullable, so a denied one is ``null`` plus a FORBIDDEN
error and the rest of the operation is still answered (a non-null field would null its
whole parent instead).
"""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import me as whoami
from resolvers import people, programs, proposals, review, stats
from schema.requirements import scoped
from schema.scopes import (
    AUDIT,
    HOUSEHOLD,
    HOUSEHOLD_BY_KK,
    IDENTITY,
    LINKAGE,
    PERSON_BY_NIK,
    PROGRAM,
    PUBLIC,
    REVIEW,
    STATS,
)
from schema.types.clients import AuditEntry, Client
from schema.types.common import Connection
from schema.types.households import Household
from schema.types.people import Person
from schema.types.programs import DuplicateEnrolment, TargetingReport
from schema.types.proposals import IdentityInput, PersonCandidate, as_values
from schema.types.review import LinkageRun, ReviewItem
from schema.types.stats import RegionStats

__all__ = ["Query"]


async def _find_persons(info: strawberry.Info, identity: IdentityInput, first: int = 10) -> list[Any]:
    return await proposals.find_persons(info, as_values(identity), first)


@strawberry.type(description="Read the linked graph. What you see depends on your token's scopes and "
                 "regions.")
class Query:
    me: Client = scoped(PUBLIC, resolver=whoami.me, graphql_type=Client)
    person: Person | None = scoped(IDENTITY, resolver=people.person, graphql_type=Person | None)
    person_by_nik: Person | None = scoped(PERSON_BY_NIK, resolver=people.person_by_nik,
                                          graphql_type=Person | None)
    persons: Connection[Person] | None = scoped(IDENTITY, resolver=people.persons,
                                                graphql_type=Connection[Person] | None)
    find_persons: list[PersonCandidate] | None = scoped(
        IDENTITY, resolver=_find_persons, graphql_type=list[PersonCandidate] | None,
        description="Ranked candidates from the real-time matcher: is this person already known?")
    household: Household | None = scoped(HOUSEHOLD, resolver=people.household,
                                         graphql_type=Household | None)
    household_by_kk: Household | None = scoped(HOUSEHOLD_BY_KK, resolver=people.household_by_kk,
                                               graphql_type=Household | None)
    program_overlap: Connection[Person] | None = scoped(PROGRAM, resolver=programs.program_overlap,
                                                        graphql_type=Connection[Person] | None)
    duplicate_enrolments: Connection[DuplicateEnrolment] | None = scoped(
        PROGRAM, resolver=programs.duplicate_enrolments, graphql_type=Connection[DuplicateEnrolment] | None)
    targeting: TargetingReport | None = scoped(PROGRAM, resolver=programs.targeting,
                                               graphql_type=TargetingReport | None)
    region_stats: RegionStats | None = scoped(STATS, resolver=stats.region_stats,
                                              graphql_type=RegionStats | None)
    review_queue: Connection[ReviewItem] | None = scoped(REVIEW, resolver=review.review_queue,
                                                         graphql_type=Connection[ReviewItem] | None)
    linkage_runs: list[LinkageRun] | None = scoped(LINKAGE, resolver=review.linkage_runs,
                                                   graphql_type=list[LinkageRun] | None)
    access_history: Connection[AuditEntry] | None = scoped(AUDIT, resolver=whoami.access_history,
                                                           graphql_type=Connection[AuditEntry] | None)
