"""Program analyses: overlap, duplicate enrolment and targeting against welfare deciles.

Counts come from the store in one aggregate query. The lists of targeting errors are
found by walking the program's (or the region's) people in store pages and judging each by
its household's decile; a list page stops as soon as it is full, and its cursor resumes the
walk after the last person listed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from strawberry.types import Info

from core.errors import InputError
from graph.model import Verification
from graph.paging import MAX_PAGE, encode_cursor
from graph.views import DuplicateEnrolmentView, PersonView, TargetingRow, TargetingView
from resolvers.paging import Slice, check_page_size, slice_from_list, slice_of

__all__ = ["TargetingReport", "duplicate_enrolments", "program_overlap", "targeting"]

_MAX_SCANNED = 50_000       # people walked for one list page, at most


def _cursor(p: PersonView) -> str:
    return encode_cursor(p.person_id)


async def program_overlap(info: Info, programs: list[str], region: str | None = None,
                          first: int | None = None, after: str | None = None) -> Slice[PersonView]:
    ctx = info.context
    size = check_page_size(first, ctx.config.max_page)
    page = await ctx.call(ctx.store.program_overlap, programs, ctx.visibility, region=region, first=size,
                          after=after)
    ctx.saw_persons(p.person_id for p in page.items)
    return slice_of(page, _cursor)


async def duplicate_enrolments(info: Info, program: str, region: str | None = None, first: int | None = None,
                               after: str | None = None) -> Slice[DuplicateEnrolmentView]:
    ctx = info.context
    size = check_page_size(first, ctx.config.max_page)
    page = await ctx.call(ctx.store.duplicate_enrolments, program, ctx.visibility, region=region, first=size,
                          after=after)
    ctx.saw_persons(d.person.person_id for d in page.items)
    return slice_of(page, lambda d: encode_cursor(d.person.person_id))


@dataclass(frozen=True)
class TargetingReport:
    """Targeting of one program in one region, with the lists computed on demand."""

    info_context: object
    view: TargetingView
    ceiling: int

    @property
    def rows(self) -> list[TargetingRow]:
        return self.view.rows

    def _count(self, judge: Callable[[TargetingRow], int]) -> int:
        return sum(judge(r) for r in self.view.rows if r.decile is not None)

    @property
    def inclusion_errors(self) -> int:
        """Enrolled people whose household is above the program's decile ceiling."""
        return self._count(lambda r: r.enrolled_persons if r.decile > self.ceiling else 0)  # type: ignore[operator]

    @property
    def exclusion_errors(self) -> int:
        """People at or under the ceiling who are not enrolled."""
        return self._count(lambda r: r.persons - r.enrolled_persons if r.decile <= self.ceiling else 0)  # type: ignore[operator]

    @property
    def unknown_decile(self) -> int:
        return sum(r.persons for r in self.view.rows if r.decile is None)


async def targeting(info: Info, program: str, region: str | None = None) -> TargetingReport:
    ctx = info.context
    ceiling = ctx.config.decile_ceilings.get(program)
    if ceiling is None:
        raise InputError(f"program {program!r} has no decile ceiling configured", where="program",
                         hint=f"configured: {', '.join(sorted(ctx.config.decile_ceilings))} "
                              "(setting DECILE_CEILINGS)")
    view = await ctx.call(ctx.store.targeting, program, ctx.visibility, region=region)
    return TargetingReport(ctx, view, ceiling)


Judge = Callable[[list[PersonView]], Awaitable[list[PersonView]]]


async def _walk(ctx: object, report: TargetingReport, enrolled_only: bool, judge: Judge, first: int | None,
                after: str | None) -> Slice[PersonView]:
    size = check_page_size(first, ctx.config.max_page)  # type: ignore[attr-defined]
    found: list[PersonView] = []
    scanned, cursor = 0, after
    program = report.view.program if enrolled_only else None
    while len(found) <= size and scanned < _MAX_SCANNED:
        page = await ctx.call(ctx.store.list_persons, ctx.visibility, region=report.view.region,  # type: ignore[attr-defined]
                              program=program, first=MAX_PAGE, after=cursor)
        scanned += len(page.items)
        found.extend(await judge(page.items))
        if not page.has_next:
            break
        cursor = page.end_cursor
    items = found[:size]
    ctx.saw_persons(p.person_id for p in items)  # type: ignore[attr-defined]
    return slice_from_list(items, _cursor, len(found) > size)


async def _deciles(ctx: object, people: list[PersonView]) -> dict[str, int | None]:
    ids = {p.household_id for p in people if p.household_id}
    households = await ctx.call(ctx.store.get_households, ids, ctx.visibility)  # type: ignore[attr-defined]
    return {p.person_id: (households[p.household_id].welfare_decile if p.household_id in households else None)
            for p in people}


async def inclusion_list(report: TargetingReport, first: int | None, after: str | None) -> Slice[PersonView]:
    ctx = report.info_context

    async def judge(people: list[PersonView]) -> list[PersonView]:
        deciles = await _deciles(ctx, people)
        return [p for p in people if (d := deciles[p.person_id]) is not None and d > report.ceiling]

    return await _walk(ctx, report, True, judge, first, after)


async def exclusion_list(report: TargetingReport, first: int | None, after: str | None) -> Slice[PersonView]:
    ctx = report.info_context

    async def judge(people: list[PersonView]) -> list[PersonView]:
        deciles = await _deciles(ctx, people)
        poor = [p for p in people if (d := deciles[p.person_id]) is not None and d <= report.ceiling]
        enrolments = await ctx.call(ctx.store.enrolments_of_persons, [p.person_id for p in poor],  # type: ignore[attr-defined]
                                    ctx.visibility)  # type: ignore[attr-defined]
        return [p for p in poor
                if not any(e.program == report.view.program for e in enrolments.get(p.person_id, []))]

    return await _walk(ctx, report, False, judge, first, after)


async def deceased_list(report: TargetingReport, first: int | None, after: str | None) -> Slice[PersonView]:
    async def judge(people: list[PersonView]) -> list[PersonView]:
        return [p for p in people if p.death_date is not None or p.verification == Verification.DECEASED]

    return await _walk(report.info_context, report, True, judge, first, after)
