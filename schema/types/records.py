"""Source records, datasets, programs, enrolments and scored matches."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from resolvers import records
from schema.requirements import scoped
from schema.scopes import CONTACT, IDENTITY, PUBLIC
from schema.types.common import Attribute
from schema.types.people import Person

__all__ = ["Comparison", "Dataset", "Enrolment", "Match", "Program", "SourceRecord"]


@strawberry.type(description="A source dataset and the agency that holds it.")
class Dataset:
    name: str = scoped(PUBLIC)
    agency: str | None = scoped(PUBLIC)
    program: str | None = scoped(PUBLIC)


def _program(root: Any) -> Program:
    return Program(name=root.program)  # type: ignore[call-arg]


@strawberry.type(description="A social-protection program (PKH, BPNT, PBI-JK, PIP, ...).")
class Program:
    name: str = scoped(PUBLIC)


@strawberry.type(description="One record enrolling a person in a program.")
class Enrolment:
    program: Program = scoped(PUBLIC, resolver=_program, graphql_type=Program)
    dataset: Dataset = scoped(PUBLIC, resolver=records.enrolment_dataset, graphql_type=Dataset)
    source_id: str = scoped(PUBLIC)


@strawberry.type(description="One comparison's part in a match score.")
class Comparison:
    comparison: str = scoped(PUBLIC)
    level: str | None = scoped(PUBLIC)
    weight: float | None = scoped(PUBLIC, description="Match weight (log2 Bayes factor).")


@strawberry.type(description="A scored pair of records and why it scored so.")
class Match:
    left_key: str = scoped(PUBLIC)
    right_key: str = scoped(PUBLIC)
    probability: float = scoped(PUBLIC)
    match_weight: float = scoped(PUBLIC)
    run_id: str = scoped(PUBLIC)
    explanation: list[Comparison] = scoped(PUBLIC, resolver=records.match_explanation,
                                           graphql_type=list[Comparison])


@strawberry.type(description="One row of a source dataset, standardised. Reaching one needs linkage:read.")
class SourceRecord:
    record_key: strawberry.ID = scoped(PUBLIC, name="id")
    dataset: Dataset = scoped(PUBLIC, resolver=records.record_dataset, graphql_type=Dataset)
    source_id: str = scoped(PUBLIC)
    program: str | None = scoped(PUBLIC)
    nik: str | None = scoped(PUBLIC, description="Full with person:nik, otherwise masked.")
    kk: str | None = scoped(PUBLIC, description="Full with person:nik, otherwise masked.")
    full_name: str | None = scoped(IDENTITY)
    birth_date: date | None = scoped(IDENTITY)
    birth_place: str | None = scoped(IDENTITY)
    sex: str | None = scoped(IDENTITY)
    mother_name: str | None = scoped(IDENTITY)
    relationship: str | None = scoped(IDENTITY)
    village_code: str | None = scoped(IDENTITY)
    death_date: date | None = scoped(IDENTITY)
    address: str | None = scoped(CONTACT)
    phone: str | None = scoped(CONTACT)
    attributes: list[Attribute] = scoped(PUBLIC, resolver=records.record_attributes,
                                         graphql_type=list[Attribute],
                                         description="Extra columns; each group's only with its scope.")
    original: JSON = scoped(PUBLIC, description="Raw source values, split by group like the fields.")
    flags: list[str] = scoped(PUBLIC)
    person: Person | None = scoped(PUBLIC, resolver=records.record_person, graphql_type=Person | None)
    matches: list[Match] = scoped(PUBLIC, resolver=records.record_matches, graphql_type=list[Match])
