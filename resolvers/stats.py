"""Regional aggregates with small-cell suppression (k, default 10) and complementary suppression.

A count ``0 < n < k`` is suppressed: published as null with ``suppressed: true``. The decile
cells add up to the published household total, so when exactly one of them is suppressed
the smallest other non-zero cell is suppressed too, and the hidden cell cannot be got back
by subtraction. Program counts overlap (one person, several programs) and add up to
nothing published, so they need no complement.

Limitation: differences between a region and the sum of its published sub-regions are not
protected here (hierarchical suppression).
"""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info

from graph.views import RegionStatsView

__all__ = ["Cell", "DecileCell", "ProgramCell", "RegionStats", "region_stats", "suppress"]


@dataclass(frozen=True, slots=True)
class Cell:
    count: int | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class DecileCell:
    decile: int | None
    households: Cell


@dataclass(frozen=True, slots=True)
class ProgramCell:
    program: str
    persons: Cell


@dataclass(frozen=True, slots=True)
class RegionStats:
    code: str
    level: str
    persons: Cell
    households: Cell
    deceased: Cell
    deciles: list[DecileCell]
    programs: list[ProgramCell]


def _small(n: int, k: int) -> bool:
    return 0 < n < k


def suppress(total: int, cells: list[int], k: int) -> tuple[bool, list[bool]]:
    """Which of ``total`` and ``cells`` (which sum to it) to hide, primary then complementary."""
    hide_total = _small(total, k)
    hidden = [_small(n, k) or hide_total for n in cells]
    if not hide_total and sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(cells) if not hidden[i] and n > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hide_total, hidden


def _cell(n: int, hide: bool) -> Cell:
    return Cell(None if hide else n, hide)


def publish(view: RegionStatsView, k: int) -> RegionStats:
    hide_hh, hidden = suppress(view.households, [n for _, n in view.deciles], k)
    return RegionStats(
        code=view.code, level=view.level,
        persons=_cell(view.persons, _small(view.persons, k)),
        households=_cell(view.households, hide_hh),
        deceased=_cell(view.deceased, _small(view.deceased, k)),
        deciles=[DecileCell(d, _cell(n, h)) for (d, n), h in zip(view.deciles, hidden, strict=True)],
        programs=[ProgramCell(p, _cell(n, _small(n, k))) for p, n in view.programs])


async def region_stats(info: Info, code: str) -> RegionStats | None:
    ctx = info.context
    view = await ctx.call(ctx.store.region_stats, code, ctx.visibility)
    return None if view is None else publish(view, ctx.config.min_cell)
