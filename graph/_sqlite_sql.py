"""Small SQL builders for the embedded store: region filters and projections.

Region prefixes become index-friendly ranges (``code >= '3273' AND code <
'3274'``): the same set as ``STARTS WITH`` for digit prefixes, which
:class:`~graph.model.Visibility` guarantees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.errors import InputError
from graph.model import Visibility

__all__ = ["CURRENT", "check_region", "chunks", "region_where", "select_list"]

#: The generation readers see; a scalar subquery, evaluated once per statement.
CURRENT = "(SELECT gen FROM current WHERE id = 1)"

#: SQLite's default limit on host parameters is 32766; stay well below.
_CHUNK = 900


def check_region(region: str | None) -> str | None:
    """A caller-given region filter must be a digit prefix too."""
    if region is not None and not (region.isdigit() and 0 < len(region) <= 10):
        raise InputError(f"region {region!r} is not a Kemendagri code prefix (1-10 digits)", where="region",
                         hint="e.g. '32' (province) or '3273' (regency)")
    return region


def _range(column: str, prefix: str) -> tuple[str, list[str]]:
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return f"({column} >= ? AND {column} < ?)", [prefix, upper]


def region_where(column: str, vis: Visibility, region: str | None = None, *,
                 indexed: bool = False) -> tuple[str, list[str]]:
    """SQL (and parameters) keeping rows whose ``column`` lies in the visible
    regions and, if given, inside ``region`` as well.

    By default the column is written ``+column``, which tells SQLite not to
    drive the query from the region index: lookups by id, NIK or household are
    far more selective than a province. Aggregates over a region pass
    ``indexed=True``.
    """
    column = column if indexed else f"+{column}"
    parts: list[str] = []
    params: list[str] = []
    if vis.regions is not None:
        ors = [_range(column, p) for p in vis.regions]
        parts.append("(" + " OR ".join(sql for sql, _ in ors) + ")" if ors else "0")
        for _, ps in ors:
            params.extend(ps)
    if check_region(region) is not None:
        sql, ps = _range(column, region)  # type: ignore[arg-type]
        parts.append(sql)
        params.extend(ps)
    return (" AND ".join(parts) or "1"), params


def select_list(alias: str, props: Sequence[str]) -> str:
    """``alias.a AS a, alias.b AS b``: only the columns the reader may see."""
    return ", ".join(f"{alias}.{p} AS {p}" for p in props)


def chunks(ids: Iterable[str]) -> list[list[str]]:
    """Distinct ids in chunks small enough for one ``IN (...)``."""
    unique = list(dict.fromkeys(ids))
    return [unique[i:i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


def marks(n: int) -> str:
    return ",".join("?" * n)
