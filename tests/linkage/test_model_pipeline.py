"""The whole linkage run on hand-made records, real Splink, the real embedded store.

One model is trained per module (Splink's EM takes seconds) and reused with
``model=`` by the tests that are about clustering, ids and rulings; the
determinism test trains from scratch twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import pytest

from graph import ConstraintKind, GraphStore, Visibility, open_store
from hub.pipeline import STAGES, LinkResult, run_link_workspace
from linkage.canonical import record_key
from tests.linkage._fixtures import load_records, make_people, make_records

PEOPLE = make_people(120, seed=11)
ROWS, TRUTH = make_records(PEOPLE, seed=12)


@pytest.fixture(autouse=True)
def _quiet_splink() -> Iterator[None]:
    # Splink warns through logging about levels small data never shows; keep test output readable.
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


class Run:
    """A workspace and a store in one directory, linked as often as a test likes."""

    def __init__(self, root: Path, rows: list[dict[str, object]]) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.con = duckdb.connect(str(root / "workspace.duckdb"))
        load_records(self.con, rows)
        self.store: GraphStore = open_store(str(root / "graph.sqlite"))

    def link(self, model: Any = None, **kw: Any) -> LinkResult:
        return run_link_workspace(self.con, self.root, self.store, model=model, u_max_pairs=1e6, **kw)

    def links(self) -> dict[str, tuple[str, str | None]]:
        return {record_key(ds, sid): (pid, hid) for ds, sid, pid, hid in self.store.export_links()}

    def close(self) -> None:
        self.store.close()
        self.con.close()


def _pairs(assign: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for k, v in assign.items():
        groups.setdefault(v, []).append(k)
    return {tuple(sorted(p)) for g in groups.values() for p in combinations(g, 2)}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    run = Run(tmp_path_factory.mktemp("trained"), ROWS)
    seen: list[str] = []
    result = run.link(progress=seen.append)
    assert seen == [s for s in STAGES if s != "ingest"]
    links = run.links()
    run.close()
    return result.model, links


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    r = Run(tmp_path / "run", ROWS)
    yield r
    r.close()


def test_people_are_found_across_datasets(trained: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _, links = trained
    predicted = _pairs({k: v[0] for k, v in links.items()})
    truth = _pairs(TRUTH)
    true_positives = len(predicted & truth)
    assert true_positives / len(predicted) == 1.0          # no two people merged
    assert true_positives / len(truth) >= 0.97             # typos, missing NIKs, initials still found
    assert set(links) == set(TRUTH)                        # every record published


def test_fresh_training_gives_the_same_model_clusters_and_ids(
        trained: tuple[dict[str, Any], dict[str, Any]], run: Run) -> None:
    model, links = trained
    result = run.link()
    assert run.links() == links
    strip = {"linker_uid"}
    assert {k: v for k, v in result.model.items() if k not in strip} == \
        {k: v for k, v in model.items() if k not in strip}


def test_summary_counts_blocking_verification_and_clusters(
        trained: tuple[dict[str, Any], dict[str, Any]], run: Run) -> None:
    result = run.link(trained[0])
    s = result.summary
    assert s["records"] == len(ROWS) and s["persons"] == len({v[0] for v in run.links().values()})
    assert sum(s["verification"].values()) == s["persons"]
    assert s["verification"]["verified"] > 0
    assert result.blocking[0]["rule"] == 'l."nik" = r."nik"'
    assert all(b["comparisons"] >= 0 for b in result.blocking)
    assert result.blocking[-1]["cumulative"] == sum(b["comparisons"] for b in result.blocking)
    assert (run.root / "model.json").exists() and (run.root / "models" / f"{result.run_id}.json").exists()


def test_rerun_with_the_saved_model_keeps_every_id(trained: tuple[dict[str, Any], dict[str, Any]],
                                                   run: Run) -> None:
    run.link(trained[0])
    first = run.links()
    second = run.link(run.root / "model.json")
    assert run.links() == first
    assert second.lineage == []


def test_added_records_keep_the_ids_of_their_people(tmp_path: Path,
                                                    trained: tuple[dict[str, Any], dict[str, Any]]) -> None:
    early = [r for r in ROWS if r["dataset"] != "pbi"]
    run = Run(tmp_path / "grow", early)
    try:
        run.link(trained[0])
        before = run.links()
        load_records(run.con, ROWS)
        run.link(trained[0])
        after = run.links()
    finally:
        run.close()
    assert all(after[k][0] == before[k][0] for k in before)
    assert all(after[k][1] == before[k][1] for k in before)
    assert len(after) == len(ROWS)


def _multi_record_person(links: dict[str, tuple[str, str | None]]) -> list[str]:
    by_person: dict[str, list[str]] = {}
    for k, (pid, _) in sorted(links.items()):
        by_person.setdefault(pid, []).append(k)
    return next(keys for keys in by_person.values() if len(keys) == 3)


def test_a_cannot_link_ruling_splits_and_survives_reruns(trained: tuple[dict[str, Any], dict[str, Any]],
                                                         run: Run) -> None:
    run.link(trained[0])
    keys = _multi_record_person(run.links())
    old_id = run.links()[keys[0]][0]
    run.store.add_constraint(ConstraintKind.CANNOT_LINK, keys[0], keys[1], steward="steward-1", note="twins")
    result = run.link(trained[0])
    links = run.links()
    assert links[keys[0]][0] != links[keys[1]][0]
    assert result.summary["splits"]["cannot_link"] == 1
    # the largest continuing part keeps the id; lineage says where the rest went
    assert old_id in {links[k][0] for k in keys}
    (row,) = [r for r in result.lineage if r.old_id == old_id]
    assert set(row.new_ids) == {links[k][0] for k in keys}
    run.link(trained[0])
    assert run.links() == links


def test_a_must_link_ruling_merges_two_people(trained: tuple[dict[str, Any], dict[str, Any]],
                                              run: Run) -> None:
    run.link(trained[0])
    links = run.links()
    a = "dukcapil:d0"
    b = next(k for k in sorted(links) if links[k][0] != links[a][0] and k.startswith("dukcapil:"))
    run.store.add_constraint(ConstraintKind.MUST_LINK, a, b, steward="steward-1", note=None)
    run.link(trained[0])
    merged = run.links()
    assert merged[a][0] == merged[b][0]
    everyone = {k for k, v in links.items() if v[0] in (links[a][0], links[b][0])}
    assert {merged[k][0] for k in everyone} == {merged[a][0]}


def test_uncertain_pairs_reach_the_review_queue_with_their_weights(
        trained: tuple[dict[str, Any], dict[str, Any]], run: Run) -> None:
    result = run.link(trained[0], threshold=0.99999, review_floor=0.5)
    page = run.store.review_queue(Visibility.everything(), first=100)
    assert len(page.items) == min(result.summary["review_items"], 100) > 0
    item = page.items[0]
    assert item.kind == "uncertain_pair" and 0.5 <= (item.probability or 0) < 0.99999
    weights = item.explanation["weights"]
    assert {"nik", "name", "birth_date"} <= set(weights)
    assert all(isinstance(w, float) for w in weights.values())


def test_the_run_leaves_the_matcher_a_snapshot_with_stable_ids(run: Run, trained: tuple) -> None:
    from linkage.realtime import Matcher

    model, _ = trained
    run.link(model=model)
    matcher = Matcher.open(run.root / "model.json", run.root / "linked.parquet")
    links = run.links()
    row = next(r for r in ROWS if r["dataset"] == "dukcapil")
    best = matcher.best(matcher.candidates(dict(row, record_key="proposal:1")))
    assert best is not None
    assert (best.person_id, best.household_id) == links[str(row["record_key"])]
