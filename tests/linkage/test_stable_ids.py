"""Stable ids: what a ministry that stored an id last month relies on."""

from __future__ import annotations

import random

import pytest

from linkage.stable_ids import assign_ids, new_id


def _links(ids: dict[str, str], clusters: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(key, ids[c]) for c, keys in clusters.items() for key in keys]


def test_same_data_twice_gives_same_ids_even_from_an_empty_store() -> None:
    clusters = {"x": ["a:1", "b:7"], "y": ["a:2"]}
    first, lineage1 = assign_ids([], clusters, "person", "r1")
    again, _ = assign_ids([], {"q": ["b:7", "a:1"], "z": ["a:2"]}, "person", "r1")
    assert sorted(first.values()) == sorted(again.values())
    assert lineage1 == []
    second, lineage2 = assign_ids(_links(first, clusters), clusters, "person", "r2")
    assert second == first
    assert lineage2 == []


def test_added_records_keep_the_ids_of_unchanged_clusters() -> None:
    clusters = {"x": ["a:1", "b:7"], "y": ["a:2"]}
    ids, _ = assign_ids([], clusters, "person", "r1")
    grown = {"x": ["a:1", "b:7", "c:9"], "y": ["a:2"], "new": ["c:10"]}
    ids2, lineage = assign_ids(_links(ids, clusters), grown, "person", "r2")
    assert ids2["x"] == ids["x"] and ids2["y"] == ids["y"]
    assert ids2["new"] not in ids.values()
    assert lineage == []


def test_merge_keeps_the_id_of_the_largest_part_and_records_lineage() -> None:
    before = {"big": ["a:1", "a:2", "a:3"], "small": ["b:1"]}
    ids, _ = assign_ids([], before, "person", "r1")
    merged, lineage = assign_ids(_links(ids, before), {"m": ["a:1", "a:2", "a:3", "b:1"]}, "person", "r2")
    assert merged["m"] == ids["big"]
    assert [(r.old_id, r.new_ids) for r in lineage] == [(ids["small"], [ids["big"]])]


def test_split_keeps_the_id_for_the_largest_part_and_names_both_successors() -> None:
    before = {"c": ["a:1", "a:2", "a:3", "b:1"]}
    ids, _ = assign_ids([], before, "household", "r1")
    assert ids["c"].startswith("H-")
    after = {"rest": ["a:1", "a:2", "a:3"], "left": ["b:1"]}
    split, lineage = assign_ids(_links(ids, before), after, "household", "r2")
    assert split["rest"] == ids["c"]
    assert split["left"] != ids["c"]
    assert len(lineage) == 1
    assert lineage[0].old_id == ids["c"] and sorted(lineage[0].new_ids) == sorted(split.values())
    assert lineage[0].run_id == "r2" and lineage[0].kind == "household"


def test_new_ids_never_collide_with_an_inherited_id() -> None:
    # "b" inherits the id anchored on "a:1" (largest overlap); the cluster now holding a:1
    # alone must get a different id even though its anchor is the same record key.
    previous = [("a:1", new_id("person", "a:1")), ("b:1", new_id("person", "a:1")),
                ("b:2", new_id("person", "a:1"))]
    ids, _ = assign_ids(previous, {"b": ["b:1", "b:2"], "a": ["a:1"]}, "person", "r2")
    assert ids["b"] == new_id("person", "a:1")
    assert ids["a"] != ids["b"]


def test_result_does_not_depend_on_input_order() -> None:
    rng = random.Random(3)
    keys = [f"d:{i}" for i in range(60)]
    before = {f"c{i}": keys[i * 3:(i + 1) * 3] for i in range(20)}
    ids, _ = assign_ids([], before, "person", "r1")
    regrouped = {f"n{i}": keys[i * 4:(i + 1) * 4] for i in range(15)}
    reference = assign_ids(_links(ids, before), regrouped, "person", "r2")
    for _ in range(5):
        items = list(regrouped.items())
        rng.shuffle(items)
        prev = _links(ids, before)
        rng.shuffle(prev)
        assert assign_ids(prev, dict(items), "person", "r2") == reference


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        assign_ids([], {}, "village", "r1")
