"""The root ``Mutation``: steward decisions and regional proposals."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import proposals, review
from schema.requirements import scoped
from schema.scopes import PROPOSAL, REVIEW
from schema.types.proposals import ProposalInput, ProposalResult, as_values
from schema.types.review import ReviewResult, UndoResult

__all__ = ["Mutation"]


async def _submit(info: strawberry.Info, input: ProposalInput) -> Any:
    members = [as_values(m) for m in input.members]
    return await proposals.submit_proposal(info, as_values(input), members, list(input.programs))


@strawberry.type(description="Change the graph: decide review items, submit proposals.")
class Mutation:
    decide_review: ReviewResult | None = scoped(REVIEW, resolver=review.decide_review,
                                                graphql_type=ReviewResult | None)
    undo_review: UndoResult | None = scoped(
        REVIEW, resolver=review.undo_review, graphql_type=UndoResult | None,
        description="Withdraw a decision and the constraint it made; the pair is reviewed again.")
    submit_proposal: ProposalResult | None = scoped(
        PROPOSAL, resolver=_submit, graphql_type=ProposalResult | None,
        description="A household proposed by a regional government inside its regions, matched in real time "
        "and stored.")
