"""Real-time matching: identity lookups (``findPersons``) and regional proposals."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import strawberry

from schema.requirements import scoped
from schema.scopes import PUBLIC
from schema.types.people import Person
from schema.types.records import Comparison

__all__ = ["IdentityInput", "PersonCandidate", "ProposalInput", "ProposalMemberInput", "ProposalMemberResult",
           "ProposalResult", "as_values"]


@strawberry.input(description="What a service point knows about someone: name and birth date at least.")
class IdentityInput:
    full_name: str
    birth_date: date | None = None
    nik: str | None = None
    mother_name: str | None = None
    village_code: str | None = None
    sex: str | None = strawberry.field(default=None, description="L or P.")
    birth_place: str | None = None


@strawberry.input(description="One member of a proposed household.")
class ProposalMemberInput:
    full_name: str
    relationship: str = strawberry.field(description="head, spouse, child, parent, in_law, grandchild, other")
    nik: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None
    phone: str | None = None


@strawberry.input(description="A household a regional government proposes, inside its own regions.")
class ProposalInput:
    village_code: str
    members: list[ProposalMemberInput]
    kk: str | None = None
    address: str | None = None
    programs: list[str] = strawberry.field(default_factory=list)


def as_values(data: Any) -> dict[str, Any]:
    """An input object as canonical field names -> values (missing ones left out)."""
    return {k: v for k, v in asdict(data).items() if v is not None and k not in ("members", "programs")}


@strawberry.type(description="Someone the typed-in identity may be, with the match probability and why.")
class PersonCandidate:
    person: Person = scoped(PUBLIC)
    probability: float = scoped(PUBLIC)
    match_weight: float = scoped(PUBLIC)
    explanation: list[Comparison] = scoped(PUBLIC)


@strawberry.type(description="What matching made of one proposed member.")
class ProposalMemberResult:
    index: int = scoped(PUBLIC)
    full_name: str | None = scoped(PUBLIC)
    outcome: str = scoped(PUBLIC, description="matched, new, needs_review or known_outside_region")
    person_id: strawberry.ID | None = scoped(PUBLIC, description="The matched person, when in your regions.")
    probability: float | None = scoped(PUBLIC)
    flags: list[str] = scoped(PUBLIC, description="invalid_nik, nik_of_another, already_enrolled, ...")
    enrolled_in: list[str] = scoped(PUBLIC, description="Programs the matched person is already in.")


@strawberry.type(description="A stored proposal and the outcome per member and for the household.")
class ProposalResult:
    proposal_id: strawberry.ID = scoped(PUBLIC)
    status: str = scoped(PUBLIC, description="matched, new_person or needs_review")
    household_outcome: str = scoped(PUBLIC, description="existing, new or mixed")
    household_id: strawberry.ID | None = scoped(PUBLIC)
    members: list[ProposalMemberResult] = scoped(PUBLIC)
