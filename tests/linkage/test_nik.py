"""NIK and KK parsing: shape, province, embedded date and sex, and round trips."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkage.canonical import Flag
from linkage.nik import PROVINCES, format_nik, parse_kk, parse_nik


def test_man_and_woman_read_from_day_offset() -> None:
    man = parse_nik("3273010512900001")
    woman = parse_nik("3273014512900002")
    assert (man.birth_date, man.sex, man.valid) == (date(1990, 12, 5), "L", True)
    assert (woman.birth_date, woman.sex, woman.valid) == (date(1990, 12, 5), "P", True)


@pytest.mark.parametrize("raw", ["3273 0105 1290 0001", "3273-0105-1290-0001", "3273.0105.1290.0001",
                                 "3273010512900001.0", " 3273010512900001 "])
def test_separators_and_spreadsheet_floats_are_tolerated(raw: str) -> None:
    assert parse_nik(raw).nik == "3273010512900001"


@pytest.mark.parametrize(("raw", "flag"), [
    ("", Flag.NIK_MISSING), (None, Flag.NIK_MISSING), ("32730105129000", Flag.NIK_MALFORMED),
    ("3273O10512900001", Flag.NIK_MALFORMED), ("32730105129000011", Flag.NIK_MALFORMED),
    ("NIK-TIDAK-ADA", Flag.NIK_MALFORMED),
])
def test_missing_and_malformed(raw: object, flag: Flag) -> None:
    info = parse_nik(raw)
    assert info.nik is None and not info.valid and info.flags == (flag,)


def test_nik_with_letters_is_not_kept() -> None:
    info = parse_nik("32730105129OOO01")
    assert info.nik is None and Flag.NIK_MALFORMED in info.flags


def test_unknown_province_keeps_number_but_not_valid() -> None:
    info = parse_nik("9973010512900001")
    assert info.nik == "9973010512900001" and not info.valid
    assert info.flags == (Flag.NIK_UNKNOWN_PROVINCE,)
    assert info.birth_date == date(1990, 12, 5)


@pytest.mark.parametrize("raw", ["3273013202900001", "3273017202900001", "3273010013900001",
                                 "3273013104900001", "3273010000900001"])
def test_impossible_embedded_dates(raw: str) -> None:
    info = parse_nik(raw)
    assert info.nik == raw and Flag.NIK_INVALID_DATE in info.flags
    assert info.birth_date is None and info.sex is None and not info.valid


def test_century_pivot() -> None:
    assert parse_nik("3273010101050001").birth_date == date(2005, 1, 1)
    assert parse_nik("3273010101480001").birth_date == date(1948, 1, 1)


@given(st.sampled_from(sorted(PROVINCES)), st.integers(1, 99), st.integers(1, 99),
       st.dates(date(1927, 1, 1), date(2026, 12, 31)), st.sampled_from("LP"), st.integers(0, 9999))
def test_round_trip(province: str, regency: int, district: int, born: date, sex: str, serial: int) -> None:
    code = f"{province}{regency:02d}{district:02d}"
    info = parse_nik(format_nik(code, born, sex, serial))
    assert info.valid and info.flags == ()
    assert (info.birth_date, info.sex) == (born, sex)
    assert info.nik is not None and info.nik[:6] == code and int(info.nik[12:]) == serial


@given(st.text(max_size=24))
def test_never_raises_and_flags_explain_invalid(raw: str) -> None:
    info = parse_nik(raw)
    assert info.valid == (info.flags == ())
    assert info.nik is None or (len(info.nik) == 16 and info.nik.isdigit())
    if info.birth_date is not None:
        assert info.sex in ("L", "P")


def test_format_nik_rejects_bad_district() -> None:
    with pytest.raises(ValueError, match="6 digits"):
        format_nik("32730", date(1990, 1, 1), "L", 1)


@pytest.mark.parametrize(("raw", "expected"), [
    ("3273012003150007", ("3273012003150007", None)), ("", (None, None)),
    ("327301200315000", (None, Flag.KK_MALFORMED)), ("3273012099150007", (None, Flag.KK_MALFORMED)),
    ("0073012003150007", (None, Flag.KK_MALFORMED)), ("3273 0120 0315 0007", ("3273012003150007", None)),
])
def test_kk_shape(raw: str, expected: tuple[str | None, Flag | None]) -> None:
    assert parse_kk(raw) == expected
