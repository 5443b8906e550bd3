"""Real-time matching against linked records, scored exactly as Splink's batch predict scores."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from linkage.predict import predict
from linkage.realtime import Matcher, write_snapshot
from linkage.training import model_dict, prepare_input, train
from tests.linkage._fixtures import load_records, make_people, make_records


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> dict:
    people = make_people(60, seed=11)
    rows, truth = make_records(people, seed=12)
    con = duckdb.connect()
    load_records(con, rows)
    prepare_input(con)
    linker = train(con, seed=5, max_pairs=2e5)
    model = model_dict(linker)
    scored = predict(linker, floor=0.0).physical_name
    splink_prob = {frozenset((a, b)): p for a, b, p in con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored}").fetchall()}
    con.execute("CREATE TABLE record_ids AS SELECT record_key, NULL::VARCHAR AS person_id, "
                "NULL::VARCHAR AS household_id FROM records")
    con.executemany("UPDATE record_ids SET person_id = ?, household_id = ? WHERE record_key = ?",
                    [(pid, "H-" + pid, key) for key, pid in truth.items()])
    path = Path(tmp_path_factory.mktemp("rt")) / "linked.parquet"
    assert write_snapshot(con, path) == len(rows)
    records = {r["record_key"]: r for r in rows}
    return {"matcher": Matcher(model, pq.read_table(path)), "truth": truth, "records": records,
            "splink": splink_prob, "people": people}


def test_probabilities_equal_splink_predict(linked: dict) -> None:
    matcher: Matcher = linked["matcher"]
    checked = 0
    for key in sorted(linked["records"])[:40]:
        for cand in matcher.candidates(linked["records"][key], first=5):
            if cand.record_key == key:
                continue
            expected = linked["splink"].get(frozenset((key, cand.record_key)))
            if expected is not None:
                assert cand.probability == pytest.approx(expected, abs=1e-6)
                checked += 1
    assert checked >= 20


def test_a_misspelled_person_without_nik_is_found_first(linked: dict) -> None:
    matcher: Matcher = linked["matcher"]
    person = linked["people"][7]
    values = dict(linked["records"]["dukcapil:d7"])
    values.update(nik=None, nik_valid=None, kk=None, source_id="x", record_key="proposal:1",
                  full_name=person.name[:-1] + "H", name_key=person.name[:-1] + "H",
                  last_name_key=person.last[:-1] + "H")
    found = matcher.candidates(values)
    assert found[0].person_id == person.pid
    assert matcher.best(found) is not None
    names = {c.name for c in found[0].explanation}
    assert {"name", "birth_date"} <= names
    assert any(c.name == "nik" and c.match_weight == 0 for c in found[0].explanation)


def test_a_stranger_gets_no_confident_match(linked: dict) -> None:
    matcher: Matcher = linked["matcher"]
    values = dict(linked["records"]["dukcapil:d3"])
    values.update(nik="3273015512990001", kk=None, full_name="ZULKARNAEN BATUBARA",
                  name_key="ZULKARNAEN BATUBARA", first_name_key="ZULKARNAEN", last_name_key="BATUBARA",
                  mother_name_key="RUGAIYAH", mother_name="RUGAIYAH", birth_date=None)
    assert matcher.best(matcher.candidates(values)) is None


def test_remembered_records_become_candidates(linked: dict) -> None:
    matcher = linked["matcher"]
    values = dict(linked["records"]["dukcapil:d3"])
    values.update(nik="3273016612980077", full_name="KADEK ARYANA", name_key="KADEK ARYANA",
                  first_name_key="KADEK", last_name_key="ARYANA", mother_name_key="NI LUH SARI")
    assert all(c.person_id != "P-new" for c in matcher.candidates(values))
    matcher.remember(values, record_key="proposal:9", person_id="P-new", household_id=None)
    again = matcher.candidates(values)
    assert again[0].person_id == "P-new" and again[0].record_key == "proposal:9"


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="dtsen-hub link"):
        Matcher.open(tmp_path / "model.json", tmp_path / "linked.parquet")
