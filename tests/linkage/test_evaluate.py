"""Evaluation metrics on hand-made links and truth files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.errors import InputError
from linkage.evaluate import cluster_metrics, evaluate_files, exact_nik_baseline, pairwise_metrics


def _write(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["dataset", "source_id", "person_id", "household_id"])
        writer.writerows(rows)
    return path


def test_pairwise_counts_a_wrong_merge_and_a_missed_link() -> None:
    truth = {"a:1": "t1", "b:1": "t1", "c:1": "t1", "a:2": "t2", "b:2": "t3"}
    # t1 split into {a:1, b:1} + {c:1}; t2 and t3 wrongly merged.
    links = {"a:1": "p1", "b:1": "p1", "c:1": "p2", "a:2": "p3", "b:2": "p3"}
    m = pairwise_metrics(links, truth)
    assert (m.true_positives, m.predicted_pairs, m.true_pairs) == (1, 2, 3)
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(1 / 3)
    assert m.f1 == pytest.approx(0.4)


def test_perfect_links_score_one_and_singletons_count_as_exact_clusters() -> None:
    truth = {"a:1": "t1", "b:1": "t1", "a:2": "t2"}
    links = {"a:1": "x", "b:1": "x", "a:2": "y"}
    assert pairwise_metrics(links, truth).f1 == 1.0
    c = cluster_metrics(links, truth)
    assert (c.exact_clusters, c.predicted_clusters, c.true_clusters) == (2, 2, 2)


def test_evaluate_files_scores_people_and_households_and_reports_missing(tmp_path: Path) -> None:
    truth = _write(tmp_path / "truth.csv", [("a", "1", "T1", "H1"), ("b", "1", "T1", "H1"),
                                            ("a", "2", "T2", "H1"), ("a", "3", "T3", "H2")])
    links = _write(tmp_path / "links.csv", [("a", "1", "P1", "X1"), ("b", "1", "P1", "X1"),
                                            ("a", "2", "P2", "X2")])
    result = evaluate_files(links, truth, baseline={"person": {"a:1": "n", "b:1": "m", "a:2": "o"}})
    person, household = result["person"], result["household"]
    assert person["records_missing_from_links"] == 1
    assert person["pairwise"]["f1"] == 1.0
    assert person["baseline_pairwise"]["recall"] == 0.0
    # The household holding a:2 was split off: 1 of 3 true pairs found.
    assert household["pairwise"]["recall"] == pytest.approx(1 / 3)
    assert household["pairwise"]["precision"] == 1.0


def test_empty_household_ids_are_singletons_not_one_cluster(tmp_path: Path) -> None:
    truth = _write(tmp_path / "truth.csv", [("a", "1", "T1", "H1"), ("a", "2", "T2", "H2")])
    links = _write(tmp_path / "links.csv", [("a", "1", "P1", ""), ("a", "2", "P2", "")])
    assert evaluate_files(links, truth)["household"]["pairwise"]["precision"] == 1.0


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("dataset,person_id\na,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="source_id"):
        evaluate_files(bad, bad)


def test_exact_nik_baseline_joins_on_nik_and_kk_only() -> None:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE records (record_key VARCHAR, nik VARCHAR, kk VARCHAR)")
    con.execute("INSERT INTO records VALUES ('a:1', '1', 'K'), ('b:1', '1', NULL), ('c:1', NULL, 'K')")
    base = exact_nik_baseline(con)
    assert base["person"]["a:1"] == base["person"]["b:1"] != base["person"]["c:1"]
    assert base["household"]["a:1"] == base["household"]["c:1"] != base["household"]["b:1"]
