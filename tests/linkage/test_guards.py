"""The post-clustering identity guard: two attested NIKs in one cluster are two people."""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.clustering import Clustering
from linkage.guards import attested_niks, guard_people, split_conflicting
from linkage.predict import Pair

TWIN_A, TWIN_B = "3172064307170001", "3172064307170002"


def _twins() -> tuple[list[str], list[tuple[str, str, float]], dict[str, tuple[str, str, bool]]]:
    # Each twin has a registry record and a program record; a record without a NIK
    # links strongly to twin A; family evidence links the twins weakly-ish.
    members = ["dk:1", "pkh:1", "dk:2", "pkh:2", "pip:1"]
    edges = [("dk:1", "pkh:1", 12.0), ("dk:2", "pkh:2", 12.0), ("pip:1", "dk:1", 10.0),
             ("pkh:1", "pkh:2", 8.0), ("pip:1", "dk:2", 3.0)]
    consistent = {"dk:1": (TWIN_A, "dk", True), "pkh:1": (TWIN_A, "pkh", False),
                  "dk:2": (TWIN_B, "dk", True), "pkh:2": (TWIN_B, "pkh", False)}
    return members, edges, consistent


def test_twins_with_registered_niks_are_split_at_the_weakest_links() -> None:
    members, edges, consistent = _twins()
    pieces = split_conflicting(members, edges, consistent)
    assert pieces == [{"dk:1", "pkh:1", "pip:1"}, {"dk:2", "pkh:2"}]


def test_a_nik_seen_once_outside_the_registry_is_not_attested() -> None:
    # One agency's record with a mistyped serial: a typo, not a second person.
    consistent = {"dk:1": (TWIN_A, "dk", True), "pkh:1": (TWIN_A, "pkh", False),
                  "bpnt:1": (TWIN_B, "bpnt", False)}
    assert set(attested_niks(consistent, consistent)) == {TWIN_A}
    links = [("dk:1", "pkh:1", 9.0), ("pkh:1", "bpnt:1", 9.0)]
    pieces = split_conflicting(list(consistent), links, consistent)
    assert pieces == [set(consistent)]


def test_two_datasets_attest_a_nik_without_the_registry() -> None:
    consistent = {"a:1": (TWIN_A, "a", False), "b:1": (TWIN_A, "b", False),
                  "a:2": (TWIN_B, "a", False), "a:3": (TWIN_B, "a", False)}
    # TWIN_B is on two records of one dataset only (a duplicate enrolment copies a typo).
    assert set(attested_niks(consistent, consistent)) == {TWIN_A}


def test_a_must_link_is_never_cut() -> None:
    members, edges, consistent = _twins()
    edges.append(("dk:1", "dk:2", float("inf")))
    assert split_conflicting(members, edges, consistent) == [set(members)]


def _workspace() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE records (record_key VARCHAR, dataset VARCHAR, reference BOOLEAN, nik VARCHAR, "
                "nik_valid BOOLEAN, nik_birth_date DATE, nik_sex VARCHAR, birth_date DATE, sex VARCHAR)")
    twins = date(2017, 7, 3)
    father = date(1973, 11, 19)
    rows = [
        ("dk:1", "dk", True, TWIN_A, True, twins, "P", twins, "P"),
        ("pkh:1", "pkh", False, TWIN_A, True, twins, "P", twins, "P"),
        ("dk:2", "dk", True, TWIN_B, True, twins, "P", twins, "P"),
        ("pkh:2", "pkh", False, TWIN_B, True, twins, "P", twins, "P"),
        # the father's NIK typed on twin B's school record: it does not agree with her birth date
        ("pip:2", "pip", False, "3172041911730001", True, father, "L", twins, "P"),
        ("dk:9", "dk", True, "3172041911730001", True, father, "L", father, "L"),
    ]
    con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE person_clusters AS SELECT record_key, 'dk:1' AS cluster_id FROM records "
                "WHERE record_key <> 'dk:9' UNION ALL SELECT 'dk:9', 'dk:9'")
    return con


def test_guard_people_rewrites_person_clusters() -> None:
    con = _workspace()
    pairs = [Pair("dk:1", "pkh:1", 1.0, 12.0), Pair("dk:2", "pkh:2", 1.0, 12.0),
             Pair("pkh:1", "pkh:2", 0.995, 8.0), Pair("pip:2", "dk:2", 1.0, 11.0),
             Pair("pip:2", "dk:1", 0.999, 9.0), Pair("pkh:2", "dk:9", 0.5, -3.0)]
    before = Clustering([["dk:1", "dk:2", "pip:2", "pkh:1", "pkh:2"], ["dk:9"]], [], {"cannot_link": 0})
    after = guard_people(con, before, pairs, threshold=0.99)
    assert after.clusters == [["dk:1", "pkh:1"], ["dk:2", "pip:2", "pkh:2"], ["dk:9"]]
    assert after.splits == {"cannot_link": 0, "conflicting_identity": 1}
    table = dict(con.execute("SELECT record_key, cluster_id FROM person_clusters").fetchall())
    assert table == {"dk:1": "dk:1", "pkh:1": "dk:1", "dk:2": "dk:2", "pkh:2": "dk:2", "pip:2": "dk:2",
                     "dk:9": "dk:9"}
    # The same pairs from a workspace table give the same clusters.
    con2 = _workspace()
    con2.execute("CREATE TABLE scored (unique_id_l VARCHAR, unique_id_r VARCHAR, match_probability DOUBLE, "
                 "match_weight DOUBLE)")
    con2.executemany("INSERT INTO scored VALUES (?, ?, ?, ?)",
                     [(p.left, p.right, p.probability, p.match_weight) for p in pairs])
    assert guard_people(con2, before, "scored", threshold=0.99).clusters == after.clusters


def test_guard_people_leaves_clean_clusters_alone() -> None:
    con = _workspace()
    con.execute("UPDATE person_clusters SET cluster_id = record_key")
    before = Clustering([[k] for k in sorted(["dk:1", "dk:2", "dk:9", "pip:2", "pkh:1", "pkh:2"])], [], {})
    after = guard_people(con, before, [], threshold=0.99)
    assert after.clusters == before.clusters and after.splits == {"conflicting_identity": 0}
