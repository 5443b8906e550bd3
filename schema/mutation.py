"""The root ``Mutation``: steward decisions and regional proposals."""

from __future__ import annotations

import strawberry

from resolvers import review
from schema.requirements import scoped
from schema.scopes import REVIEW
from schema.types.review import ReviewResult

__all__ = ["Mutation"]


@strawberry.type(description="Change the graph: decide review items, submit proposals.")
class Mutation:
    decide_review: ReviewResult | None = scoped(REVIEW, resolver=review.decide_review,
                                                graphql_type=ReviewResult | None)
