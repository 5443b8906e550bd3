"""NIK and KK numbers: parse, validate, and build them.

A NIK is 16 digits: the Kemendagri district of first registration (6), the
birth date as DDMMYY with 40 added to the day for women, and a 4-digit serial.
It never changes when a person moves, and a wrong embedded date is never
corrected, so a NIK that disagrees with a record's birth date or sex is a flag
on the record, never a rejection. A KK (family card) number has the same shape:
issuing district (6), issue date (6), serial (4).

Example:
    >>> info = parse_nik("3273 0141 1290 0001")
    >>> info.nik, info.birth_date, info.sex, info.flags
    ('3273014112900001', datetime.date(1990, 12, 1), 'P', ())
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from linkage.canonical import Flag

__all__ = ["PROVINCES", "NikInfo", "format_nik", "nik_date_parts", "parse_kk", "parse_nik"]

#: Kemendagri province codes (two digits) and names, including the 2022 Papua provinces.
PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

_SEPARATORS = re.compile(r"[\s.\-'`]+")
_DIGITS16 = re.compile(r"\d{16}")

#: Two-digit years above this are read as 19YY, others as 20YY (no one is registered before birth).
_CENTURY_PIVOT = 26


@dataclass(frozen=True, slots=True)
class NikInfo:
    """What a NIK says. ``nik`` is None unless it is 16 digits; ``flags`` explain every doubt."""

    nik: str | None
    valid: bool
    birth_date: date | None
    sex: str | None
    flags: tuple[Flag, ...]

    @property
    def day_month_year(self) -> tuple[int, int, int] | None:
        """The embedded (day, month, two-digit year), century-free, for comparing with a birth date."""
        if self.nik is None or self.birth_date is None:
            return None
        return self.birth_date.day, self.birth_date.month, self.birth_date.year % 100


def _clean(raw: object) -> str:
    text = "" if raw is None else str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a spreadsheet stored it as a float
        text = text[:-2]
    return _SEPARATORS.sub("", text)


def nik_date_parts(nik: str) -> tuple[int, int, int, str]:
    """(day, month, two-digit year, sex) embedded in a 16-digit NIK; day has the +40 removed."""
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    return (day - 40 if day > 40 else day), month, year, sex


@lru_cache(maxsize=262_144)
def parse_nik(raw: object) -> NikInfo:
    """Validate a NIK: 16 digits, a known province, a real embedded date; sex from the day offset."""
    text = _clean(raw)
    if not text:
        return NikInfo(None, False, None, None, (Flag.NIK_MISSING,))
    if not _DIGITS16.fullmatch(text):
        return NikInfo(None, False, None, None, (Flag.NIK_MALFORMED,))
    flags: list[Flag] = []
    if text[:2] not in PROVINCES:
        flags.append(Flag.NIK_UNKNOWN_PROVINCE)
    day, month, yy, sex = nik_date_parts(text)
    year = 1900 + yy if yy > _CENTURY_PIVOT else 2000 + yy
    try:
        born: date | None = date(year, month, day)
    except ValueError:
        born, sex_out = None, None
        flags.append(Flag.NIK_INVALID_DATE)
    else:
        sex_out = sex
    return NikInfo(text, not flags, born, sex_out, tuple(flags))


def parse_kk(raw: object) -> tuple[str | None, Flag | None]:
    """A KK number: 16 digits, a known province and a plausible issue month; else a flag."""
    text = _clean(raw)
    if not text:
        return None, None
    if not _DIGITS16.fullmatch(text) or text[:2] not in PROVINCES or not 1 <= int(text[8:10]) <= 12:
        return None, Flag.KK_MALFORMED
    return text, None


def format_nik(district: str, born: date, sex: str, serial: int) -> str:
    """Build a NIK (also the shape of a KK, with an issue date and sex 'L')."""
    if len(district) != 6 or not district.isdigit():
        raise ValueError(f"district code must be 6 digits, got {district!r}")
    day = born.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{born.month:02d}{born.year % 100:02d}{serial % 10_000:04d}"
