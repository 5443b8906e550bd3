"""The graph's domain model: what a linkage run publishes and what readers get back.

Plain dataclasses, no behaviour. ``linkage`` builds a :class:`Publication`;
both stores accept it; readers pass a :class:`Visibility` saying which rows
(regions) and which property groups they may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from core.errors import InputError

__all__ = [
    "ATTRIBUTE_GROUPS",
    "REGION_LEVELS",
    "DatasetRow",
    "FieldGroup",
    "HouseholdRow",
    "LineageRow",
    "LinkageRunRow",
    "MatchRow",
    "PersonRow",
    "Publication",
    "RecordRow",
    "ReviewItemRow",
    "Verification",
    "Visibility",
    "mask_number",
    "region_chain",
    "region_level",
    "region_level_of",
]


class FieldGroup(StrEnum):
    """Groups of properties a reader may be allowed to see (mapped from OAuth scopes)."""

    IDENTITY = "identity"      # name, birth date, sex, village code, mother's name, verification
    NIK = "nik"                # full NIK and KK (otherwise masked)
    CONTACT = "contact"        # address, phone
    HEALTH = "health"          # health attributes
    EDUCATION = "education"    # education attributes
    HOUSEHOLD = "household"    # households and members
    WELFARE = "welfare"        # welfare decile, proxy-means variables
    PROGRAM = "program"        # enrolments
    LINKAGE = "linkage"        # source records, match scores, runs
    REVIEW = "review"          # review queue


#: Which group an attribute (a dataset's extra column) belongs to. Attributes not
#: listed are visible only through source records (FieldGroup.LINKAGE).
ATTRIBUTE_GROUPS: dict[str, FieldGroup] = {
    "welfare_decile": FieldGroup.WELFARE,
    "floor_type": FieldGroup.WELFARE,
    "wall_type": FieldGroup.WELFARE,
    "house_ownership": FieldGroup.WELFARE,
    "disability": FieldGroup.HEALTH,
    "health_facility": FieldGroup.HEALTH,
    "bpjs_number": FieldGroup.HEALTH,
    "pbi_class": FieldGroup.HEALTH,
    "school": FieldGroup.EDUCATION,
    "grade": FieldGroup.EDUCATION,
    "nisn": FieldGroup.EDUCATION,
}


class Verification(StrEnum):
    """A person's status against the civil registry (the ``reference`` dataset)."""

    VERIFIED = "verified"
    NIK_UNKNOWN = "nik_unknown"            # NIK not in the registry
    NIK_OF_ANOTHER = "nik_of_another"      # the NIK belongs to someone else in the registry
    NO_NIK = "no_nik"
    DECEASED = "deceased"


@dataclass(frozen=True, slots=True)
class Visibility:
    """What one reader may see. Applied inside every store query.

    ``regions`` holds Kemendagri code prefixes (``"32"``, ``"3273"``); ``None``
    means national. A person or household outside the regions does not exist
    for this reader. ``groups`` decides which properties are fetched at all.
    """

    regions: tuple[str, ...] | None
    groups: frozenset[FieldGroup]

    def __post_init__(self) -> None:
        # Prefixes end up in store queries; digits only keeps LIKE/STARTS WITH honest.
        for prefix in self.regions or ():
            if not (isinstance(prefix, str) and prefix.isdigit() and 0 < len(prefix) <= 10):
                raise InputError(f"region prefix {prefix!r} is not 1-10 digits", where="Visibility.regions",
                                 hint="use Kemendagri code prefixes such as '32' or '3273'")

    @classmethod
    def everything(cls) -> Visibility:
        """National, every group: for stewards, the CLI and tests."""
        return cls(regions=None, groups=frozenset(FieldGroup))

    def allows(self, group: FieldGroup) -> bool:
        return group in self.groups

    def in_region(self, village_code: str | None) -> bool:
        if self.regions is None:
            return True
        return village_code is not None and village_code.startswith(self.regions)


@dataclass(slots=True)
class DatasetRow:
    name: str
    agency: str
    program: str | None
    reference: bool
    records: int = 0


