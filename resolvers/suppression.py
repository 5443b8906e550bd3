"""Small-cell and complementary suppression over the whole region hierarchy.

A count ``0 < n < k`` is hidden (primary suppression). Hiding one cell is not enough
when it can be got back by subtraction from published numbers, and every count here
takes part in additive relations:

* a region's count is the sum of its sub-regions' counts (province = its regencies,
  regency = its districts, district = its villages), for every measure;
* a region's households are the sum of its households per welfare decile.

A relation with exactly one hidden cell gives that cell away, so complementary
suppression hides a second one in it: the smallest non-zero published part (or, when
no part is left, the total). Each new hidden cell can break another relation, so this
runs over a worklist until every relation has no hidden cell or at least two. This is
the usual necessary condition for tables linked by sums (the check statistical
offices apply with tools such as tau-Argus); it does not solve the full linear system.

People with a shorter village code (a regency only, say) are in the region totals but
in no sub-region. Their count is treated as known to an attacker, which is the safe
assumption.

The pattern is computed once for all regions, so every caller sees the same cells
hidden whatever it asks, and asking for a region and then its parts gives nothing away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from graph.model import REGION_LEVELS, region_level
from graph.views import RegionCountsView

__all__ = ["CellKey", "Suppressed", "suppress_hierarchy"]

#: A cell: (region code, measure). Measures: "persons", "deceased", "households",
#: ("decile", d) households of decile d (None: unknown), ("program", name) persons enrolled.
CellKey = tuple[str, object]


@dataclass(frozen=True, slots=True)
class Suppressed:
    """Every region's counts and the set of cells to publish as null."""

    counts: dict[CellKey, int]
    hidden: frozenset[CellKey]
    regions: frozenset[str]
    deciles: dict[str, list[int | None]]     # region -> its decile keys, sorted, None last
    programs: dict[str, list[str]]           # region -> its program names, sorted

    def value(self, code: str, measure: object) -> tuple[int | None, bool]:
        """(count or None, suppressed) for one cell; an absent cell is a published zero."""
        key = (code, measure)
        if key in self.hidden:
            return None, True
        return self.counts.get(key, 0), False


def _prefixes(village: str) -> list[str]:
    """The region codes a (possibly short) village code counts toward, widest first."""
    return [village[:n] for n in REGION_LEVELS if len(village) >= n and region_level(village[:n])]


def _aggregate(raw: RegionCountsView) -> dict[CellKey, int]:
    counts: dict[CellKey, int] = defaultdict(int)

    def add(village: str, measure: object, n: int) -> None:
        for code in _prefixes(village):
            counts[(code, measure)] += n

    for village, persons, deceased in raw.persons:
        add(village, "persons", persons)
        add(village, "deceased", deceased)
    for village, decile, n in raw.households:
        add(village, "households", n)
        add(village, ("decile", decile), n)
    for village, program, n in raw.programs:
        add(village, ("program", program), n)
    return dict(counts)


def _relations(counts: dict[CellKey, int]) -> list[tuple[CellKey, list[CellKey]]]:
    """(total, parts) for every additive relation among the counted cells."""
    children: dict[tuple[str, object], list[CellKey]] = defaultdict(list)
    deciles: dict[str, list[CellKey]] = defaultdict(list)
    for code, measure in counts:
        shorter = [n for n in REGION_LEVELS if n < len(code)]
        if shorter:
            children[(code[:shorter[-1]], measure)].append((code, measure))
        if isinstance(measure, tuple) and measure[0] == "decile":
            deciles[code].append((code, measure))
    relations = [(parent, parts) for parent, parts in children.items() if parent in counts]
    relations += [((code, "households"), parts) for code, parts in deciles.items()]
    return relations


def suppress_hierarchy(raw: RegionCountsView, k: int) -> Suppressed:
    """Hide every cell under ``k`` and enough others that none can be derived by sums."""
    counts = _aggregate(raw)
    hidden = {key for key, n in counts.items() if 0 < n < k}
    relations = _relations(counts)
    by_cell: dict[CellKey, list[int]] = defaultdict(list)
    for i, (total, parts) in enumerate(relations):
        for cell in (total, *parts):
            by_cell[cell].append(i)
    work = _unique(i for cell in hidden for i in by_cell[cell])
    while work:
        total, parts = relations[work.pop()]
        if sum(cell in hidden for cell in (total, *parts)) != 1:
            continue
        open_parts = [(counts[c], c) for c in parts if c not in hidden and counts[c] > 0]
        if open_parts:
            extra = min(open_parts, key=lambda nc: (nc[0], str(nc[1])))[1]
        elif total not in hidden and counts[total] > 0:
            extra = total
        else:
            continue
        hidden.add(extra)
        work.extend(by_cell[extra])
    return Suppressed(counts, frozenset(hidden), frozenset(raw.regions), *_keys(counts))


def _unique(items: Iterable[int]) -> list[int]:
    return sorted(set(items))


def _keys(counts: dict[CellKey, int]) -> tuple[dict[str, list[int | None]], dict[str, list[str]]]:
    deciles: dict[str, set[int | None]] = defaultdict(set)
    programs: dict[str, set[str]] = defaultdict(set)
    for code, measure in counts:
        if isinstance(measure, tuple) and measure[0] == "decile":
            deciles[code].add(measure[1])  # type: ignore[arg-type]
        elif isinstance(measure, tuple) and measure[0] == "program":
            programs[code].add(measure[1])  # type: ignore[arg-type]
    return ({c: sorted(ds, key=lambda d: (d is None, d or 0)) for c, ds in deciles.items()},
            {c: sorted(ps) for c, ps in programs.items()})
