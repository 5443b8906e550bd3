"""The review queue, steward decisions and linkage runs (the review workflow finishes elsewhere)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from graph.paging import encode_cursor
from graph.views import LinkageRunView, RecordView, ReviewDecision, ReviewItemView
from resolvers.paging import Slice, check_page_size, slice_of

__all__ = ["ReviewResult", "UndoResult", "decide_review", "linkage_runs", "review_queue", "undo_review"]


@dataclass(frozen=True, slots=True)
class ReviewResult:
    item: ReviewItemView
    constraint: str | None          # must_link / cannot_link, for pair items


async def review_queue(info: Info, region: str | None = None, dataset: str | None = None,
                       program: str | None = None, status: str = "open", first: int | None = None,
                       after: str | None = None) -> Slice[ReviewItemView]:
    ctx = info.context
    size = check_page_size(first, ctx.config.max_page)
    page = await ctx.call(ctx.store.review_queue, ctx.visibility, region=region, dataset=dataset,
                          program=program, status=status, first=size, after=after)
    return slice_of(page, lambda i: encode_cursor(i.priority, i.item_id))


async def decide_review(info: Info, item_id: strawberry.ID, decision: ReviewDecision,
                        note: str | None = None) -> ReviewResult:
    ctx = info.context
    item = await ctx.call(ctx.store.decide_review, item_id, decision, steward=ctx.client_id, note=note,
                          visibility=ctx.visibility)
    pair = item.left_key is not None and item.right_key is not None and decision != ReviewDecision.UNSURE
    kind = ("must_link" if decision == ReviewDecision.MATCH else "cannot_link") if pair else None
    return ReviewResult(item, kind)


@dataclass(frozen=True, slots=True)
class UndoResult:
    item_id: str
    item: ReviewItemView | None     # the item as the current run has it (open), if it still queues it


async def undo_review(info: Info, item_id: strawberry.ID) -> UndoResult:
    """Withdraw a decision and its constraint (the store relinks when it can apply decisions)."""
    ctx = info.context
    item = await ctx.call(ctx.store.undo_review, item_id, steward=ctx.client_id, visibility=ctx.visibility)
    return UndoResult(str(item_id), item)


async def item_record(info: Info, key: str | None) -> RecordView | None:
    return None if key is None else await info.context.loaders.records.load(key)


async def linkage_runs(info: Info, first: int | None = None) -> list[LinkageRunView]:
    ctx = info.context
    size = check_page_size(first, ctx.config.max_page, default=20)
    return await ctx.call(ctx.store.linkage_runs, ctx.visibility, first=size)


def run_model(root: LinkageRunView) -> Any:
    return json.loads(root.model_json) if root.model_json else None
