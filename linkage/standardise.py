"""Standardise one record's raw values into the canonical columns, with flags.

``canonicalise`` is the one code path from raw agency values to the standardised
columns of ``linkage.canonical.RECORD_COLUMNS``: intake runs it on every row and
the real-time matcher runs it on every proposal, so a record means the same
thing whichever door it came in by. It never rejects: what it cannot read
becomes None plus a ``Flag``; quarantine is the caller's decision.

Example:
    >>> values, flags = canonicalise({"nik": "3273014112900001", "full_name": "Hj. Siti  Aminah",
    ...                               "birth_date": "01-12-1990", "sex": "PEREMPUAN"})
    >>> values["full_name"], values["name_titles"], values["sex"], values["birth_date"], flags
    ('SITI AMINAH', 'HJ.', 'P', datetime.date(1990, 12, 1), [])
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from linkage._codes import (
    is_placeholder,
    parse_date,
    parse_phone,
    parse_relationship,
    parse_sex,
    parse_village,
)
from linkage._names import StandardName, name_key, standard_name
from linkage.canonical import RECORD_COLUMNS, Flag
from linkage.nik import parse_kk, parse_nik

__all__ = [
    "STANDARD_COLUMNS", "canonicalise", "is_placeholder", "name_key", "parse_date", "parse_phone",
    "parse_relationship", "parse_sex", "parse_village", "standard_name",
]

#: The record columns ``canonicalise`` fills, always all of them (None when unknown), in table order.
_NAMES = list(RECORD_COLUMNS)
STANDARD_COLUMNS: tuple[str, ...] = tuple(_NAMES[_NAMES.index("reference") + 1:_NAMES.index("attributes")])


def _text(raw: object) -> str:
    """Raw cell to text: None/NaN to '', a float that is an integer without its '.0'."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw != raw:  # NaN from a Parquet/pandas null
            return ""
        if raw.is_integer():
            return str(int(raw))
    return " ".join(str(raw).split())


def _date(raw: object, date_format: str | None) -> tuple[date | None, bool]:
    """(date or None, whether there was something to parse)."""
    if isinstance(raw, datetime):
        return raw.date(), True
    if isinstance(raw, date):
        return raw, True
    text = _text(raw)
    return (parse_date(text, date_format), True) if text else (None, False)


def canonicalise(values: Mapping[str, object], *,
                 date_format: str | None = None) -> tuple[dict[str, object], list[Flag]]:
    """Standardise raw canonical-field values (see ``CANONICAL_FIELDS``) into ``STANDARD_COLUMNS``.

    Args:
        values: raw values keyed by canonical field name; missing keys count as empty.
        date_format: the dataset's ``strptime`` format, tried before the common formats.

    Returns:
        The standardised columns and the flags (each kind once, in a stable order).
    """
    out: dict[str, object] = dict.fromkeys(STANDARD_COLUMNS)
    flags: list[Flag] = []
    # Text once per present value; dates stay native (Parquet DATE, datetime) for ``_date``.
    texts: dict[str, Any] = {k: v if isinstance(v, date) else _text(v) for k, v in values.items()
                             if v is not None}
    get = texts.get

    info = parse_nik(get("nik", ""))
    out["nik"], out["nik_valid"], out["nik_birth_date"], out["nik_sex"] = (
        info.nik, info.valid, info.birth_date, info.sex)
    flags.extend(info.flags)

    kk, kk_flag = parse_kk(get("kk", ""))
    out["kk"] = kk
    if kk_flag:
        flags.append(kk_flag)

    name: StandardName = standard_name(get("full_name", ""))
    out["full_name"], out["name_titles"], out["name_key"], out["first_name_key"], out["last_name_key"] = name
    if name.full_name is None:
        flags.append(Flag.NAME_MISSING)

    born, had_birth = _date(get("birth_date"), date_format)
    out["birth_date"] = born
    out["birth_date_placeholder"] = is_placeholder(born) if born else None
    if had_birth and born is None:
        flags.append(Flag.BIRTH_DATE_UNPARSEABLE)
    elif born is not None and is_placeholder(born):
        flags.append(Flag.BIRTH_DATE_PLACEHOLDER)

    sex_text = get("sex", "")
    sex = parse_sex(sex_text) if sex_text else None
    out["sex"] = sex
    if sex_text and sex is None:
        flags.append(Flag.SEX_UNKNOWN)

    if info.birth_date is not None:
        if born is not None and (born.day, born.month, born.year % 100) != info.day_month_year:
            flags.append(Flag.NIK_BIRTH_DATE_MISMATCH)
        if sex is not None and sex != info.sex:
            flags.append(Flag.NIK_SEX_MISMATCH)

    mother = standard_name(get("mother_name", ""))
    out["mother_name"], out["mother_name_key"] = mother.full_name, mother.key

    village_text = get("village_code", "")
    if village_text:
        out["village_code"] = parse_village(village_text)
        if out["village_code"] is None:
            flags.append(Flag.VILLAGE_CODE_MALFORMED)

    phone_text = get("phone", "")
    if phone_text:
        out["phone"] = parse_phone(phone_text)
        if out["phone"] is None:
            flags.append(Flag.PHONE_MALFORMED)

    relationship = get("relationship", "")
    out["relationship"] = parse_relationship(relationship) if relationship else None

    died, had_death = _date(get("death_date"), date_format)
    out["death_date"] = died
    if had_death and died is None:
        flags.append(Flag.DEATH_DATE_UNPARSEABLE)

    for column in ("birth_place", "address", "locality"):
        out[column] = get(column, "").upper() or None
    out["postcode"] = get("postcode", "").replace(" ", "") or None
    out["other_id"] = get("other_id", "") or None
    return out, flags