@dataclass(slots=True)
class RecordRow:
    """One standardised source row and the person it was resolved to."""

    record_key: str
    dataset: str
    source_id: str
    person_id: str
    program: str | None = None
    nik: str | None = None
    kk: str | None = None
    full_name: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    sex: str | None = None
    mother_name: str | None = None
    relationship: str | None = None
    address: str | None = None
    village_code: str | None = None
    phone: str | None = None
    death_date: date | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    original: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PersonRow:
    """A resolved person: the best values across their records."""

    person_id: str
    household_id: str | None
    role: str | None                    # head, spouse, child, ... in the household
    nik: str | None = None
    full_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    birth_place: str | None = None
    mother_name: str | None = None
    address: str | None = None
    phone: str | None = None
    village_code: str | None = None
    verification: Verification = Verification.NO_NIK
    death_date: date | None = None
    health: dict[str, str] = field(default_factory=dict)
    education: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class HouseholdRow:
    household_id: str
    kk: str | None
    village_code: str | None
    address: str | None = None
    welfare_decile: int | None = None
    welfare: dict[str, str] = field(default_factory=dict)   # other proxy-means variables


@dataclass(slots=True)
class MatchRow:
    """A scored pair worth explaining: (Record)-[:MATCHES]->(Record)."""

    left_key: str
    right_key: str
    probability: float
    match_weight: float
    weights: dict[str, float] = field(default_factory=dict)   # comparison name -> match weight
    levels: dict[str, str] = field(default_factory=dict)      # comparison name -> level label


@dataclass(slots=True)
class ReviewItemRow:
    item_id: str
    kind: str                       # uncertain_pair, conflicting_nik, bridge, ...
    left_key: str | None
    right_key: str | None
    person_id: str | None
    village_code: str | None        # for region scoping of the queue
    probability: float | None
    priority: float
    explanation: dict[str, Any] = field(default_factory=dict)
    status: str = "open"            # open, decided
    programs: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LineageRow:
    """An id that did not survive a run intact: old id -> the ids that carry it on."""

    kind: str                       # person or household
    old_id: str
    new_ids: list[str]
    run_id: str


@dataclass(slots=True)
class LinkageRunRow:
    run_id: str
    started_at: datetime
    finished_at: datetime
    threshold: float
    model_json: str
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Publication:
    """Everything one linkage run publishes, in one bulk write."""

    run: LinkageRunRow
    datasets: list[DatasetRow]
    records: list[RecordRow]
    persons: list[PersonRow]
    households: list[HouseholdRow]
    matches: list[MatchRow] = field(default_factory=list)
    review_items: list[ReviewItemRow] = field(default_factory=list)
    lineage: list[LineageRow] = field(default_factory=list)


#: Kemendagri code length -> level name.
REGION_LEVELS: dict[int, str] = {2: "province", 4: "regency", 6: "district", 10: "village"}


def region_level(code: str) -> str | None:
    """``province``/``regency``/``district``/``village`` for a code of 2/4/6/10 digits, else None."""
    return REGION_LEVELS.get(len(code)) if code.isdigit() else None


def region_level_of(code: str) -> str:
    """The level of a whole region code, or an InputError naming the lengths that are accepted."""
    level = region_level(code)
    if level is None:
        raise InputError(f"region code {code!r} is not 2, 4, 6 or 10 digits", where="code",
                         hint="province 2, regency 4, district 6, village 10 digits")
    return level


def region_chain(village_code: str | None) -> list[str]:
    """The region codes a village code lies in, widest first: ``3273010001`` ->
    ``["32", "3273", "327301", "3273010001"]``. Shorter valid codes give a shorter chain."""
    if not village_code or not village_code.isdigit():
        return []
    return [village_code[:n] for n in REGION_LEVELS if len(village_code) >= n and
            (n < 10 or len(village_code) == 10)]


def mask_number(value: str | None) -> str | None:
    """The masked form of a NIK or KK: first 4 digits, stars, last 4 (``3273********0001``).

    Stores keep this precomputed beside the full value, so a reader without
    FieldGroup.NIK never has the full number selected at all.
    """
    if value is None:
        return None
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
