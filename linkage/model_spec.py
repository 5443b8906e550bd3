"""The Splink model as data: comparisons for Indonesian identity data and the blocking rules.

Each comparison names the input columns it reads. ``build_settings`` keeps only the
comparisons whose columns carry data in this run, so a sources file that maps no
mother's name (FEBRL, say) does not leave an untrainable comparison behind: nothing
Indonesian is hard-wired beyond what a sources file can leave empty.

The input Splink reads is ``INPUT_SQL`` over the canonical ``records`` table (see
``linkage.canonical``): ``unique_id`` is the record key, sex falls back on the sex
the NIK encodes, and birth year and region prefixes are precomputed for blocking.
"""

from __future__ import annotations

from dataclasses import dataclass

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

__all__ = [
    "BLOCKING_RULES",
    "COMPARISONS",
    "INPUT_COLUMNS",
    "INPUT_SQL",
    "TRAINING_BLOCKS",
    "ComparisonSpec",
    "build_settings",
    "deterministic_rules",
]

#: The columns of the linkage input (a view over ``records``).
INPUT_SQL = """
SELECT record_key AS unique_id, dataset, reference,
       nik, nik_valid, kk, name_key, first_name_key, last_name_key,
       CASE WHEN first_name_key IS NULL THEN NULL ELSE left(first_name_key, 1) END AS first_initial,
       birth_date, coalesce(birth_date_placeholder, false) AS birth_date_placeholder,
       year(birth_date) AS birth_year,
       coalesce(sex, nik_sex) AS sex, mother_name_key, birth_place,
       CASE WHEN length(village_code) = 10 THEN village_code END AS village_code,
       CASE WHEN length(village_code) >= 6 THEN left(village_code, 6) END AS district_code,
       postcode, locality, address, phone, other_id
FROM records
"""

INPUT_COLUMNS: tuple[str, ...] = (
    "unique_id", "dataset", "reference", "nik", "nik_valid", "kk", "name_key", "first_name_key",
    "last_name_key", "first_initial", "birth_date", "birth_date_placeholder", "birth_year", "sex",
    "mother_name_key", "birth_place", "village_code", "district_code", "postcode", "locality", "address",
    "phone", "other_id",
)


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    """One comparison and the input columns it needs (it is dropped when they are all empty)."""

    name: str
    columns: tuple[str, ...]
    build: object   # () -> ComparisonCreator; a callable keeps the spec plain data until compiled


def _nik() -> ComparisonCreator:
    # Family members' NIKs are typed in for each other: the same NIK on two records whose
    # first names or sexes differ is a household tie, not identity. Its own level lets EM
    # give it the (low) weight it deserves instead of the full NIK-agreement weight.
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_description="NIK: exact, shared by a relative, one digit off or transposed",
        comparison_levels=[
            cll.NullLevel("nik"),
            cll.CustomLevel(
                "nik_l = nik_r AND ((first_name_key_l <> first_name_key_r AND "
                "jaro_winkler_similarity(name_key_l, name_key_r) < 0.8) OR sex_l <> sex_r)",
                label_for_charts="same NIK, different first name or sex (a relative's NIK)"),
            cll.ExactMatchLevel("nik"),
            cll.DamerauLevenshteinLevel("nik", 1),
            cll.ElseLevel(),
        ])


def _name() -> ComparisonCreator:
    # Levels from strongest to weakest. The exact level is term-frequency adjusted so
    # "SITI AMINAH" agreeing counts for less than a rare name agreeing.
    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Name on the standardised key (Muhammad variants and old spellings folded)",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key").configure(tf_adjustment_column="name_key"),
            cll.JaroWinklerLevel("name_key", 0.95),
            cll.CustomLevel(
                "first_name_key_l = first_name_key_r AND last_name_key_l = last_name_key_r",
                label_for_charts="first and last name agree (middle name dropped)"),
            cll.CustomLevel(
                "last_name_key_l = last_name_key_r AND first_initial_l = first_initial_r AND "
                "(length(first_name_key_l) = 1 OR length(first_name_key_r) = 1 OR "
                "starts_with(name_key_l, name_key_r) OR starts_with(name_key_r, name_key_l))",
                label_for_charts="initials agree with the full name"),
            cll.CustomLevel(
                "first_name_key_l = first_name_key_r AND (strpos(name_key_l, ' ') = 0 OR "
                "strpos(name_key_r, ' ') = 0)",
                label_for_charts="single name agrees with the first name"),
            cll.JaroWinklerLevel("name_key", 0.88),
            cll.CustomLevel(
                "first_name_key_l = first_name_key_r",
                label_for_charts="first name agrees").configure(tf_adjustment_column="first_name_key"),
            cll.ElseLevel(),
        ])


