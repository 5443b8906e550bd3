"""The Splink model as data: comparisons for Indonesian identity data and the blocking rules.

Each comparison names the input columns it reads. ``build_settings`` keeps only the
comparisons whose columns carry data in this run, so a sources file that maps no
mother's name (FEBRL, say) does not leave an untrainable comparison behind: nothing
Indonesian is hard-wired beyond what a sources file can leave empty.

The input Splink reads is ``INPUT_SQL`` over the canonical ``records`` table (see
``linkage.canonical``): ``unique_id`` is the record key, sex falls back on the sex
the NIK encodes, and birth year and region prefixes are precomputed for blocking.
``nik_fits_birth`` says whether the date a NIK embeds is the record's birth date, and
``nik_valid`` here means a NIK that can be the record's own: well formed and not
contradicting the birth date beside it (a relative's NIK typed in embeds the
relative's date), so the chaining guard of :mod:`linkage.clustering` never splits a
person over a NIK that was never theirs.
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
    "FAMILY_TIE_LABELS",
    "INPUT_COLUMNS",
    "INPUT_SQL",
    "TRAINING_BLOCKS",
    "VILLAGE_LOCAL_COLUMNS",
    "ComparisonSpec",
    "build_settings",
    "deterministic_rules",
    "scope_rule",
]

_NIK_FITS_BIRTH = ("(day(nik_birth_date) = day(birth_date) AND month(nik_birth_date) = month(birth_date) "
                   "AND year(nik_birth_date) % 100 = year(birth_date) % 100)")

#: The columns of the linkage input (a view over ``records``).
INPUT_SQL = f"""
SELECT record_key AS unique_id, dataset, reference,
       nik, nik_valid AND coalesce({_NIK_FITS_BIRTH}, true) AS nik_valid,
       {_NIK_FITS_BIRTH} AS nik_fits_birth,
       kk, name_key, first_name_key, last_name_key,
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
    "unique_id", "dataset", "reference", "nik", "nik_valid", "nik_fits_birth", "kk", "name_key",
    "first_name_key", "last_name_key", "first_initial", "birth_date", "birth_date_placeholder", "birth_year",
    "sex", "mother_name_key", "birth_place", "village_code", "district_code", "postcode", "locality",
    "address", "phone", "other_id",
)


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    """One comparison and the input columns it needs (it is dropped when they are all empty)."""

    name: str
    columns: tuple[str, ...]
    build: object   # (present columns) -> ComparisonCreator; compiled late, the spec stays plain data
    any_of: bool = False    # kept when any (not all) of its columns carry data


#: Levels that mean "a relative", not "the same person". Unsupervised EM cannot tell
#: twins from duplicates (both agree on birth date and family), so training pins these
#: levels at weight 0 (m = u): weak evidence, as the domain says, whatever EM thinks.
_RELATIVE_NIK = "same NIK, different name or sex (a relative's NIK)"
_SIBLING_NIK = "a sibling's NIK (same date, another serial or sex, different name)"
_NEAR_NIK = "one digit off in the region or serial (a typo or a neighbour born the same day)"
_MISFIT_NIK = "NIKs differ and one contradicts its record's birth date (someone else's NIK)"
FAMILY_TIE_LABELS: frozenset[str] = frozenset({_RELATIVE_NIK, _SIBLING_NIK, _NEAR_NIK, _MISFIT_NIK})

_NAMES_DIFFER = ("(first_name_key_l <> first_name_key_r AND "
                 "jaro_winkler_similarity(name_key_l, name_key_r) < 0.8)")
# Twins share the family name: their first names tell them apart (initials and typos excepted).
_FIRST_NAMES_DIFFER = ("(length(first_name_key_l) > 1 AND length(first_name_key_r) > 1 AND "
                       "jaro_winkler_similarity(first_name_key_l, first_name_key_r) < 0.9)")


