"""Dates, sex, relationship, village and phone codes, and ``canonicalise`` as a whole."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkage.canonical import RECORD_COLUMNS, Flag
from linkage.standardise import (
    STANDARD_COLUMNS,
    canonicalise,
    is_placeholder,
    parse_date,
    parse_phone,
    parse_relationship,
    parse_sex,
    parse_village,
)


@pytest.mark.parametrize("text", ["1990-12-05", "1990/12/05", "05/12/1990", "05-12-1990", "5.12.1990",
                                  "05 Desember 1990", "5 DES 1990", "05-Dec-1990", "19901205", "05121990",
                                  "1990-12-05 00:00:00", "1990-12-05T00:00:00"])
def test_common_agency_formats(text: str) -> None:
    assert parse_date(text) == date(1990, 12, 5)


@pytest.mark.parametrize("text", ["", "31/02/1990", "1990-13-01", "kemarin", "00/00/0000", "12/1990",
                                  "32 Januari 1990", "01/01/1700"])
def test_unparseable_dates(text: str) -> None:
    assert parse_date(text) is None


def test_dataset_format_first_then_detection() -> None:
    assert parse_date("12/05/1990", "%m/%d/%Y") == date(1990, 12, 5)
    assert parse_date("12/05/1990") == date(1990, 5, 12)        # detection is day-first
    assert parse_date("1990-12-05", "%m/%d/%Y") == date(1990, 12, 5)  # mixed column: falls back


_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%Y/%m/%d", "%d %B %Y", "%d-%b-%Y"]


@given(st.dates(date(1900, 1, 1), date(2030, 12, 31)), st.sampled_from(_FORMATS))
def test_property_detected_formats_round_trip(value: date, fmt: str) -> None:
    assert parse_date(value.strftime(fmt)) == value


@given(st.dates(date(1927, 1, 1), date(2026, 12, 31)),
       st.sampled_from(["%m/%d/%Y", "%d%m%Y", "%y%m%d", "%d/%m/%y", "%Y.%m.%d", "%m-%d-%y"]))
def test_property_declared_format_round_trip(value: date, fmt: str) -> None:
    assert parse_date(value.strftime(fmt), fmt) == value


@given(st.text(max_size=30))
def test_property_parse_date_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result is None or date(1880, 1, 1) <= result


def test_placeholders() -> None:
    assert is_placeholder(date(1970, 1, 1)) and is_placeholder(date(1965, 12, 31))
    assert not is_placeholder(date(1970, 1, 2))


@pytest.mark.parametrize(("raw", "sex"), [
    ("L", "L"), ("l", "L"), ("LAKI-LAKI", "L"), ("Laki laki", "L"), ("1", "L"), ("M", "L"), ("PRIA", "L"),
    ("P", "P"), ("PEREMPUAN", "P"), ("2", "P"), ("F", "P"), ("wanita", "P"), ("X", None), ("3", None),
])
def test_sex_codes(raw: str, sex: str | None) -> None:
    assert parse_sex(raw) == sex


@pytest.mark.parametrize(("raw", "rel"), [
    ("1", "head"), ("KEPALA KELUARGA", "head"), ("Kepala Rumah Tangga", "head"), ("2", "spouse"),
    ("ISTRI", "spouse"), ("3", "child"), ("anak kandung", "child"), ("4", "in_law"), ("MENANTU", "in_law"),
    ("5", "grandchild"), ("CUCU", "grandchild"), ("6", "parent"), ("orang tua", "parent"),
    ("7", "other"), ("TETANGGA", "other"), ("in_law", "in_law"),
])
def test_relationship_codes(raw: str, rel: str) -> None:
    assert parse_relationship(raw) == rel


@pytest.mark.parametrize(("raw", "code"), [
    ("3273011001", "3273011001"), ("32.73.01.1001", "3273011001"), ("32 73 01 1001", "3273011001"),
    ("327301100", None), ("32730110011", None), ("32.73.01.100A", None),
])
def test_village_codes(raw: str, code: str | None) -> None:
    assert parse_village(raw) == code


@pytest.mark.parametrize(("raw", "phone"), [
    ("+62 812-3456-7890", "6281234567890"), ("081234567890", "6281234567890"),
    ("6281234567890", "6281234567890"), ("(022) 7654321", "62227654321"), ("81234567890", "6281234567890"),
    ("12345", None), ("08", None), ("0812345678901234", None), ("0812-ABC", None), ("+1 202 555 0100", None),
])
def test_phones(raw: str, phone: str | None) -> None:
    assert parse_phone(raw) == phone


def test_canonicalise_fills_every_standard_column_and_only_record_columns() -> None:
    values, flags = canonicalise({})
    assert set(values) == set(STANDARD_COLUMNS) <= set(RECORD_COLUMNS)
    assert flags == [Flag.NIK_MISSING, Flag.NAME_MISSING]


def test_canonicalise_full_record() -> None:
    values, flags = canonicalise({
        "nik": "3273014512900002", "kk": "32.73.01.2003.15.0007".replace(".", ""),
        "full_name": "Hj. Siti Aminah", "birth_date": "05/12/1990", "sex": "2",
        "mother_name": "Dewi  Sartika",
        "relationship": "ISTRI", "village_code": "32.73.01.1001", "phone": "0812 3456 7890",
        "birth_place": "bandung", "address": " Jl.  Merdeka  5 ", "postcode": "40 111", "other_id": " A1 ",
        "death_date": "2024-03-01",
    })
    assert flags == []
    assert values["nik_sex"] == values["sex"] == "P" and values["nik_valid"] is True
    assert values["nik_birth_date"] == values["birth_date"] == date(1990, 12, 5)
    assert values["birth_date_placeholder"] is False
    assert (values["full_name"], values["name_titles"]) == ("SITI AMINAH", "HJ.")
    assert values["name_key"] == "SITI AMINAH"
    assert (values["mother_name"], values["mother_name_key"]) == ("DEWI SARTIKA", "DEWI SARTIKA")
    assert (values["relationship"], values["village_code"], values["phone"]) == ("spouse", "3273011001",
                                                                               "6281234567890")
    assert (values["birth_place"], values["address"], values["postcode"], values["other_id"]) == (
        "BANDUNG", "JL. MERDEKA 5", "40111", "A1")
    assert values["death_date"] == date(2024, 3, 1) and values["kk"] == "3273012003150007"


def test_nik_disagreeing_with_record_is_flagged_not_rejected() -> None:
    values, flags = canonicalise({"nik": "3273014512900002", "full_name": "Budi", "birth_date": "1990-05-12",
                                  "sex": "L"})
    assert values["nik"] == "3273014512900002" and values["sex"] == "L"
    assert flags == [Flag.NIK_BIRTH_DATE_MISMATCH, Flag.NIK_SEX_MISMATCH]


def test_nik_century_is_not_a_mismatch() -> None:
    _, flags = canonicalise({"nik": "3273010101200001", "full_name": "Budi", "birth_date": "1920-01-02"})
    assert Flag.NIK_BIRTH_DATE_MISMATCH in flags  # 02 vs 01 differs
    _, flags = canonicalise({"nik": "3273010201200001", "full_name": "Budi", "birth_date": "1920-01-02"})
    assert Flag.NIK_BIRTH_DATE_MISMATCH not in flags


@pytest.mark.parametrize(("field", "raw", "flag"), [
    ("birth_date", "31/02/1990", Flag.BIRTH_DATE_UNPARSEABLE), ("birth_date", "01/01/1970",
                                                               Flag.BIRTH_DATE_PLACEHOLDER),
    ("birth_date", "31-12-1965", Flag.BIRTH_DATE_PLACEHOLDER),
    ("death_date", "soon", Flag.DEATH_DATE_UNPARSEABLE),
    ("sex", "X", Flag.SEX_UNKNOWN), ("village_code", "3273", Flag.VILLAGE_CODE_MALFORMED),
    ("phone", "123", Flag.PHONE_MALFORMED), ("kk", "12AB", Flag.KK_MALFORMED),
    ("nik", "32730105129OOO01", Flag.NIK_MALFORMED),
])
def test_each_flag(field: str, raw: str, flag: Flag) -> None:
    values, flags = canonicalise({"full_name": "Budi", "nik": "3273010101700001", field: raw})
    assert flag in flags
    if flag is not Flag.BIRTH_DATE_PLACEHOLDER:
        assert values[field] is None


def test_native_values_from_parquet() -> None:
    values, flags = canonicalise({"full_name": "Budi", "nik": 3273010512900001.0,
                                  "birth_date": datetime(1990, 12, 5, 0, 0), "death_date": float("nan"),
                                  "sex": None})
    assert values["nik"] == "3273010512900001" and values["birth_date"] == date(1990, 12, 5)
    assert values["death_date"] is None and flags == []


def test_declared_date_format_applies_to_death_date_too() -> None:
    values, _ = canonicalise({"full_name": "Budi", "birth_date": "12/05/1990", "death_date": "01/02/2024"},
                             date_format="%m/%d/%Y")
    assert values["birth_date"] == date(1990, 12, 5) and values["death_date"] == date(2024, 1, 2)


_FIELDS = ["nik", "kk", "full_name", "birth_date", "birth_place", "sex", "mother_name", "relationship",
           "address", "village_code", "postcode", "locality", "phone", "other_id", "death_date"]


@given(st.dictionaries(st.sampled_from(_FIELDS), st.one_of(st.none(), st.text(max_size=40),
                                                            st.integers(), st.floats(allow_nan=True))),
       st.sampled_from([None, "%d/%m/%Y", "%Y%m%d", "%d %B %Y"]))
def test_property_canonicalise_never_raises_and_keeps_invariants(values: dict, fmt: str | None) -> None:
    out, flags = canonicalise(values, date_format=fmt)
    assert tuple(out) == STANDARD_COLUMNS and len(set(flags)) == len(flags)
    assert out["nik"] is None or (len(out["nik"]) == 16 and out["nik"].isdigit())
    assert out["village_code"] is None or (len(out["village_code"]) == 10 and out["village_code"].isdigit())
    assert out["phone"] is None or (out["phone"].startswith("62") and out["phone"].isdigit())
    assert out["sex"] in (None, "L", "P") and out["nik_sex"] in (None, "L", "P")
    assert out["relationship"] in (None, "head", "spouse", "child", "parent", "in_law", "grandchild", "other")
    assert (out["full_name"] is None) == (Flag.NAME_MISSING in flags)
    assert (out["nik"] is None) == (Flag.NIK_MISSING in flags or Flag.NIK_MALFORMED in flags)
    if out["full_name"] is not None:
        assert out["full_name"] == out["full_name"].upper().strip() and "  " not in out["full_name"]
