"""The canonical record: the one shape every agency's row is mapped onto.

This is the contract between intake (which writes the ``records`` and
``quarantine`` tables of the DuckDB workspace), the Splink model (which reads
``records``) and publishing (which turns records into graph nodes).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "CANONICAL_FIELDS",
    "QUARANTINE_COLUMNS",
    "RECORD_COLUMNS",
    "Flag",
    "QuarantineReason",
    "record_key",
]

#: Fields a sources file may map (DESIGN.md, "Canonical record").
CANONICAL_FIELDS: tuple[str, ...] = (
    "nik", "kk", "full_name", "birth_date", "birth_place", "sex", "mother_name",
    "relationship", "address", "village_code", "postcode", "locality", "phone",
    "other_id", "death_date",
)

#: Columns of the workspace table ``records`` with their DuckDB types.
#: Standardised values sit beside the originals (``original`` keeps the raw
#: source values of every mapped field, as a JSON object).
RECORD_COLUMNS: dict[str, str] = {
    "record_key": "VARCHAR",        # "<dataset>:<source_id>", unique across the workspace
    "dataset": "VARCHAR",
    "source_id": "VARCHAR",
    "row_number": "BIGINT",         # 1-based data row in the source file (header excluded)
    "agency": "VARCHAR",
    "program": "VARCHAR",           # NULL when the dataset is not a program enrolment list
    "reference": "BOOLEAN",         # the Dukcapil civil-registry extract
    "nik": "VARCHAR",               # 16 digits, or NULL when missing or not 16 digits
    "nik_valid": "BOOLEAN",         # known province, real embedded date
    "nik_birth_date": "DATE",       # the date embedded in the NIK (day-40 for women)
    "nik_sex": "VARCHAR",           # 'L' or 'P', from the NIK's day offset
    "kk": "VARCHAR",
    "full_name": "VARCHAR",         # upper case, collapsed spaces, titles removed
    "name_titles": "VARCHAR",       # titles that were removed, space separated ("H. DRS.")
    "name_key": "VARCHAR",          # comparison key: Muhammad variants and old spellings folded
    "first_name_key": "VARCHAR",
    "last_name_key": "VARCHAR",
    "birth_date": "DATE",
    "birth_date_placeholder": "BOOLEAN",  # 1 January or 31 December
    "birth_place": "VARCHAR",
    "sex": "VARCHAR",               # 'L' (laki-laki) or 'P' (perempuan)
    "mother_name": "VARCHAR",
    "mother_name_key": "VARCHAR",
    "relationship": "VARCHAR",      # head, spouse, child, parent, in_law, grandchild, other
    "address": "VARCHAR",
    "village_code": "VARCHAR",      # 10 digits, no dots
    "postcode": "VARCHAR",
    "locality": "VARCHAR",
    "phone": "VARCHAR",             # E.164 digits without '+', e.g. 6281234567890
    "other_id": "VARCHAR",
    "death_date": "DATE",
    "attributes": "JSON",           # named extra columns (welfare_decile, school, ...)
    "original": "JSON",             # raw source values of the mapped fields
    "flags": "VARCHAR[]",           # values of Flag
}

QUARANTINE_COLUMNS: dict[str, str] = {
    "dataset": "VARCHAR",
    "row_number": "BIGINT",
    "source_id": "VARCHAR",
    "reason": "VARCHAR",            # a QuarantineReason value
    "detail": "VARCHAR",            # human-readable: what and where
    "raw": "JSON",                  # the row as read, so nothing is lost
}


class QuarantineReason(StrEnum):
    """Why a row could not be loaded. Machine-readable; counted in the report."""

    NO_NAME_NO_NIK = "no_name_no_nik"
    UNPARSEABLE_ROW = "unparseable_row"
    DUPLICATE_SOURCE_ID = "duplicate_source_id"
    MISSING_SOURCE_ID = "missing_source_id"
    CELL_TOO_LONG = "cell_too_long"


class Flag(StrEnum):
    """Something odd about a loaded record. The record is kept; the flag is counted."""

    NIK_MISSING = "nik_missing"
    NIK_MALFORMED = "nik_malformed"            # not 16 digits (letters, too short, ...)
    NIK_UNKNOWN_PROVINCE = "nik_unknown_province"
    NIK_INVALID_DATE = "nik_invalid_date"
    NIK_BIRTH_DATE_MISMATCH = "nik_birth_date_mismatch"
    NIK_SEX_MISMATCH = "nik_sex_mismatch"
    KK_MALFORMED = "kk_malformed"
    VILLAGE_CODE_MALFORMED = "village_code_malformed"
    BIRTH_DATE_UNPARSEABLE = "birth_date_unparseable"
    BIRTH_DATE_PLACEHOLDER = "birth_date_placeholder"
    DEATH_DATE_UNPARSEABLE = "death_date_unparseable"
    SEX_UNKNOWN = "sex_unknown"
    PHONE_MALFORMED = "phone_malformed"
    NAME_MISSING = "name_missing"
    NAME_TRUNCATED = "name_truncated"


def record_key(dataset: str, source_id: str) -> str:
    """The workspace-wide key of a source row; also Splink's ``unique_id``."""
    return f"{dataset}:{source_id}"
