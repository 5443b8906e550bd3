"""From a caller's OAuth scopes to what the store may fetch for them (a ``Visibility``).

The scope -> field-group table lives here and nowhere else: the schema decides which
*fields* a caller may ask for; this table decides which *properties* the store selects, so
a property of a group the caller lacks is never read, whatever the query asks.

Example:
    >>> v = visibility_for(frozenset({"person:identity", "household:read"}), ("3273",))
    >>> sorted(g.value for g in v.groups), v.regions
    (['household', 'identity'], ('3273',))
"""

from __future__ import annotations

from functools import lru_cache

from graph.model import FieldGroup, Visibility

__all__ = ["SCOPE_GROUPS", "visibility_for"]

#: OAuth scope -> the property group it unlocks in the store.
SCOPE_GROUPS: dict[str, FieldGroup] = {
    "person:identity": FieldGroup.IDENTITY,
    "person:nik": FieldGroup.NIK,
    "person:contact": FieldGroup.CONTACT,
    "person:health": FieldGroup.HEALTH,
    "person:education": FieldGroup.EDUCATION,
    "household:read": FieldGroup.HOUSEHOLD,
    "household:welfare": FieldGroup.WELFARE,
    "program:read": FieldGroup.PROGRAM,
    "linkage:read": FieldGroup.LINKAGE,
    "linkage:review": FieldGroup.REVIEW,
}


@lru_cache(maxsize=256)
def visibility_for(scopes: frozenset[str], regions: tuple[str, ...] | None) -> Visibility:
    """The store visibility of a caller holding ``scopes`` in ``regions`` (None = national)."""
    groups = frozenset(SCOPE_GROUPS[s] for s in scopes if s in SCOPE_GROUPS)
    return Visibility(regions=regions, groups=groups)
