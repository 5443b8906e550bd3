"""Source records, their scored matches, enrolments and datasets: the linkage side of a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from graph.views import EnrolmentView, MatchView, PersonView, RecordView

__all__ = [
    "Attribute", "Comparison", "DatasetInfo", "as_attributes", "enrolment_dataset", "match_explanation",
    "record_attributes", "record_dataset", "record_matches", "record_person",
]


@dataclass(frozen=True, slots=True)
class Attribute:
    """One named value (a dataset's extra column, a health or education attribute)."""

    name: str
    value: str


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    name: str
    agency: str | None
    program: str | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """One comparison's part in a match score: its level and match weight (log2 Bayes factor)."""

    comparison: str
    level: str | None
    weight: float | None


def as_attributes(values: dict[str, Any]) -> list[Attribute]:
    return [Attribute(k, str(v)) for k, v in sorted(values.items())]


async def record_person(root: RecordView, info: Info) -> PersonView | None:
    found = await info.context.loaders.persons.load(root.person_id)
    if found is not None:
        info.context.saw_persons((found.person_id,))
    return found


async def record_matches(root: RecordView, info: Info) -> list[MatchView]:
    return await info.context.loaders.matches.load(root.record_key)


def record_dataset(root: RecordView) -> DatasetInfo:
    return DatasetInfo(root.dataset, root.agency, root.program)


def record_attributes(root: RecordView) -> list[Attribute]:
    return as_attributes(root.attributes)


def enrolment_dataset(root: EnrolmentView) -> DatasetInfo:
    return DatasetInfo(root.dataset, root.agency, root.program)


def match_explanation(root: MatchView) -> list[Comparison]:
    names = sorted(set(root.weights) | set(root.levels))
    return [Comparison(n, root.levels.get(n), root.weights.get(n)) for n in names]
