"""An attacker who knows the region hierarchy and solves sums with one unknown, repeatedly."""

from __future__ import annotations

from collections.abc import Mapping

Cell = tuple[str, object]
LEVELS = (2, 4, 6, 10)


def relations(cells: Mapping[Cell, int | None]) -> list[tuple[Cell, list[Cell]]]:
    """(total, parts): each region = its sub-regions, per measure; households = its deciles."""
    out: list[tuple[Cell, list[Cell]]] = []
    codes = {code for code, _ in cells}
    measures = {m for _, m in cells}
    for parent in codes:
        children = [c for c in codes if len(c) > len(parent) and c.startswith(parent)
                    and max(n for n in LEVELS if n < len(c)) == len(parent)]
        for m in measures:
            if children and (parent, m) in cells:
                out.append(((parent, m), [(c, m) for c in children if (c, m) in cells]))
        deciles = [(parent, m) for m in measures if isinstance(m, tuple) and m[0] == "decile"
                   and (parent, m) in cells]
        if deciles and (parent, "households") in cells:
            out.append(((parent, "households"), deciles))
    return out


def recover(cells: Mapping[Cell, int | None]) -> dict[Cell, int]:
    """Every hidden (None) cell the attacker can compute from published ones."""
    known = {k: v for k, v in cells.items() if v is not None}
    found: dict[Cell, int] = {}
    rels = relations(cells)
    progress = True
    while progress:
        progress = False
        for total, parts in rels:
            unknown = [c for c in (total, *parts) if c not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            rest = sum(known[p] for p in parts if p in known)
            known[cell] = rest if cell == total else known[total] - rest
            found[cell] = known[cell]
            progress = True
    return found
