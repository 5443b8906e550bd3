"""The NIK comparison's levels on the pairs Indonesian data is full of (evaluated in DuckDB)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from linkage.model_spec import COMPARISONS, FAMILY_TIE_LABELS

_NIK = next(spec for spec in COMPARISONS if spec.name == "nik")
_LEVELS = [(lvl.label_for_charts, lvl.sql_condition)
           for lvl in _NIK.build(set()).get_comparison("duckdb").comparison_levels]  # type: ignore[operator]
_COLS = ("nik", "nik_fits_birth", "name_key", "first_name_key", "birth_date", "sex")


def _level(left: dict, right: dict) -> str:
    """The label of the first NIK level that holds for the pair (Splink's CASE order)."""
    con = duckdb.connect()
    cols = ", ".join(f"? AS {c}_{side}" for side in "lr" for c in _COLS)
    con.execute(f"CREATE TABLE p AS SELECT {cols}", [d[c] for d in (left, right) for c in _COLS])
    cases = " ".join(f"WHEN {sql} THEN {i}" for i, (_label, sql) in enumerate(_LEVELS) if sql != "ELSE")
    (index,) = con.execute(f"SELECT CASE {cases} ELSE {len(_LEVELS) - 1} END FROM p").fetchall()[0]
    return _LEVELS[index][0]


def _rec(nik: str, name: str, born: date, sex: str = "L", fits: bool = True) -> dict:
    return {"nik": nik, "nik_fits_birth": fits, "name_key": name, "first_name_key": name.split()[0],
            "birth_date": born, "sex": sex}


FATHER = _rec("3204061511820001", "CECEP", date(1982, 11, 15))
SON = _rec("3204063003170001", "CECEP", date(2017, 3, 30))


def test_a_son_named_after_his_father_with_the_fathers_nik_is_a_relative() -> None:
    # The son's school record carries his father's NIK: same NIK, same name, birth years far apart.
    son_with_fathers_nik = {**SON, "nik": FATHER["nik"], "nik_fits_birth": False}
    label = _level(FATHER, son_with_fathers_nik)
    assert label in FAMILY_TIE_LABELS and "relative" in label


def test_a_year_slip_with_the_same_nik_is_still_the_same_nik() -> None:
    slipped = {**FATHER, "birth_date": date(1983, 11, 15), "nik_fits_birth": False}
    assert _level(FATHER, slipped) == "Exact match on nik"


def test_disagreeing_with_someone_elses_nik_is_no_evidence() -> None:
    # The son's own registry record against his record that carries the father's NIK.
    son_with_fathers_nik = {**SON, "nik": FATHER["nik"], "nik_fits_birth": False}
    label = _level(SON, son_with_fathers_nik)
    assert label in FAMILY_TIE_LABELS and "contradicts" in label


@pytest.mark.parametrize("other", [
    _rec("3578011507950001", "BUDI SANTOSO", date(1995, 7, 15)),
    _rec("3578011507950001", "BUDI SANTOSO", date(1995, 7, 15), fits=None),   # no birth date to check
])
def test_two_self_consistent_different_niks_disagree(other: dict) -> None:
    assert _level(FATHER, other) == "All other comparisons"


def test_the_input_keeps_a_nik_as_valid_only_when_it_fits_the_birth_date() -> None:
    from linkage.canonical import RECORD_COLUMNS
    from linkage.model_spec import INPUT_SQL

    con = duckdb.connect()
    con.execute("CREATE TABLE records (" + ", ".join(f"{c} {t}" for c, t in RECORD_COLUMNS.items()) + ")")
    rows = {  # key: (nik, nik_birth_date, birth_date)
        "own": ("3204061511820001", date(1982, 11, 15), date(1982, 11, 15)),
        "fathers": ("3204061511820001", date(1982, 11, 15), date(2017, 3, 30)),
        "no_date": ("3204061511820001", date(1982, 11, 15), None),
    }
    for key, (nik, embedded, born) in rows.items():
        con.execute("INSERT INTO records (record_key, nik, nik_valid, nik_birth_date, birth_date) "
                    "VALUES (?, ?, true, ?, ?)", [key, nik, embedded, born])
    sql = f"SELECT unique_id, nik_valid, nik_fits_birth FROM ({INPUT_SQL})"
    got = {k: (v, f) for k, v, f in con.execute(sql).fetchall()}
    assert got == {"own": (True, True), "fathers": (False, False), "no_date": (True, None)}
