"""What only the Neo4j store has to prove: its schema, its publish lock, its connection errors.

The shared behaviour (access, paging, atomic publish) is the contract suite's; these
tests cover the machinery behind it on the real server.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import SessionExpired

from core.errors import ConfigError
from graph import FieldGroup, Visibility, open_store
from graph import _cypher_read as reads
from graph._cypher_pinned import Pinned, parameters, statement
from graph._cypher_writes import CYPHER, LINKS, PROPS
from graph.neo4j_store import Neo4jStore
from tests.graph._synth import synthetic_publication
from tests.graph.conftest import make_location

pytestmark = pytest.mark.neo4j


@pytest.fixture
def location(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str, str]:
    uri, user, password = make_location("neo4j", request, tmp_path)
    return uri, user or "neo4j", password or ""


def test_schema_is_created_once_and_reopening_is_idempotent(location: tuple[str, str, str]) -> None:
    uri, user, password = location
    Neo4jStore(uri, user=user, password=password).close()
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        before = {r["name"]: r["type"] for r in driver.execute_query("SHOW CONSTRAINTS").records}
        Neo4jStore(uri, user=user, password=password).close()
        after = {r["name"]: r["type"] for r in driver.execute_query("SHOW CONSTRAINTS").records}
        states = {r["state"] for r in driver.execute_query("SHOW INDEXES").records}
    assert before == after
    for name in ("person_key", "record_key", "household_key", "current_key", "linkconstraint_key"):
        assert before[name] == "UNIQUENESS"
    assert states == {"ONLINE"}


def test_a_second_publisher_waits_for_the_first(location: tuple[str, str, str]) -> None:
    uri, user, password = location
    first = open_store(uri, user=user, password=password)
    second = open_store(uri, user=user, password=password)
    old, new = synthetic_publication(600, "A"), synthetic_publication(400, "B")
    paused, resume = threading.Event(), threading.Event()
    second_progress: list[str] = []

    def hold(phase: str, done: int, total: int) -> None:
        if phase == "persons":
            paused.set()
            resume.wait(timeout=60)

    one = threading.Thread(target=first.publish, args=(old,), kwargs={"progress": hold})
    two = threading.Thread(target=second.publish, args=(new,),
                           kwargs={"progress": lambda phase, *_: second_progress.append(phase)})
    one.start()
    assert paused.wait(timeout=60)
    two.start()
    two.join(timeout=3)
    assert two.is_alive() and second_progress == []      # blocked on the lock, wrote nothing
    resume.set()
    one.join(timeout=120)
    two.join(timeout=120)
    assert not one.is_alive() and not two.is_alive()
    everyone = Visibility.everything()
    assert [r.run_id for r in first.linkage_runs(everyone) if r.current] == ["run-B"]
    assert sorted(first.export_links()) == sorted(
        (r.dataset, r.source_id, r.person_id, f"H{int(r.person_id[1:]) // 4:08d}") for r in new.records)
    first.close()
    second.close()


def test_an_unreachable_server_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"127\.0\.0\.1:9") as err:
        Neo4jStore("bolt://127.0.0.1:9", user="neo4j", password="x")
    assert "NEO4J_USER" in (err.value.hint or "")


def test_a_read_that_straddles_a_switch_starts_over_on_the_new_run(location: tuple[str, str, str]) -> None:
    """Neo4j reads are read-committed: the store re-checks the current pointer at the end of
    every read and reads again if a publish moved it, so no answer mixes two runs."""
    uri, user, password = location
    store, publisher = Neo4jStore(uri, user=user, password=password), open_store(uri, user=user,
                                                                                 password=password)
    store.publish(synthetic_publication(40, "A"))
    seen: list[int] = []

    def work(tx: object, gen: int) -> int:
        seen.append(gen)
        if len(seen) == 1:      # a publish lands (and retires this generation) mid-read
            publisher.publish(synthetic_publication(40, "B"))
        return gen

    assert store._read(work) == seen[-1]
    assert len(seen) == 2 and seen[0] != seen[1]
    tags = {p.full_name.split()[1] for p in store.list_persons(Visibility.everything(), first=100).items}
    assert tags == {"B"}
    store.close()
    publisher.close()


def _operators(plan: dict[str, Any]) -> list[str]:
    return [plan["operatorType"].split("@")[0], *(op for child in plan.get("children", [])
                                                    for op in _operators(child))]


def test_every_publish_lookup_is_an_element_id_seek(location: tuple[str, str, str]) -> None:
    """The plans, not just the text: one NodeByElementIdSeek per relationship end, and no scan,
    no index seek (a ``(gen, key)`` seek could degrade into a scan of the generation) and no
    Eager (which would hold the whole batch between the lookups and the CREATE)."""
    uri, user, password = location
    Neo4jStore(uri, user=user, password=password).close()
    banned = {"NodeIndexScan", "NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexSeekByRange",
              "NodeByLabelScan", "AllNodesScan", "Eager"}
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        for kind, statement in {**CYPHER, **LINKS}.items():
            summary = driver.execute_query("EXPLAIN " + statement.replace(PROPS, ", name: row.name"),
                                           rows=[], gen=1).summary
            assert summary.plan is not None
            ops = _operators(summary.plan)
            assert ops.count("NodeByElementIdSeek") == statement.count("MATCH "), (kind, ops)
            assert not banned & set(ops), (kind, ops)


def test_reads_bring_no_unrecognised_property_notices(location: tuple[str, str, str],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Optional properties no node has yet (nobody deceased, say) made the server attach a
    notice to every read and the driver log it: noise and CPU under API load."""
    uri, user, password = location
    store = Neo4jStore(uri, user=user, password=password)
    try:
        pub = synthetic_publication(40, "A")
        store.publish(pub)
        with GraphDatabase.driver(uri, auth=(user, password)) as driver:
            deceased = driver.execute_query("MATCH (p:Person) WHERE p.death_date IS NOT NULL "
                                            "RETURN count(p) AS n").records[0]["n"]
        assert deceased == 0             # so every read naming death_date names an unknown property
        caplog.clear()
        caplog.set_level(logging.DEBUG, logger="neo4j.notifications")
        everything = Visibility.everything()
        people = store.list_persons(everything, first=20).items
        assert people
        assert len(store.get_persons([p.person_id for p in people], everything)) == len(people)
        assert all(store.get_person_by_nik(p.nik, everything) for p in people if p.nik)
    finally:
        store.close()
    notices = [r.getMessage() for r in caplog.records if r.name.startswith("neo4j.notifications")]
    assert notices == [], notices[:3]