def _nik() -> ComparisonCreator:
    # Family members' NIKs are typed in for each other, and twins' NIKs differ only in
    # the serial (or, for a brother and sister, in the day, which carries +40 for women).
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_description="NIK: exact, shared by a relative, a sibling's, one digit off or transposed",
        comparison_levels=[
            cll.NullLevel("nik"),
            # A relative's NIK embeds the relative's birth date, not this person's; a
            # father and the son named after him share a name, so birth years more than
            # a slip apart say "relative" on their own.
            cll.CustomLevel("nik_l = nik_r AND ((birth_date_l IS DISTINCT FROM birth_date_r AND "
                            f"{_NAMES_DIFFER}) OR sex_l <> sex_r OR "
                            "abs(year(birth_date_l) - year(birth_date_r)) > 1)",
                            label_for_charts=_RELATIVE_NIK),
            cll.ExactMatchLevel("nik"),
            cll.CustomLevel(f"(left(nik_l, 12) = left(nik_r, 12) OR damerau_levenshtein(nik_l, nik_r) <= 1) "
                            f"AND ({_FIRST_NAMES_DIFFER} OR sex_l <> sex_r)",
                            label_for_charts=_SIBLING_NIK),
            # A slip in the date digits is a typo: the birth date is compared on its own.
            cll.CustomLevel("left(nik_l, 6) = left(nik_r, 6) AND right(nik_l, 4) = right(nik_r, 4) AND "
                            "damerau_levenshtein(nik_l, nik_r) <= 1",
                            label_for_charts="one digit off or transposed in the date part"),
            # One digit off in the region or serial is as often a neighbour born the same day
            # (serials restart at 0001 in every district and date) as a typo.
            cll.CustomLevel("damerau_levenshtein(nik_l, nik_r) <= 1", label_for_charts=_NEAR_NIK),
            # A NIK whose embedded date is not its record's birth date was typed from a
            # relative's card: disagreeing with it says nothing about the person.
            cll.CustomLevel("NOT nik_fits_birth_l OR NOT nik_fits_birth_r", label_for_charts=_MISFIT_NIK),
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
            cll.DamerauLevenshteinLevel("name_key", 1),   # short single names: TRI / TNI
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
            # Siblings share a family name: that agreement alone is not the same person, and
            # keeping it apart lets the level below mean "nothing in common".
            cll.CustomLevel("last_name_key_l = last_name_key_r AND strpos(name_key_l, ' ') > 0 AND "
                            "strpos(name_key_r, ' ') > 0", label_for_charts="only the last name agrees"),
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
            cll.CustomLevel("(birth_date_placeholder_l OR birth_date_placeholder_r) AND "
                            "year(birth_date_l) = year(birth_date_r)",
                            label_for_charts="a placeholder date against another of the same year"),
            # a placeholder says "unknown": no evidence either way
            cll.CustomLevel("birth_date_placeholder_l OR birth_date_placeholder_r",
                            label_for_charts="a placeholder date against another",
                            ).configure(is_null_level=True),
            cll.AbsoluteDateDifferenceLevel("birth_date", threshold=31, metric="day", input_is_string=False),
            cll.CustomLevel("abs(year(birth_date_l) - year(birth_date_r)) <= 2",
                            label_for_charts="within two years"),
            cll.ElseLevel(),
        ])


#: Family-context levels, strongest first, each with the columns it needs.
_FAMILY_LEVELS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("kk", "mother_name_key"), "kk_l = kk_r AND {mother}", "same KK and mother's name"),
    (("kk",), "kk_l = kk_r", "same KK"),
    (("phone",), "phone_l = phone_r", "same phone"),
    (("mother_name_key", "village_code"), "{mother} AND village_code_l = village_code_r",
     "same mother's name and village"),
    (("mother_name_key", "village_code"), "{mother} AND left(village_code_l, 6) = left(village_code_r, 6)",
     "same mother's name and district"),
    (("mother_name_key",), "{mother}", "same mother's name"),
    (("address",), "jaro_winkler_similarity(address_l, address_r) >= 0.95", "same address"),
    (("village_code",), "village_code_l = village_code_r", "same village"),
    (("address",), "jaro_winkler_similarity(address_l, address_r) >= 0.85", "similar address"),
    (("village_code",), "left(village_code_l, 6) = left(village_code_r, 6)", "same district"),
    (("village_code",), "left(village_code_l, 4) = left(village_code_r, 4)", "same regency"),
)
FAMILY_COLUMNS = ("kk", "mother_name_key", "phone", "address", "village_code")


