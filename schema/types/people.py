"""Person and the attribute groups hanging off it.

At run time a ``Person`` is the store's :class:`graph.views.PersonView` itself: plain fields
resolve by attribute, so an unrequested property costs nothing, and the store already left
out every property group the caller may not see.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import people, records
from schema.requirements import scoped
from schema.scopes import CONTACT, EDUCATION, HEALTH, HOUSEHOLD, IDENTITY, LINKAGE, PROGRAM, PUBLIC
from schema.types.common import Attribute

if TYPE_CHECKING:
    from schema.types.households import Household
    from schema.types.records import Enrolment, SourceRecord

__all__ = ["EducationInfo", "HealthInfo", "Person"]


def _key(key: str) -> Any:
    def resolve(root: Any) -> str | None:
        return root.get(key)
    return resolve


def _all(root: Any) -> list[Attribute]:
    return records.as_attributes(root)  # type: ignore[return-value]


@strawberry.type(description="Health attributes (PBI-JK, disability, health facility).")
class HealthInfo:
    pbi_class: str | None = scoped(PUBLIC, resolver=_key("pbi_class"))
    disability: str | None = scoped(PUBLIC, resolver=_key("disability"))
    health_facility: str | None = scoped(PUBLIC, resolver=_key("health_facility"))
    bpjs_number: str | None = scoped(PUBLIC, resolver=_key("bpjs_number"))
    attributes: list[Attribute] = scoped(PUBLIC, resolver=_all)


@strawberry.type(description="Education attributes (PIP, school, grade).")
class EducationInfo:
    school: str | None = scoped(PUBLIC, resolver=_key("school"))
    grade: str | None = scoped(PUBLIC, resolver=_key("grade"))
    nisn: str | None = scoped(PUBLIC, resolver=_key("nisn"))
    attributes: list[Attribute] = scoped(PUBLIC, resolver=_all)


def _health(root: Any) -> dict[str, str] | None:
    return root.health or None


def _education(root: Any) -> dict[str, str] | None:
    return root.education or None


_Household = Annotated["Household", strawberry.lazy("schema.types.households")]
_Enrolment = Annotated["Enrolment", strawberry.lazy("schema.types.records")]
_Record = Annotated["SourceRecord", strawberry.lazy("schema.types.records")]


@strawberry.type(description="A person resolved across every dataset. Each field needs the scope "
                 "named in its description; the NIK is masked (3273********0001) without person:nik.")
class Person:
    person_id: strawberry.ID = scoped(PUBLIC, name="id")
    nik: str | None = scoped(PUBLIC, description="Full with person:nik, otherwise masked.")
    full_name: str | None = scoped(IDENTITY, description="person:identity")
    birth_date: date | None = scoped(IDENTITY, description="person:identity")
    birth_place: str | None = scoped(IDENTITY, description="person:identity")
    sex: str | None = scoped(IDENTITY, description="person:identity")
    village_code: str | None = scoped(IDENTITY, description="person:identity")
    mother_name: str | None = scoped(IDENTITY, description="person:identity")
    death_date: date | None = scoped(IDENTITY, description="person:identity")
    verification: str | None = scoped(IDENTITY, resolver=people.person_verification,
                                      description="Status against the civil registry: verified, "
                                      "nik_unknown, nik_of_another, no_nik, deceased (person:identity).")
    address: str | None = scoped(CONTACT, description="person:contact")
    phone: str | None = scoped(CONTACT, description="person:contact")
    role: str | None = scoped(HOUSEHOLD, description="Role in the household (household:read).")
    household: _Household | None = scoped(HOUSEHOLD, resolver=people.person_household,
                                          graphql_type=_Household | None)
    enrolments: list[_Enrolment] | None = scoped(PROGRAM, resolver=people.person_enrolments,
                                                 graphql_type=list[_Enrolment] | None)
    health: HealthInfo | None = scoped(HEALTH, resolver=_health)
    education: EducationInfo | None = scoped(EDUCATION, resolver=_education)
    records: list[_Record] | None = scoped(LINKAGE, resolver=people.person_records,
                                           graphql_type=list[_Record] | None)
