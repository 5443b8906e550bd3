"""``regionStats``: regional aggregates with small-cell and complementary suppression.

Counts ``0 < n < k`` (k default 10) are published as null with ``suppressed: true``,
and enough other cells are hidden that none can be got back by subtraction, across
decile cells and across the region hierarchy (a region minus its sub-regions): see
:mod:`resolvers.suppression`. The pattern is decided for all regions at once from a
snapshot of the store's per-village counts, refreshed in the background once it is
older than ``stats_ttl`` seconds (default 300), so every caller sees the same cells
hidden and the figures lag the store by about that long.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import anyio
import anyio.to_thread
from strawberry.types import Info

from graph.model import region_level, region_level_of
from graph.protocol import GraphStore
from resolvers.suppression import Suppressed, suppress_hierarchy

logger = logging.getLogger(__name__)

__all__ = ["Cell", "DecileCell", "ProgramCell", "RegionStats", "StatsSnapshots", "publish", "region_stats"]


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


class StatsSnapshots:
    """The suppressed statistics of the whole hierarchy, refreshed when older than ``ttl`` seconds.

    One per app. Building reads every village's counts and runs the suppression, which
    takes seconds at national scale (about 30 s for 1M records on a busy 2-core machine),
    so only the very first request waits for it; later a stale snapshot keeps being served
    while one background thread builds its successor.
    """

    def __init__(self) -> None:
        self._snapshot: Suppressed | None = None
        self._built_at = -math.inf
        self._lock = anyio.Lock()
        self._refreshing = threading.Lock()

    async def get(self, store: GraphStore, k: int, ttl: float) -> Suppressed:
        if self._snapshot is None or ttl == 0:
            async with self._lock:
                if self._snapshot is None or ttl == 0:
                    await anyio.to_thread.run_sync(self._build, store, k)
        snapshot = self._snapshot
        assert snapshot is not None
        if 0 < ttl < time.monotonic() - self._built_at and self._refreshing.acquire(blocking=False):
            threading.Thread(target=self._refresh, args=(store, k), name="region-stats", daemon=True).start()
        return snapshot

    def _build(self, store: GraphStore, k: int) -> None:
        snapshot = suppress_hierarchy(store.region_counts(), k)
        self._snapshot, self._built_at = snapshot, time.monotonic()

    def _refresh(self, store: GraphStore, k: int) -> None:
        try:
            self._build(store, k)
        except Exception:  # the old snapshot stays; the next stale request tries again
            logger.exception("rebuilding the regionStats snapshot failed")
        finally:
            self._refreshing.release()


def _cell(pattern: Suppressed, code: str, measure: object) -> Cell:
    count, hidden = pattern.value(code, measure)
    return Cell(count, hidden)


def publish(pattern: Suppressed, code: str) -> RegionStats:
    """One region's published statistics, cut from the hierarchy-wide pattern."""
    return RegionStats(
        code=code, level=region_level(code) or "",
        persons=_cell(pattern, code, "persons"),
        households=_cell(pattern, code, "households"),
        deceased=_cell(pattern, code, "deceased"),
        deciles=[DecileCell(d, _cell(pattern, code, ("decile", d))) for d in pattern.deciles.get(code, [])],
        programs=[ProgramCell(p, _cell(pattern, code, ("program", p)))
                  for p in pattern.programs.get(code, [])])


async def region_stats(info: Info, code: str) -> RegionStats | None:
    ctx = info.context
    region_level_of(code)
    if not ctx.visibility.in_region(code):
        return None
    pattern = await ctx.services.stats.get(ctx.store, ctx.config.min_cell, ctx.config.stats_ttl)
    return publish(pattern, code) if code in pattern.regions else None
