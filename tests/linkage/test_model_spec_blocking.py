"""Blocking rules stay bounded on Indonesian addresses (RT/RW repeats in every village)."""

from __future__ import annotations

import duckdb

from linkage.model_spec import build_settings

SYNTH = {"nik", "name_key", "first_name_key", "last_name_key", "birth_date", "birth_year", "village_code",
         "mother_name_key", "kk", "phone", "address"}
FEBRL = {"name_key", "first_name_key", "last_name_key", "birth_date", "birth_year", "address", "postcode",
         "locality", "other_id"}


def _rules(present: set[str]) -> list[str]:
    settings = build_settings(present).get_settings("duckdb")
    return [rule.blocking_rule_sql for rule in settings._blocking_rules_to_generate_predictions]


def test_address_rules_carry_the_village_when_the_data_has_one() -> None:
    rules = [r for r in _rules(SYNTH) if '"address"' in r]
    assert rules and all('l."village_code" = r."village_code"' in r for r in rules)
    febrl = [r for r in _rules(FEBRL) if '"address"' in r]
    assert febrl and not any("village_code" in r for r in febrl)


def test_same_rt_rw_and_first_name_in_different_villages_is_not_a_candidate_pair() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'RT 002 RW 001', 'SITI', '3273010001'), "
                "(2, 'RT 002 RW 001', 'SITI', '3578010002'), (3, 'RT 002 RW 001', 'SITI', '3273010001')) "
                "v(id, address, first_name_key, village_code)")
    (rule,) = [r for r in _rules(SYNTH) if '"address"' in r and '"first_name_key"' in r]
    pairs = con.execute(f"SELECT l.id, r.id FROM t l JOIN t r ON {rule} AND l.id < r.id").fetchall()
    assert pairs == [(1, 3)]
