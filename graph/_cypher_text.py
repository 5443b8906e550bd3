"""Small Cypher builders for the Neo4j store: region filters, projections, parameters.

Access is applied inside the query text: a region filter is a WHERE predicate
(``any(r IN $regions WHERE p.village_code STARTS WITH r)``) and a projection is
a map projection listing only the properties the reader may see
(``p {.person_id, .nik_masked, .full_name}``), so nothing else leaves Neo4j.
Property names come from ``graph._project`` (fixed tables, never user input).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.errors import InputError
from graph.model import Visibility

__all__ = ["NO_GEN", "check_region", "distinct", "projection", "region_filter"]

#: The generation a reader uses when nothing has been published: matches no node.
NO_GEN = -1


def check_region(region: str | None) -> str | None:
    """A caller-given region filter must be a digit prefix, like the visibility's."""
    if region is not None and not (isinstance(region, str) and region.isdigit() and 0 < len(region) <= 10):
        raise InputError(f"region {region!r} is not a Kemendagri code prefix (1-10 digits)", where="region",
                         hint="e.g. '32' (province) or '3273' (regency)")
    return region


def region_filter(var: str, vis: Visibility, region: str | None = None, *,
                  prefix: str = "") -> tuple[str, dict[str, Any]]:
    """A predicate keeping ``var`` whose ``village_code`` lies in the visible regions
    and, if given, inside ``region``; with its parameters (named with ``prefix``).

    A node without a village code passes only a national reader with no ``region``
    (``null STARTS WITH x`` is null, which WHERE treats as false).
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    code = f"{var}.village_code"
    if vis.regions is not None:
        parts.append(f"any(rp IN ${prefix}regions WHERE {code} STARTS WITH rp)")
        params[f"{prefix}regions"] = list(vis.regions)
    if check_region(region) is not None:
        parts.append(f"{code} STARTS WITH ${prefix}region")
        params[f"{prefix}region"] = region
    return (" AND ".join(parts) or "true"), params


def projection(var: str, props: Sequence[str]) -> str:
    """``p {.a, .b}``: a map holding only the listed properties of ``var``."""
    return f"{var} {{{', '.join('.' + p for p in props)}}}"


def distinct(ids: Iterable[str]) -> list[str]:
    """Ids without repeats, first occurrence first (one UNWIND row per id)."""
    return list(dict.fromkeys(ids))
