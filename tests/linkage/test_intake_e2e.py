"""Synth -> ingest end to end: every generated row is accounted for, exactly once."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from linkage.intake import ingest
from linkage.synth import generate

DATASETS = {"dukcapil", "dtks", "pkh", "bpnt", "pbi_jk", "pip"}


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Path]:
    out = tmp_path_factory.mktemp("synth")
    result = generate(out, people=800, seed=11)
    workspace = out / "ws.duckdb"
    return out, ingest(result.sources, workspace).to_json(), workspace


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "truth.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_truth_row_is_in_records_or_quarantine_exactly_once(ingested: tuple[Path, dict, Path]) -> None:
    out, report, workspace = ingested
    truth = Counter((t["dataset"], t["source_id"]) for t in _truth(out))
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        loaded = Counter(con.execute("SELECT dataset, source_id FROM records").fetchall())
        held = con.execute("SELECT dataset, source_id FROM quarantine").fetchall()
    finally:
        con.close()
    assert max(loaded.values()) == 1
    # A duplicated source id is quarantined under the same id: the truth counts it twice too.
    assert loaded + Counter(held) == truth
    assert sum(truth.values()) == report["rows"]


def test_report_accounts_for_every_row(ingested: tuple[Path, dict, Path]) -> None:
    out, report, workspace = ingested
    per_dataset = Counter(t["dataset"] for t in _truth(out))
    assert set(report["datasets"]) == DATASETS
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        for name, d in report["datasets"].items():
            assert d["rows"] == per_dataset[name] == d["accepted"] + sum(d["quarantined"].values())
            accepted, = con.execute("SELECT count(*) FROM records WHERE dataset = ?", [name]).fetchone()
            held = dict(con.execute("SELECT reason, count(*) FROM quarantine WHERE dataset = ? GROUP BY 1",
                                    [name]).fetchall())
            assert (accepted, held) == (d["accepted"], d["quarantined"])
            flags = dict(con.execute("SELECT f, count(*) FROM (SELECT unnest(flags) AS f FROM records "
                                     "WHERE dataset = ?) GROUP BY 1", [name]).fetchall())
            assert flags == d["flags"]
    finally:
        con.close()
    assert report["rows"] == report["accepted"] + report["quarantined"]
    json.dumps(report)   # the report is JSON as it stands


def test_the_synthetic_errors_show_up_as_flags(ingested: tuple[Path, dict, Path]) -> None:
    _, report, _ = ingested
    programs = [report["datasets"][n] for n in ("dtks", "pbi_jk")]
    for d in programs:
        # The generator plants missing NIKs, day/month swaps, placeholders: each must be seen, but rare.
        for flag in ("nik_missing", "nik_birth_date_mismatch", "birth_date_placeholder"):
            assert 0 < d["flags"].get(flag, 0) < 0.2 * d["rows"], (flag, d)
    clean = report["datasets"]["dukcapil"]
    assert clean["flags"].get("nik_missing", 0) == 0


def test_records_are_standardised_and_keep_their_originals(ingested: tuple[Path, dict, Path]) -> None:
    _, _, workspace = ingested
    con = duckdb.connect(str(workspace), read_only=True)

    def one(sql: str) -> object:
        return con.execute(sql).fetchone()[0]

    def pairs(sql: str) -> dict:
        return dict(con.execute(sql).fetchall())

    try:
        bad_sex = one("SELECT count(*) FROM records WHERE sex NOT IN ('L', 'P')")
        bad_village = one("SELECT count(*) FROM records WHERE village_code IS NOT NULL AND "
                          "NOT regexp_full_match(village_code, '[0-9]{10}')")
        lower = one("SELECT count(*) FROM records WHERE full_name <> upper(full_name)")
        reference = pairs("SELECT dataset, bool_and(reference) FROM records GROUP BY 1")
        programs = pairs("SELECT dataset, any_value(program) FROM records GROUP BY 1")
        original = one("SELECT original::VARCHAR FROM records WHERE dataset = 'dtks' LIMIT 1")
        deaths = one("SELECT count(*) FROM records WHERE dataset = 'dukcapil' AND death_date IS NOT NULL")
    finally:
        con.close()
    assert (bad_sex, bad_village, lower) == (0, 0, 0)
    assert reference["dukcapil"] is True and not any(v for k, v in reference.items() if k != "dukcapil")
    assert programs["pkh"] == "PKH" and programs["pbi_jk"] == "PBI-JK" and programs["dukcapil"] is None
    assert "full_name" in json.loads(str(original))
    assert deaths > 0


def test_reingest_replaces_rather_than_appends(ingested: tuple[Path, dict, Path], tmp_path: Path) -> None:
    out, report, _ = ingested
    workspace = tmp_path / "again.duckdb"
    ingest(out / "sources.toml", workspace)
    second = ingest(out / "sources.toml", workspace).to_json()
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        total, = con.execute("SELECT count(*) FROM records").fetchone()
    finally:
        con.close()
    assert total == second["accepted"] == report["accepted"]
