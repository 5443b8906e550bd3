"""The root ``Query``: DESIGN.md's "GraphQL names", each field with its required scopes.

Root fields that need a scope are nullable, so a denied one is ``null`` plus a FORBIDDEN
error and the rest of the operation is still answered (a non-null field would null its
whole parent instead).
"""

from __future__ import annotations

import strawberry

from resolvers import me as whoami
from resolvers import people
from resolvers.me import AuditRecord
from resolvers.paging import Slice
from schema.requirements import scoped
from schema.scopes import AUDIT, HOUSEHOLD, HOUSEHOLD_BY_KK, IDENTITY, PERSON_BY_NIK, PUBLIC
from schema.types.clients import AuditEntry, Client
from schema.types.common import Connection
from schema.types.households import Household
from schema.types.people import Person

__all__ = ["Query"]

_ = (Slice, AuditRecord)   # what the connection fields return at run time


@strawberry.type(description="Read the linked graph. What you see depends on your token's scopes and "
                 "regions.")
class Query:
    me: Client = scoped(PUBLIC, resolver=whoami.me, graphql_type=Client)
    person: Person | None = scoped(IDENTITY, resolver=people.person, graphql_type=Person | None)
    person_by_nik: Person | None = scoped(PERSON_BY_NIK, resolver=people.person_by_nik,
                                          graphql_type=Person | None)
    persons: Connection[Person] | None = scoped(IDENTITY, resolver=people.persons,
                                                graphql_type=Connection[Person] | None)
    household: Household | None = scoped(HOUSEHOLD, resolver=people.household,
                                         graphql_type=Household | None)
    household_by_kk: Household | None = scoped(HOUSEHOLD_BY_KK, resolver=people.household_by_kk,
                                               graphql_type=Household | None)
    access_history: Connection[AuditEntry] | None = scoped(AUDIT, resolver=whoami.access_history,
                                                           graphql_type=Connection[AuditEntry] | None)
