"""What the store hands back to readers: projected, region-filtered views.

Every view is built inside a store query under a :class:`~graph.model.Visibility`.
A property of a group the reader may not see is ``None`` (or an empty dict /
list) because it was never selected, not because it was blanked afterwards.
The tables below say which group each property belongs to; both stores build
their projections from them, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from graph.model import FieldGroup, Verification

__all__ = [
    "HOUSEHOLD_GROUPS",
    "PERSON_GROUPS",
    "RECORD_GROUPS",
    "ConstraintKind",
    "ConstraintRow",
    "DuplicateEnrolmentView",
    "EnrolmentView",
    "HouseholdView",
    "LinkageRunView",
    "MatchView",
    "MemberView",
    "Page",
    "PersonView",
    "ProposalRow",
    "RecordView",
    "RegionCountsView",
    "RegionStatsView",
    "ReviewDecision",
    "ReviewItemView",
    "TargetingRow",
    "TargetingView",
    "role_rank",
]

T = TypeVar("T")

#: Person property -> the group that unlocks it. ``nik`` is not listed: it is
#: always present, full with FieldGroup.NIK and masked otherwise.
PERSON_GROUPS: dict[str, FieldGroup] = {
    "full_name": FieldGroup.IDENTITY, "birth_date": FieldGroup.IDENTITY, "sex": FieldGroup.IDENTITY,
    "birth_place": FieldGroup.IDENTITY, "mother_name": FieldGroup.IDENTITY,
    "village_code": FieldGroup.IDENTITY, "verification": FieldGroup.IDENTITY,
    "death_date": FieldGroup.IDENTITY,
    "address": FieldGroup.CONTACT, "phone": FieldGroup.CONTACT,
    "health": FieldGroup.HEALTH, "education": FieldGroup.EDUCATION,
    "household_id": FieldGroup.HOUSEHOLD, "role": FieldGroup.HOUSEHOLD,
}

#: Household property -> group. ``kk`` is full with NIK, masked otherwise;
#: ``village_code`` comes with the household itself (FieldGroup.HOUSEHOLD).
HOUSEHOLD_GROUPS: dict[str, FieldGroup] = {
    "address": FieldGroup.CONTACT,
    "welfare_decile": FieldGroup.WELFARE, "welfare": FieldGroup.WELFARE,
}

#: Source-record property -> group (records themselves need FieldGroup.LINKAGE).
#: ``nik``/``kk`` full with NIK, masked otherwise. Attributes follow
#: ``ATTRIBUTE_GROUPS`` (unlisted ones: LINKAGE); ``original`` (raw source values)
#: is split the same way: nik/kk -> NIK, address/phone/postcode/locality -> CONTACT,
#: everything else -> IDENTITY.
RECORD_GROUPS: dict[str, FieldGroup] = {
    "full_name": FieldGroup.IDENTITY, "birth_date": FieldGroup.IDENTITY, "sex": FieldGroup.IDENTITY,
    "birth_place": FieldGroup.IDENTITY, "mother_name": FieldGroup.IDENTITY,
    "relationship": FieldGroup.IDENTITY, "village_code": FieldGroup.IDENTITY,
    "death_date": FieldGroup.IDENTITY,
    "address": FieldGroup.CONTACT, "phone": FieldGroup.CONTACT,
}

#: Order of members within a household; unknown roles sort last.
_ROLE_ORDER = ("head", "spouse", "child", "parent", "in_law", "grandchild", "other")


def role_rank(role: str | None) -> int:
    """Where a member with ``role`` sorts in a household (head 0, spouse 1, ..., unknown 9).
    Stores keep it precomputed so members sort the same on both."""
    return _ROLE_ORDER.index(role) if role in _ROLE_ORDER else 9


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a keyset-paginated list.

    ``end_cursor`` is the opaque cursor of the last item (``None`` when the page
    is empty); pass it as ``after`` to get the next page. ``has_next`` is exact:
    stores fetch ``first + 1`` rows to know it.
    """

    items: list[T]
    end_cursor: str | None
    has_next: bool


@dataclass(frozen=True, slots=True)
class PersonView:
    person_id: str
    nik: str | None                      # full with NIK group, else masked (3273********0001)
    full_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None
    village_code: str | None = None
    verification: Verification | None = None
    death_date: date | None = None
    address: str | None = None
    phone: str | None = None
    health: dict[str, str] = field(default_factory=dict)
    education: dict[str, str] = field(default_factory=dict)
    household_id: str | None = None      # with HOUSEHOLD (even when the household is out of region)
    role: str | None = None