def _family(present: set[str]) -> ComparisonCreator:
    """KK, mother's name, phone, address and region in one comparison.

    Siblings share all of them, so as independent comparisons they would add up to
    "same person" on family evidence alone; as one comparison they count once, at
    the strength of the strongest level that holds.
    """
    mother = "jaro_winkler_similarity(mother_name_key_l, mother_name_key_r) >= 0.92"
    nulls = [f"({c}_l IS NULL OR {c}_r IS NULL)" for c in FAMILY_COLUMNS if c in present]
    levels = [cll.CustomLevel(" AND ".join(nulls), label_for_charts="missing").configure(is_null_level=True)]
    levels += [cll.CustomLevel(sql.format(mother=mother), label_for_charts=label)
               for cols, sql, label in _FAMILY_LEVELS if set(cols) <= present]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="family", comparison_levels=levels,
                               comparison_description="Family and home: KK, mother's name, phone, address, "
                               "village > district > regency")


def _exact(col: str) -> ComparisonCreator:
    return cl.ExactMatch(col)


def _fuzzy(col: str) -> ComparisonCreator:
    return cl.JaroWinklerAtThresholds(col, [0.92, 0.8])


COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("nik", ("nik",), lambda _: _nik()),
    ComparisonSpec("name", ("name_key",), lambda _: _name()),
    ComparisonSpec("birth_date", ("birth_date",), lambda _: _birth_date()),
    ComparisonSpec("sex", ("sex",), lambda _: _exact("sex")),
    ComparisonSpec("birth_place", ("birth_place",), lambda _: _fuzzy("birth_place")),
    ComparisonSpec("family", FAMILY_COLUMNS, _family, any_of=True),
    ComparisonSpec("other_id", ("other_id",),
                   lambda _: cl.DamerauLevenshteinAtThresholds("other_id", [1])),
    ComparisonSpec("postcode", ("postcode",), lambda _: _exact("postcode")),
    ComparisonSpec("locality", ("locality",), lambda _: _fuzzy("locality")),
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
    # Address-style sources (FEBRL, agencies without NIK): a typo in every name field still
    # leaves the address, the birth date or the other name part with the place.
    ("address", "first_name_key"),
    ("address", "birth_date"),
    ("birth_date", "locality"),
    ("postcode", "first_name_key"),
    ("postcode", "last_name_key"),
    ("locality", "first_name_key"),
    ("locality", "last_name_key"),
)

#: EM training blocks: each estimates m for the comparisons that do not read its
#: columns, and only for those listed after it when a list is given. Twins and siblings
#: fill a family card, and EM cannot tell them from duplicates, so the KK block may
#: train only the NIK comparison (which reads name, sex and birth date, so no other
#: block can train it).
TRAINING_BLOCKS: tuple[tuple[tuple[str, ...], tuple[str, ...] | None], ...] = (
    (("nik",), None),
    (("name_key", "birth_date"), None),
    (("other_id",), None),
    (("birth_date", "postcode"), None),
    (("kk",), ("nik",)),
)


#: Columns that name a place only inside a village: Indonesian addresses are mostly
#: "RT 002 RW 001", repeated in every village. A blocking rule on them is scoped to the
#: village when the data has village codes; at 1M synthetic records ("address",
#: "first_name_key") alone would have made 1.24 billion comparisons, with the village
#: 3.3 million. Address-style sources without village codes (FEBRL) keep the plain rule.
VILLAGE_LOCAL_COLUMNS: frozenset[str] = frozenset({"address"})


def scope_rule(cols: tuple[str, ...], present: set[str]) -> tuple[str, ...]:
    """A blocking rule's columns, with the village added to a rule on village-local columns."""
    if "village_code" in present and "village_code" not in cols and VILLAGE_LOCAL_COLUMNS & set(cols):
        return (*cols, "village_code")
    return cols


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
    comparisons = [spec.build(present) for spec in COMPARISONS  # type: ignore[operator]
                   if (set(spec.columns) & present if spec.any_of else set(spec.columns) <= present)]
    rules = [block_on(*scope_rule(cols, present)) for cols in BLOCKING_RULES
             if set(cols) <= present | {"first_initial"}
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


def training_blocks(present: set[str]) -> list[tuple[tuple[str, ...], tuple[str, ...] | None]]:
    """The EM blocks whose columns carry data, with the comparisons each may train (None: any)."""
    return [(cols, only) for cols, only in TRAINING_BLOCKS if set(cols) <= present]
