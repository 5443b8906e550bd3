"""Contract: publishing is idempotent, validated and switches runs atomically; attach adds one record."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from core.errors import InputError, NotFoundError
from graph import DatasetRow, GraphStore, HouseholdRow, PersonRow, RecordRow
from tests.graph._data import BANDUNG, EVERYTHING, V_SBY, publication, second_publication


def _snapshot(store: GraphStore) -> tuple:
    return (sorted(store.export_links()), store.region_stats("32", EVERYTHING),
            store.targeting("PKH", EVERYTHING), [d.records for d in store.datasets()])


def test_empty_store_answers_nothing(store: GraphStore) -> None:
    assert store.list_persons(EVERYTHING).items == []
    assert store.region_stats("32", EVERYTHING) is None
    assert (store.linkage_runs(EVERYTHING), store.datasets(), list(store.export_links())) == ([], [], [])
    assert store.get_persons(["P1"], EVERYTHING) == {}


def test_republishing_the_same_run_is_idempotent(store: GraphStore) -> None:
    store.publish(publication())
    before = _snapshot(store)
    store.publish(publication())
    assert _snapshot(store) == before
    assert len(list(store.export_links())) == 65
    assert [r.run_id for r in store.linkage_runs(EVERYTHING)] == ["run-1"]


def test_a_new_run_replaces_the_old_one_entirely(store: GraphStore) -> None:
    store.publish(publication())
    store.publish(second_publication())
    assert store.get_persons(["P6"], EVERYTHING) == {}
    assert ("bpnt_2025", "B6", "P6", None) not in set(store.export_links())
    assert [m.person.person_id for m in store.members_of_households(["H2"], EVERYTHING)["H2"]] == ["P4", "P7"]
    assert store.region_stats("3578", EVERYTHING).persons == 3
    assert store.region_stats("3273", EVERYTHING).persons == 42
    assert store.records_of_persons(["P7"], EVERYTHING)["P7"][0].record_key == "pkh_2025:K7"
    assert store.matches_of_records(["dukcapil:D1"], EVERYTHING)["dukcapil:D1"][0].run_id == "run-2"


def test_a_bad_publication_is_refused_before_anything_changes(store: GraphStore) -> None:
    store.publish(publication())
    before = _snapshot(store)
    bad = second_publication()
    bad.records.append(RecordRow("pkh_2025:X", "pkh_2025", "X", "GHOST"))
    with pytest.raises(InputError, match="GHOST"):
        store.publish(bad)
    bad = second_publication()
    bad.persons.append(bad.persons[0])
    with pytest.raises(InputError, match="P1"):
        store.publish(bad)
    assert _snapshot(store) == before
    assert [r.run_id for r in store.linkage_runs(EVERYTHING)] == ["run-1"]


def test_readers_see_one_run_or_the_other_during_a_publish(store: GraphStore) -> None:
    store.publish(publication())
    allowed = {44, 43}            # province 32: run 1 has 44 persons, run 2 has 43 (Q039 moved away)
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.append(store.region_stats("32", EVERYTHING).persons)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            store.publish(second_publication())
            store.publish(publication())
    finally:
        stop.set()
        reader.join()
    assert seen and set(seen) <= allowed


def test_attach_record_to_an_existing_and_a_new_person(store: GraphStore) -> None:
    store.publish(publication())
    store.attach_record(RecordRow("pbi_2025:J2", "pbi_2025", "J2", "P2", "PBI-JK", full_name="AHMAD",
                                  village_code="3273010001"))
    assert [e.program for e in store.enrolments_of_persons(["P2"], EVERYTHING)["P2"]] == ["PBI-JK"]
    assert {d.name: d.records for d in store.datasets()}["pbi_2025"] == 2
    store.attach_record(RecordRow("pbi_2025:J2", "pbi_2025", "J2", "P2", "PBI-JK"))   # again: no duplicate
    assert {d.name: d.records for d in store.datasets()}["pbi_2025"] == 2

    record = RecordRow("usulan_sby:U1", "usulan_sby", "U1", "P8", None, full_name="DEWI", village_code=V_SBY)
    with pytest.raises(InputError, match="usulan_sby"):
        store.attach_record(record, person=PersonRow("P8", None, None))
    with pytest.raises(NotFoundError, match="P8"):
        store.attach_record(record, dataset=DatasetRow("usulan_sby", "pemda_sby", None, False))
    store.attach_record(record, person=PersonRow("P8", "H8", "head", None, "DEWI", date(1999, 9, 9), "P",
                                                 village_code=V_SBY),
                        household=HouseholdRow("H8", None, V_SBY, welfare_decile=2),
                        dataset=DatasetRow("usulan_sby", "pemda_sby", None, False))
    assert store.get_persons(["P8"], EVERYTHING)["P8"].full_name == "DEWI"
    assert store.get_persons(["P8"], BANDUNG) == {}
    assert [m.person.person_id for m in store.members_of_households(["H8"], EVERYTHING)["H8"]] == ["P8"]
    assert store.records_of_persons(["P8"], EVERYTHING)["P8"][0].agency == "pemda_sby"
    assert ("usulan_sby", "U1", "P8", "H8") in set(store.export_links())
    assert store.region_stats("3578", EVERYTHING).persons == 2