def _lookups(vis: Visibility) -> dict[str, Pinned[Any]]:
    by_ids = (reads.get_persons, reads.get_households, reads.members_of_households, reads.get_records,
              reads.records_of_persons, reads.matches_of_records, reads.enrolments_of_persons)
    return {**{f.__name__: f(["x1"], vis) for f in by_ids},
            "get_person_by_nik": reads.get_person_by_nik("1", vis),
            "household_by_kk": reads.household_by_kk("1", vis)}


def _details(plan: dict[str, Any]) -> str:
    return str(plan.get("args", {}).get("Details", ""))


def _all(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(p for child in plan.get("children", []) for p in _all(child))]


def test_every_lookup_reads_the_pointer_again_only_after_all_of_its_reads(
        location: tuple[str, str, str]) -> None:
    """One query per lookup is safe only if the second read of ``Current`` follows every
    read of the lookup: the plan must put it on the right of an Apply whose left holds
    every aggregation (so every read), and nowhere else."""
    uri, user, password = location
    Neo4jStore(uri, user=user, password=password).close()
    regional = Visibility(("32",), frozenset(FieldGroup))
    with GraphDatabase.driver(uri, auth=(user, password)) as driver:
        for vis in (Visibility.everything(), regional):
            for name, query in _lookups(vis).items():
                assert query.body is not None, name
                explained = driver.execute_query("EXPLAIN " + statement(query.body), parameters(query))
                plan = explained.summary.plan
                assert plan is not None
                applies = [p for p in _all(plan) if p["operatorType"].split("@")[0] == "Apply"
                           and any("now:Current" in _details(q) for q in _all(p["children"][1]))]
                assert len(applies) == 1, (name, _operators(plan))
                left = applies[0]["children"][0]
                aggregations = [p for p in _all(plan) if p["operatorType"].startswith("EagerAggregation")]
                assert aggregations and all(any(a is q for q in _all(left)) for a in aggregations), name
                assert sum("now:Current" in _details(p) for p in _all(plan)) == 1, name
                assert not any("now:Current" in _details(p) for p in _all(left)), name


class _FirstRunFails:
    """Stands in for the store's driver: the first ``run`` of a lookup gives ``first()``
    (an answer or an exception), every later one goes to the real server."""

    def __init__(self, driver: Any, first: Any) -> None:
        self.driver, self.first, self.runs = driver, first, []

    def session(self, **config: Any) -> Any:
        outer, real = self, self.driver.session(**config)

        class Session:
            def __enter__(self) -> Session:
                return self

            def __exit__(self, *exc: object) -> None:
                real.close()

            def run(self, text: str, params: dict[str, Any]) -> Any:
                outer.runs.append(text)
                if len(outer.runs) == 1:
                    answer = outer.first()
                    return type("Result", (), {"single": lambda _, strict: answer})()
                return real.run(text, params)
        return Session()


@pytest.mark.parametrize("first", ["pointer moved", "session expired"])
def test_a_lookup_reads_again_after_a_moved_pointer_or_a_retryable_failure(
        location: tuple[str, str, str], first: str) -> None:
    """An answer whose two pointer reads differ is thrown away (faked: the pointer moved and
    rows of nonsense), and a retryable driver failure is retried: the second run counts."""
    uri, user, password = location
    store = Neo4jStore(uri, user=user, password=password)
    store.publish(synthetic_publication(40, "A"))
    person = store.list_persons(Visibility.everything(), first=1).items[0]

    def fake() -> Any:
        if first == "session expired":
            raise SessionExpired("gone")
        return {"gen": 1, "now": 2, "rows": [{"x": 1}]}
    driver, fakes = store._driver, _FirstRunFails(store._driver, fake)
    store._driver = fakes  # type: ignore[assignment]
    try:
        assert store.get_persons([person.person_id], Visibility.everything()) == {person.person_id: person}
        assert len(fakes.runs) == 2 and fakes.runs[0] == fakes.runs[1]
    finally:
        store._driver = driver
        store.close()


def test_lookups_answer_nothing_before_anything_is_published(location: tuple[str, str, str]) -> None:
    uri, user, password = location
    with Neo4jStore(uri, user=user, password=password) as store:
        everything = Visibility.everything()
        assert store.get_person_by_nik("3273010101900001", everything) is None
        assert store.members_of_households(["H1"], everything) == {}
        assert store.records_of_persons(["P1"], everything) == {}
