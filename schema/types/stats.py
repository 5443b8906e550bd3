"""Regions and their suppressed aggregates."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.model import region_chain, region_level
from schema.requirements import scoped
from schema.scopes import PUBLIC

__all__ = ["Cell", "DecileCell", "ProgramCell", "Region", "RegionStats"]


@strawberry.type(description="A count, or null with suppressed=true when it is under k (small-cell rule).")
class Cell:
    count: int | None = scoped(PUBLIC)
    suppressed: bool = scoped(PUBLIC)


@strawberry.type(description="Households of one welfare decile (null decile: unknown).")
class DecileCell:
    decile: int | None = scoped(PUBLIC)
    households: Cell = scoped(PUBLIC)


@strawberry.type(description="People enrolled in one program.")
class ProgramCell:
    program: str = scoped(PUBLIC)
    persons: Cell = scoped(PUBLIC)


def _parent(root: Any) -> Region | None:
    chain = region_chain(root.code + "0" * (10 - len(root.code))) if root.code.isdigit() else []
    shorter = [c for c in chain if len(c) < len(root.code)]
    return Region(code=shorter[-1]) if shorter else None  # type: ignore[call-arg]


def _level(root: Any) -> str | None:
    return region_level(root.code)


@strawberry.type(description="A Kemendagri region: province (2 digits), regency (4), district (6), "
                 "village (10).")
class Region:
    code: str = scoped(PUBLIC)
    level: str | None = scoped(PUBLIC, resolver=_level)
    parent: Region | None = scoped(PUBLIC, resolver=_parent)


def _region(root: Any) -> Region:
    return Region(code=root.code)  # type: ignore[call-arg]


@strawberry.type(description="Counts for a region; cells under k are suppressed, with complementary "
                 "suppression so a hidden cell cannot be derived from the totals.")
class RegionStats:
    region: Region = scoped(PUBLIC, resolver=_region)
    code: str = scoped(PUBLIC)
    level: str = scoped(PUBLIC)
    persons: Cell = scoped(PUBLIC)
    households: Cell = scoped(PUBLIC)
    deceased: Cell = scoped(PUBLIC)
    deciles: list[DecileCell] = scoped(PUBLIC)
    programs: list[ProgramCell] = scoped(PUBLIC)
