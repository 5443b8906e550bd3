"""Households from KKs that change over time, family ties and addresses."""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.households import assign_households, kk_issue_date

_COLUMNS = ("record_key", "cluster", "kk", "relationship", "village_code", "address", "mother_name_key",
            "name_key", "sex")


def _run(rows: list[tuple], registry: frozenset[str] = frozenset()) -> dict[str, tuple[str, str]]:
    """``registry``: the record keys that come from the civil registry (a reference dataset)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE records (record_key VARCHAR, kk VARCHAR, relationship VARCHAR, "
                "village_code VARCHAR, address VARCHAR, mother_name_key VARCHAR, name_key VARCHAR, "
                "sex VARCHAR, nik_sex VARCHAR, reference BOOLEAN)")
    con.execute("CREATE TABLE person_clusters (record_key VARCHAR, cluster_id VARCHAR)")
    for key, cluster, *values in rows:
        con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                    [key, *values, key in registry])
        con.execute("INSERT INTO person_clusters VALUES (?, ?)", [key, cluster])
    assign_households(con)
    return {c: (h, r) for c, h, r in con.execute("SELECT * FROM household_clusters").fetchall()}


OLD_KK = "3273011503100001"   # issued 15 March 2010
NEW_KK = "3273010106220002"   # issued 1 June 2022
V = "3273010001"


def test_kk_issue_date() -> None:
    assert kk_issue_date(OLD_KK) == date(2010, 3, 15)
    assert kk_issue_date(NEW_KK) == date(2022, 6, 1)
    assert kk_issue_date("3273019913100001") is None
    assert kk_issue_date("12345") is None


def test_a_split_family_follows_the_newest_kk() -> None:
    result = _run([
        ("dtks:1", "father", OLD_KK, "head", V, "JL MAWAR 1", None, "BUDI", "L"),
        ("dtks:2", "son", OLD_KK, "child", V, "JL MAWAR 1", None, "ANTO", "L"),
        # The son married and has his own card now; a newer list shows it.
        ("pkh:9", "son", NEW_KK, "head", V, "JL MELATI 2", None, "ANTO", "L"),
        ("pkh:10", "daughter_in_law", NEW_KK, "spouse", V, "JL MELATI 2", None, "SRI", "P"),
    ])
    assert result["father"] == (f"kk:{OLD_KK}", "head")
    assert result["son"] == (f"kk:{NEW_KK}", "head")
    assert result["daughter_in_law"] == (f"kk:{NEW_KK}", "spouse")


def test_the_registry_kk_wins_over_a_newer_stale_one() -> None:
    # The son left his parents' card for a card issued earlier (a reissued number keeps
    # its old date); an agency list still shows the parents' newer-dated card. The
    # civil registry is kept current, so its card is his household.
    parents_kk = NEW_KK
    son_kk = OLD_KK
    rows = [
        ("dk:1", "father", parents_kk, "head", V, "JL MAWAR 1", None, "BUDI", "L"),
        ("dtks:2", "son", parents_kk, "child", V, "JL MAWAR 1", None, "ANTO", "L"),
        ("dk:2", "son", son_kk, "head", V, "JL MELATI 2", None, "ANTO", "L"),
        ("dk:3", "wife", son_kk, "spouse", V, "JL MELATI 2", None, "SRI", "P"),
    ]
    result = _run(rows, registry=frozenset({"dk:1", "dk:2", "dk:3"}))
    assert result["son"] == (f"kk:{son_kk}", "head")
    assert result["wife"] == (f"kk:{son_kk}", "spouse")
    assert result["father"] == (f"kk:{parents_kk}", "head")
    # Without a registry record the newest card is all there is to go by.
    assert _run(rows)["son"] == (f"kk:{parents_kk}", "child")


def test_people_without_kk_join_by_mother_then_by_address() -> None:
    result = _run([
        ("dtks:1", "mother", OLD_KK, "spouse", V, "JL MAWAR 1", None, "SITI AMINAH", "P"),
        ("dtks:2", "father", OLD_KK, "head", V, "JL MAWAR 1", None, "BUDI", "L"),
        ("pip:1", "pupil", None, None, V, None, "SITI AMINAH", "RINI", "P"),
        ("pbi:1", "grandma", None, "parent", V, "jl  mawar 1", None, "SUMINAH", "P"),
        ("pbi:2", "stranger", None, None, "3273020002", "JL KENANGA 3", None, "JOKO", "L"),
        ("pbi:3", "lodger", None, None, "3273020002", "JL KENANGA 3", None, "DEDI", "L"),
        ("pbi:4", "nowhere", None, None, None, None, None, "X", "L"),
    ])
    assert result["pupil"] == (f"kk:{OLD_KK}", "child")
    assert result["grandma"] == (f"kk:{OLD_KK}", "parent")
    assert result["stranger"][0] == result["lodger"][0] == "addr:3273020002|JL KENANGA 3"
    assert result["nowhere"] == ("solo:nowhere", "other")


def test_mother_tie_needs_the_same_village() -> None:
    result = _run([
        ("dtks:1", "mother", OLD_KK, "spouse", V, None, None, "SITI AMINAH", "P"),
        ("pip:1", "pupil", None, None, "3273020002", None, "SITI AMINAH", "RINI", "P"),
    ])
    assert result["pupil"] == ("solo:pupil", "other")
