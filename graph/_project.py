"""Which flat properties a reader may select, and how selected rows become views.

``*_props_for(visibility)`` lists the property names a store puts in its
SELECT / RETURN: a property of an unallowed group is not in the list (the store
selects ``NULL`` for it), and NIK/KK are replaced by their masked twins
without FieldGroup.NIK. ``*_view(row)`` turns the selected values (a mapping
that may lack any unselected name) into a view. Both stores use both halves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from graph._flatten import ATTRIBUTE_COLUMNS, ORIGINAL_COLUMNS
from graph.model import FieldGroup, Verification, Visibility
from graph.views import (
    HOUSEHOLD_GROUPS,
    PERSON_GROUPS,
    RECORD_GROUPS,
    HouseholdView,
    PersonView,
    RecordView,
)

__all__ = [
    "household_props_for",
    "household_view",
    "load_map",
    "parse_time",
    "person_props_for",
    "person_view",
    "record_props_for",
    "record_view",
]

_PERSON_JSON = ("health", "education")


def _allowed(table: Mapping[str, FieldGroup], vis: Visibility) -> list[str]:
    return [name for name, group in table.items() if vis.allows(group)]


def _nik(vis: Visibility, name: str) -> str:
    return name if vis.allows(FieldGroup.NIK) else f"{name}_masked"


def person_props_for(vis: Visibility) -> list[str]:
    return ["person_id", _nik(vis, "nik"), *_allowed(PERSON_GROUPS, vis)]


def household_props_for(vis: Visibility) -> list[str]:
    return ["household_id", _nik(vis, "kk"), "village_code", *_allowed(HOUSEHOLD_GROUPS, vis)]


def record_props_for(vis: Visibility) -> list[str]:
    return ["record_key", "dataset", "source_id", "person_id", "agency", "program", "flags",
            _nik(vis, "nik"), _nik(vis, "kk"), *_allowed(RECORD_GROUPS, vis),
            *_allowed(ATTRIBUTE_COLUMNS, vis), *_allowed(ORIGINAL_COLUMNS, vis)]


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_map(value: Any) -> dict[str, Any]:
    """JSON text (or a map) -> dict; None -> {}."""
    if value is None:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def _either(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name)
    return value if value is not None else row.get(f"{name}_masked")


def person_view(row: Mapping[str, Any]) -> PersonView:
    row = row if isinstance(row, dict) else dict(row)   # sqlite3.Row has no .get
    verification = row.get("verification")
    return PersonView(
        person_id=row["person_id"], nik=_either(row, "nik"), full_name=row.get("full_name"),
        birth_date=_date(row.get("birth_date")), sex=row.get("sex"), birth_place=row.get("birth_place"),
        mother_name=row.get("mother_name"), village_code=row.get("village_code"),
        verification=Verification(verification) if verification is not None else None,
        death_date=_date(row.get("death_date")), address=row.get("address"), phone=row.get("phone"),
        health=load_map(row.get("health")), education=load_map(row.get("education")),
        household_id=row.get("household_id"), role=row.get("role"))


def household_view(row: Mapping[str, Any]) -> HouseholdView:
    row = row if isinstance(row, dict) else dict(row)   # sqlite3.Row has no .get
    decile = row.get("welfare_decile")
    return HouseholdView(
        household_id=row["household_id"], kk=_either(row, "kk"), village_code=row.get("village_code"),
        address=row.get("address"), welfare_decile=int(decile) if decile is not None else None,
        welfare=load_map(row.get("welfare")))


def record_view(row: Mapping[str, Any]) -> RecordView:
    row = row if isinstance(row, dict) else dict(row)   # sqlite3.Row has no .get
    attributes: dict[str, str] = {}
    for col in ATTRIBUTE_COLUMNS:
        attributes.update(load_map(row.get(col)))
    original: dict[str, Any] = {}
    for col in ORIGINAL_COLUMNS:
        original.update(load_map(row.get(col)))
    flags = row.get("flags")
    return RecordView(
        record_key=row["record_key"], dataset=row["dataset"], source_id=row["source_id"],
        person_id=row["person_id"], agency=row.get("agency"), program=row.get("program"),
        nik=_either(row, "nik"), kk=_either(row, "kk"), full_name=row.get("full_name"),
        birth_date=_date(row.get("birth_date")), birth_place=row.get("birth_place"), sex=row.get("sex"),
        mother_name=row.get("mother_name"), relationship=row.get("relationship"),
        village_code=row.get("village_code"), death_date=_date(row.get("death_date")),
        address=row.get("address"), phone=row.get("phone"), attributes=dict(sorted(attributes.items())),
        original=dict(sorted(original.items())), flags=json.loads(flags) if isinstance(flags, str) else
        list(flags or []))


def parse_time(value: Any) -> datetime | None:
    """ISO text (as both stores keep timestamps) -> datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