def _birth_date() -> ComparisonCreator:
    # 1 January / 31 December stand in for unknown dates: agreement on them is weak.
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_description="Birth date: exact, placeholder, day/month swapped, one year off",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.CustomLevel("birth_date_l = birth_date_r AND NOT birth_date_placeholder_l",
                            label_for_charts="exact"),
            cll.CustomLevel("birth_date_l = birth_date_r", label_for_charts="exact, placeholder date"),
            cll.CustomLevel("year(birth_date_l) = year(birth_date_r) AND day(birth_date_l) = "
                            "month(birth_date_r) AND month(birth_date_l) = day(birth_date_r)",
                            label_for_charts="day and month swapped"),
            cll.CustomLevel("abs(year(birth_date_l) - year(birth_date_r)) = 1 AND month(birth_date_l) = "
                            "month(birth_date_r) AND day(birth_date_l) = day(birth_date_r)",
                            label_for_charts="one year off"),
            cll.CustomLevel("birth_date_placeholder_l OR birth_date_placeholder_r",
                            label_for_charts="a placeholder date against another"),
            cll.AbsoluteDateDifferenceLevel("birth_date", threshold=31, metric="day", input_is_string=False),
            cll.ElseLevel(),
        ])


def _location() -> ComparisonCreator:
    # Kemendagri codes nest: village (10) > district (6) > regency (4).
    return cl.CustomComparison(
        output_column_name="location",
        comparison_description="Village > district > regency (prefixes of the village code)",
        comparison_levels=[
            cll.NullLevel("village_code"),
            cll.ExactMatchLevel("village_code"),
            cll.CustomLevel("left(village_code_l, 6) = left(village_code_r, 6)", label_for_charts="district"),
            cll.CustomLevel("left(village_code_l, 4) = left(village_code_r, 4)", label_for_charts="regency"),
            cll.ElseLevel(),
        ])


def _exact(col: str) -> ComparisonCreator:
    return cl.ExactMatch(col)


def _fuzzy(col: str) -> ComparisonCreator:
    return cl.JaroWinklerAtThresholds(col, [0.92, 0.8])


COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("nik", ("nik",), _nik),
    ComparisonSpec("name", ("name_key",), _name),
    ComparisonSpec("birth_date", ("birth_date",), _birth_date),
    ComparisonSpec("sex", ("sex",), lambda: _exact("sex")),
    ComparisonSpec("mother_name", ("mother_name_key",), lambda: _fuzzy("mother_name_key")),
    ComparisonSpec("birth_place", ("birth_place",), lambda: _fuzzy("birth_place")),
    ComparisonSpec("location", ("village_code",), _location),
    ComparisonSpec("kk", ("kk",), lambda: _exact("kk")),
    ComparisonSpec("phone", ("phone",), lambda: _exact("phone")),
    ComparisonSpec("other_id", ("other_id",),
                   lambda: cl.DamerauLevenshteinAtThresholds("other_id", [1])),
    ComparisonSpec("postcode", ("postcode",), lambda: _exact("postcode")),
    ComparisonSpec("locality", ("locality",), lambda: _fuzzy("locality")),
    ComparisonSpec("address", ("address",), lambda: cl.JaroWinklerAtThresholds("address", [0.95, 0.85])),
)

#: Prediction blocking rules (a pair is scored when any rule holds). Each is small on
#: its own; together they catch a person whose NIK, name or birth date is wrong, as
#: long as not all of them are. Columns not present in the data are dropped.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("nik",),
    ("other_id",),
    ("name_key", "birth_year"),
    ("first_name_key", "birth_date"),
    ("last_name_key", "birth_date"),
    ("birth_date", "village_code"),
    ("first_name_key", "last_name_key", "village_code"),
    ("mother_name_key", "birth_year"),
    ("kk", "first_initial"),
    ("phone",),
    ("birth_date", "postcode"),
    ("name_key", "postcode"),
)

#: EM training blocks: each leaves the comparisons it does not block on to be estimated.
TRAINING_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("nik",),
    ("name_key", "birth_date"),
    ("other_id",),
    ("birth_date", "village_code"),
    ("birth_date", "postcode"),
)


def deterministic_rules(present: set[str]) -> list[str]:
    """Near-certain match rules used to estimate the prior (probability two random records match)."""
    rules = []
    if {"nik", "birth_date"} <= present:
        rules.append("l.nik = r.nik AND l.birth_date = r.birth_date")
    if {"name_key", "birth_date"} <= present:
        rules.append("l.name_key = r.name_key AND l.birth_date = r.birth_date")
    if "other_id" in present:
        rules.append("l.other_id = r.other_id")
    return rules


def build_settings(present: set[str], *, link_type: str = "dedupe_only") -> SettingsCreator:
    """Compile the spec for the columns that carry data (``present``) into Splink settings."""
    comparisons = [spec.build() for spec in COMPARISONS if set(spec.columns) <= present]
    rules = [block_on(*cols) for cols in BLOCKING_RULES if set(cols) <= present | {"first_initial"}
             and not ("first_initial" in cols and "first_name_key" not in present)]
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["nik_valid", "reference"],
    )


def training_blocks(present: set[str]) -> list[tuple[str, ...]]:
    """The EM blocks whose columns carry data."""
    return [cols for cols in TRAINING_BLOCKS if set(cols) <= present]
