"""Checks a publication before any store writes a byte of it.

Both stores call :func:`check_publication` first, so a malformed publication is
refused the same way everywhere, with the offending key named, and never leaves
a half-written generation behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.errors import InputError
from graph.model import Publication

__all__ = ["check_publication"]


def _unique(keys: Iterable[str], what: str) -> set[str]:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InputError(f"{what} {key!r} appears twice in the publication", where=f"Publication.{what}s",
                             hint="each key must be unique within one run")
        seen.add(key)
    return seen


def check_publication(pub: Publication) -> None:
    """Raise InputError unless ``pub`` is self-consistent.

    Keys are unique; every record names a known dataset and person; every
    person's household exists; every match and review item names known
    records; region codes are digits.
    """
    datasets = _unique((d.name for d in pub.datasets), "dataset")
    persons = _unique((p.person_id for p in pub.persons), "person")
    households = _unique((h.household_id for h in pub.households), "household")
    records = _unique((r.record_key for r in pub.records), "record")
    _unique((i.item_id for i in pub.review_items), "review item")
    for r in pub.records:
        if r.dataset not in datasets:
            raise InputError(f"record {r.record_key!r} names dataset {r.dataset!r}, which is not published",
                             where="Publication.records", hint="add a DatasetRow for it")
        if r.person_id not in persons:
            raise InputError(f"record {r.record_key!r} names person {r.person_id!r}, which is not published",
                             where="Publication.records", hint="every record must resolve to a PersonRow")
    for p in pub.persons:
        if p.household_id is not None and p.household_id not in households:
            raise InputError(f"person {p.person_id!r} names household {p.household_id!r}, which is not "
                             "published", where="Publication.persons")
    for m in pub.matches:
        for key in (m.left_key, m.right_key):
            if key not in records:
                raise InputError(f"match {m.left_key!r}-{m.right_key!r} names record {key!r}, which is not "
                                 "published", where="Publication.matches")
    for item in pub.review_items:
        for key in (item.left_key, item.right_key):
            if key is not None and key not in records:
                raise InputError(f"review item {item.item_id!r} names record {key!r}, which is not published",
                                 where="Publication.review_items")
    for code in [p.village_code for p in pub.persons] + [h.village_code for h in pub.households]:
        if code is not None and not code.isdigit():
            raise InputError(f"village code {code!r} is not digits", where="Publication",
                             hint="standardise village codes to 10 digits without dots")
