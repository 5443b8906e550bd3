"""Small code tables and parsers: sex, relationship, village code, phone, dates.

Each agency codes the same fact its own way (``L``/``P``, ``1``/``2``,
``LAKI-LAKI``, ``M``/``F``; ``31/12/1980``, ``1980-12-31``, ``31 Des 1980``).
These parsers return the canonical value or None; the caller decides the flag.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

__all__ = ["is_placeholder", "parse_date", "parse_phone", "parse_relationship", "parse_sex",
           "parse_village"]

_SEX = {
    "L": "L", "LK": "L", "LAKI-LAKI": "L", "LAKI LAKI": "L", "LAKILAKI": "L", "LAKI": "L", "PRIA": "L",
    "1": "L", "M": "L", "MALE": "L",
    "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "2": "P", "F": "P", "W": "P", "FEMALE": "P",
}

_RELATIONSHIP = {
    "1": "head", "KEPALA KELUARGA": "head", "KEPALA RUMAH TANGGA": "head", "KRT": "head", "KK": "head",
    "HEAD": "head", "KEPALA": "head",
    "2": "spouse", "ISTRI": "spouse", "ISTERI": "spouse", "SUAMI": "spouse", "SUAMI/ISTRI": "spouse",
    "ISTRI/SUAMI": "spouse", "SPOUSE": "spouse",
    "3": "child", "ANAK": "child", "ANAK KANDUNG": "child", "ANAK TIRI": "child", "ANAK ANGKAT": "child",
    "CHILD": "child",
    "4": "in_law", "MENANTU": "in_law", "MERTUA": "in_law", "IN_LAW": "in_law",
    "5": "grandchild", "CUCU": "grandchild", "GRANDCHILD": "grandchild",
    "6": "parent", "ORANG TUA": "parent", "ORANGTUA": "parent", "AYAH": "parent", "IBU": "parent",
    "PARENT": "parent",
    "7": "other", "8": "other", "FAMILI LAIN": "other", "LAINNYA": "other", "PEMBANTU": "other",
    "OTHER": "other",
}

_MONTHS = {
    "JAN": 1, "JANUARI": 1, "JANUARY": 1, "FEB": 2, "PEB": 2, "FEBRUARI": 2, "FEBRUARY": 2,
    "MAR": 3, "MARET": 3, "MARCH": 3, "APR": 4, "APRIL": 4, "MEI": 5, "MAY": 5, "JUN": 6, "JUNI": 6,
    "JUNE": 6, "JUL": 7, "JULI": 7, "JULY": 7, "AGU": 8, "AGS": 8, "AGT": 8, "AGUSTUS": 8, "AUG": 8,
    "AUGUST": 8, "SEP": 9, "SEPT": 9, "SEPTEMBER": 9, "OKT": 10, "OCT": 10, "OKTOBER": 10, "OCTOBER": 10,
    "NOV": 11, "NOPEMBER": 11, "NOVEMBER": 11, "DES": 12, "DEC": 12, "DESEMBER": 12, "DECEMBER": 12,
}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_NAMED = re.compile(r"(\d{1,2})[ \-/]+([A-Z]+)\.?[ \-/]+(\d{4})")
_COMPACT = re.compile(r"\d{8}")
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_EARLIEST = date(1880, 1, 1)
_LATEST_YEAR = 2026


def parse_sex(raw: str) -> str | None:
    """'L' or 'P' from any of the agencies' codings; None if unrecognised."""
    return _SEX.get(raw.strip().upper().rstrip("."))


def parse_relationship(raw: str) -> str:
    """head/spouse/child/parent/in_law/grandchild/other from DTKS codes or words."""
    text = " ".join(raw.strip().upper().replace("_", " ").split())
    return _RELATIONSHIP.get(text) or _RELATIONSHIP.get(text.replace(" ", "_"), "other")


def parse_village(raw: str) -> str | None:
    """A 10-digit Kemendagri village code from '32.73.01.1001' or '3273011001'; None if not that shape."""
    text = raw.strip().replace(".", "").replace(" ", "")
    if text.endswith("0") and text[:-1].isdigit() and len(text) == 11 and raw.strip().endswith(".0"):
        text = text[:-1]
    return text if len(text) == 10 and text.isdigit() else None


def parse_phone(raw: str) -> str | None:
    """E.164 digits without '+' (``6281234567890``) from +62 / 62 / 0 / bare 8 forms; None if implausible."""
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("+"):
        text = text[1:]
    if not text.isdigit():
        return None
    if text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    elif text.startswith("8"):
        national = text
    else:
        return None
    if national.startswith("0") or not 8 <= len(national) <= 12:
        return None
    return "62" + national


def _make(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if value >= _EARLIEST else None


_DIRECTIVES = {"d": "(?P<d>\\d{%s})", "m": "(?P<m>\\d{%s})", "Y": "(?P<Y>\\d{4})", "y": "(?P<y>\\d{2})"}


@lru_cache(maxsize=64)
def _format_regex(date_format: str) -> re.Pattern[str] | None:
    """A regex for a numeric ``strptime`` format (``%d/%m/%Y``, ``%Y%m%d``): several times faster."""
    parts = re.split(r"(%.)", date_format)
    directives = [p[1] for p in parts if p.startswith("%")]
    if not directives or any(d not in _DIRECTIVES for d in directives) or any(
            re.search(r"[A-Za-z0-9%]", p) for p in parts if not p.startswith("%")):
        return None
    width = "2" if all(not p for p in parts if not p.startswith("%")) else "1,2"
    return re.compile("".join(_DIRECTIVES[p[1]].replace("%s", width) if p.startswith("%") else re.escape(p)
                              for p in parts))


def _by_format(text: str, date_format: str) -> date | None:
    pattern = _format_regex(date_format)
    if pattern is None:
        try:
            value = datetime.strptime(text, date_format).date()
        except ValueError:
            return None
        # a two-digit year is never in the future: '68' is 1968, not 2068
        return value.replace(year=value.year - 100) if value.year > _LATEST_YEAR else value
    m = pattern.fullmatch(text)
    if m is None:
        return None
    parts = m.groupdict()
    year = int(parts["Y"]) if "Y" in parts else _two_digit_year(int(parts["y"]))
    return _make(year, int(parts.get("m") or 1), int(parts.get("d") or 1))


def _two_digit_year(yy: int) -> int:
    return 1900 + yy if 2000 + yy > _LATEST_YEAR else 2000 + yy


@lru_cache(maxsize=262_144)
def parse_date(raw: str, date_format: str | None = None) -> date | None:
    """A date from the dataset's ``date_format`` or, failing that, the common agency formats.

    Detection never reads month-first (US) dates: ``03/04/1990`` is 3 April.
    """
    text = raw.strip().upper()
    if not text:
        return None
    if date_format and (value := _by_format(text, date_format)) is not None:
        return value
    if m := _ISO.fullmatch(text):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.fullmatch(text):
        return _make(int(m[3]), int(m[2]), int(m[1]))
    if m := _NAMED.fullmatch(text):
        month = _MONTHS.get(m[2])
        return _make(int(m[3]), month, int(m[1])) if month else None
    if _COMPACT.fullmatch(text):  # ISO basic first (19901205), then day-first (05121990)
        return _make(int(text[:4]), int(text[4:6]), int(text[6:])) or _make(
            int(text[4:]), int(text[2:4]), int(text[:2]))
    return None


def is_placeholder(value: date) -> bool:
    """1 January and 31 December stand for 'birth date unknown' in registry practice."""
    return (value.month, value.day) in ((1, 1), (12, 31))