@dataclass(frozen=True, slots=True)
class HouseholdView:
    household_id: str
    kk: str | None                       # full with NIK group, else masked
    village_code: str | None
    address: str | None = None
    welfare_decile: int | None = None
    welfare: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MemberView:
    """A visible person in a household, with their role (head, spouse, child, ...)."""

    household_id: str
    role: str | None
    person: PersonView


@dataclass(frozen=True, slots=True)
class RecordView:
    record_key: str
    dataset: str
    source_id: str
    person_id: str
    agency: str | None
    program: str | None
    nik: str | None
    kk: str | None
    full_name: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    sex: str | None = None
    mother_name: str | None = None
    relationship: str | None = None
    village_code: str | None = None
    death_date: date | None = None
    address: str | None = None
    phone: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    original: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MatchView:
    """A scored pair; returned only when the reader can see both records."""

    left_key: str
    right_key: str
    probability: float
    match_weight: float
    run_id: str
    weights: dict[str, float] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EnrolmentView:
    """One source record that enrols a person in a program."""

    person_id: str
    program: str
    dataset: str
    agency: str | None
    source_id: str


@dataclass(frozen=True, slots=True)
class DuplicateEnrolmentView:
    """One person enrolled more than once in one program (several records)."""

    person: PersonView
    program: str
    enrolments: list[EnrolmentView]


@dataclass(frozen=True, slots=True)
class TargetingRow:
    """One welfare decile (``None``: unknown, no household, or WELFARE not allowed)."""

    decile: int | None
    persons: int
    enrolled_persons: int
    households: int
    enrolled_households: int


@dataclass(frozen=True, slots=True)
class TargetingView:
    program: str
    region: str | None
    rows: list[TargetingRow]             # sorted by decile, None last
    deceased_enrolled: int               # enrolled persons with a death date or DECEASED verification


@dataclass(frozen=True, slots=True)
class RegionStatsView:
    """Raw counts for a region; the API layer suppresses small cells."""

    code: str
    level: str                           # province, regency, district, village
    persons: int
    households: int
    deciles: list[tuple[int | None, int]]   # households per welfare decile, None (unknown) last
    programs: list[tuple[str, int]]         # persons enrolled per program, by program name
    deceased: int


@dataclass(frozen=True, slots=True)
class RegionCountsView:
    """Raw counts per village code for the whole current run, for disclosure control.

    Suppression must be decided over the whole region hierarchy at once (a region's total
    minus its published sub-regions would otherwise give a hidden cell away), so the API
    reads these once per snapshot; they are aggregates and never returned as they are.
    """

    regions: tuple[str, ...]                                 # every published region code
    persons: tuple[tuple[str, int, int], ...]                # (village code, persons, deceased)
    households: tuple[tuple[str, int | None, int], ...]      # (village code, decile, households)
    programs: tuple[tuple[str, str, int], ...]               # (village code, program, persons)


class ReviewDecision(StrEnum):
    MATCH = "match"                      # same person: becomes a must_link constraint
    NON_MATCH = "non_match"              # different people: becomes a cannot_link constraint
    UNSURE = "unsure"                    # needs a second look: kept with its note, no constraint, stays open


class ConstraintKind(StrEnum):
    MUST_LINK = "must_link"
    CANNOT_LINK = "cannot_link"


@dataclass(frozen=True, slots=True)
class ConstraintRow:
    """A steward's ruling on a pair of records, read by every later linkage run."""

    kind: ConstraintKind
    left_key: str
    right_key: str
    steward: str
    note: str | None
    created_at: datetime
    item_id: str | None = None           # the review item it came from, if any


@dataclass(frozen=True, slots=True)
class ReviewItemView:
    item_id: str
    kind: str
    run_id: str
    left_key: str | None
    right_key: str | None
    person_id: str | None
    village_code: str | None
    probability: float | None
    priority: float
    explanation: dict[str, Any]
    programs: list[str]
    status: str                          # open or decided
    decision: ReviewDecision | None = None
    note: str | None = None
    steward: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ProposalRow:
    """A regional government's proposal and what real-time matching made of it.

    Proposals outlive linkage runs (they are not run-scoped). ``village_code``
    scopes them like people.
    """

    proposal_id: str
    client_id: str
    village_code: str | None
    submitted_at: datetime
    status: str                          # matched, new_person, needs_review, rejected
    payload: dict[str, Any] = field(default_factory=dict)     # the submitted canonical fields
    result: dict[str, Any] = field(default_factory=dict)      # person_id, household_id, candidates, ...


@dataclass(frozen=True, slots=True)
class LinkageRunView:
    run_id: str
    started_at: datetime
    finished_at: datetime
    threshold: float
    summary: dict[str, Any]
    current: bool                        # the run readers see now
    published_at: datetime | None = None
    model_json: str | None = None
