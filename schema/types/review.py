"""Review items, decisions and linkage runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph.views import ReviewDecision
from resolvers import review
from schema.requirements import scoped
from schema.scopes import PUBLIC
from schema.types.people import Person
from schema.types.records import SourceRecord

__all__ = ["LinkageRun", "ReviewDecisionEnum", "ReviewItem", "ReviewResult", "UndoResult"]

ReviewDecisionEnum = strawberry.enum(ReviewDecision, name="ReviewDecision",
                                     description="match: same person; non_match: different people.")


async def _left(root: Any, info: strawberry.Info) -> Any:
    return await review.item_record(info, root.left_key)


async def _right(root: Any, info: strawberry.Info) -> Any:
    return await review.item_record(info, root.right_key)


async def _person(root: Any, info: strawberry.Info) -> Any:
    if root.person_id is None:
        return None
    found = await info.context.loaders.persons.load(root.person_id)
    if found is not None:
        info.context.saw_persons((found.person_id,))
    return found


@strawberry.type(description="An uncertain match (or conflict) waiting for a steward.")
class ReviewItem:
    item_id: strawberry.ID = scoped(PUBLIC, name="id")
    kind: str = scoped(PUBLIC)
    run_id: str = scoped(PUBLIC)
    left: SourceRecord | None = scoped(PUBLIC, resolver=_left, graphql_type=SourceRecord | None)
    right: SourceRecord | None = scoped(PUBLIC, resolver=_right, graphql_type=SourceRecord | None)
    person: Person | None = scoped(PUBLIC, resolver=_person, graphql_type=Person | None)
    village_code: str | None = scoped(PUBLIC)
    probability: float | None = scoped(PUBLIC)
    priority: float = scoped(PUBLIC)
    explanation: JSON = scoped(PUBLIC)
    programs: list[str] = scoped(PUBLIC)
    status: str = scoped(PUBLIC)
    decision: ReviewDecisionEnum | None = scoped(PUBLIC)  # type: ignore[valid-type]
    note: str | None = scoped(PUBLIC)
    steward: str | None = scoped(PUBLIC)
    decided_at: datetime | None = scoped(PUBLIC)


@strawberry.type(description="A decided review item and the constraint later linkage runs will keep.")
class ReviewResult:
    item: ReviewItem = scoped(PUBLIC)
    constraint: str | None = scoped(PUBLIC, description="must_link or cannot_link, for pair items.")


@strawberry.type(description="A withdrawn decision: its constraint is gone and the pair may be queued again.")
class UndoResult:
    item_id: strawberry.ID = scoped(PUBLIC)
    item: ReviewItem | None = scoped(PUBLIC,
                                     description="The item, open again, when the current run queues it.")


@strawberry.type(description="One published linkage run.")
class LinkageRun:
    run_id: strawberry.ID = scoped(PUBLIC, name="id")
    started_at: datetime = scoped(PUBLIC)
    finished_at: datetime = scoped(PUBLIC)
    published_at: datetime | None = scoped(PUBLIC)
    threshold: float = scoped(PUBLIC)
    current: bool = scoped(PUBLIC)
    summary: JSON = scoped(PUBLIC)
    model: JSON | None = scoped(PUBLIC, resolver=review.run_model, description="The trained Splink model.")
