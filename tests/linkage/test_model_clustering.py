"""Clustering with steward rulings and the chaining guard, on hand-made scored pairs."""

from __future__ import annotations

import random

from linkage.clustering import cluster, cluster_metrics, item_id
from linkage.predict import Pair


def _p(a: str, b: str, prob: float, weight: float) -> Pair:
    return Pair(a, b, prob, weight, {"name": weight / 2, "nik": weight / 2},
                {"name": "exact", "nik": "exact"})


CHAIN = [_p("a", "b", 0.9999, 20.0), _p("b", "c", 0.995, 8.0), _p("c", "d", 0.9999, 20.0)]


def test_threshold_makes_connected_components() -> None:
    result = cluster("abcde", CHAIN, threshold=0.99)
    assert result.clusters == [["a", "b", "c", "d"], ["e"]]
    assert cluster("abcde", CHAIN, threshold=0.999).clusters == [["a", "b"], ["c", "d"], ["e"]]


def test_must_link_merges_clusters_that_no_score_joins() -> None:
    result = cluster("abcde", CHAIN, threshold=0.99, must_link=[("e", "a")])
    assert result.clusters == [["a", "b", "c", "d", "e"]]


def test_cannot_link_splits_at_the_weakest_link() -> None:
    result = cluster("abcd", CHAIN, threshold=0.99, cannot_link=[("a", "d")])
    assert result.clusters == [["a", "b"], ["c", "d"]]
    assert result.splits["cannot_link"] == 1


def test_cannot_link_beats_must_link_on_the_same_pair_and_must_links_are_never_cut() -> None:
    result = cluster("abcd", CHAIN, threshold=0.99, must_link=[("b", "c"), ("a", "d")],
                     cannot_link=[("a", "d")])
    # b-c may not be cut, so the cheapest cut left is a-b or c-d (both strong, equal): one of them goes
    assert ["a", "d"] not in result.clusters
    assert any({"b", "c"} <= set(c) for c in result.clusters)
    assert not any({"a", "d"} <= set(c) for c in result.clusters)


def test_two_valid_niks_joined_weakly_are_split() -> None:
    pairs = [_p("a", "b", 0.9999, 20.0), _p("b", "c", 0.995, 8.0)]
    niks = {"a": "3273014501900001", "c": "3204056607850002"}
    result = cluster("abc", pairs, threshold=0.99, niks=niks)
    assert result.clusters == [["a", "b"], ["c"]]
    assert result.splits["conflicting_nik"] == 1


def test_two_valid_niks_joined_strongly_go_to_review_not_silently_merged() -> None:
    pairs = [_p("a", "b", 0.99999, 25.0), _p("b", "c", 0.99999, 25.0), _p("a", "c", 0.99999, 25.0)]
    niks = {"a": "3273014501900001", "c": "3204056607850002"}
    result = cluster("abc", pairs, threshold=0.99, niks=niks)
    assert result.clusters == [["a", "b", "c"]]
    assert [(r.kind, r.left, r.right) for r in result.review] == [("conflicting_nik", "a", "c")]


def test_a_nik_one_typo_away_is_the_same_person() -> None:
    pairs = [_p("a", "b", 0.999, 12.0)]
    for typo in ("3273014501910001", "3273014510900001"):   # one digit off, two digits transposed
        result = cluster("ab", pairs, threshold=0.99, niks={"a": "3273014501900001", "b": typo})
        assert result.clusters == [["a", "b"]]


def test_twins_niks_differ_only_in_the_serial_and_are_two_people() -> None:
    pairs = [_p("a", "b", 0.999, 12.0)]
    result = cluster("ab", pairs, threshold=0.99, niks={"a": "3273014501900001", "b": "3273014501900002"})
    assert result.clusters == [["a"], ["b"]]


def test_uncertain_band_goes_to_review_with_per_comparison_weights() -> None:
    pairs = [*CHAIN, _p("d", "e", 0.7, 1.2)]
    result = cluster("abcde", pairs, threshold=0.99, review_band=(0.5, 0.99))
    assert ["e"] in result.clusters
    (item,) = result.review
    assert item.kind == "uncertain_pair" and (item.left, item.right) == ("d", "e")
    assert item.weights == {"name": 0.6, "nik": 0.6} and item.levels["name"] == "exact"
    assert item.item_id == item_id("uncertain_pair", "e", "d")
    decided = cluster("abcde", pairs, threshold=0.99, review_band=(0.5, 0.99), cannot_link=[("e", "d")])
    assert decided.review == []


def test_same_inputs_in_any_order_give_the_same_clusters() -> None:
    rnd = random.Random(3)
    keys = [f"r{i:03d}" for i in range(200)]
    pairs = [_p(keys[i], keys[j], rnd.choice([0.2, 0.995, 0.9999]), rnd.uniform(1, 25))
             for i, j in ((rnd.randrange(200), rnd.randrange(200)) for _ in range(300)) if i != j]
    niks = {k: f"3273{rnd.randrange(10**12):012d}" for k in keys[::40]}
    biggest = max(cluster(keys, pairs, threshold=0.99).clusters, key=len)
    ruling = (biggest[0], biggest[-1])
    first = cluster(keys, pairs, threshold=0.99, niks=niks, cannot_link=[ruling])
    rnd.shuffle(pairs)
    rnd.shuffle(keys)
    second = cluster(keys, pairs, threshold=0.99, niks=niks, cannot_link=[ruling[::-1]])
    assert first.clusters == second.clusters and first.review == second.review
    assert first.splits["cannot_link"] + first.splits["conflicting_nik"] > 0   # the cuts were exercised
    assert sorted(k for c in first.clusters for k in c) == sorted(keys)   # no record lost or doubled


def test_metrics_count_bridges_density_and_sizes() -> None:
    result = cluster("abcde", CHAIN, threshold=0.99)
    m = cluster_metrics(CHAIN, result.clusters, 0.99)
    assert m == {"clusters": 2, "max_size": 4, "singletons": 1, "mean_density": 0.5, "bridges": 3}
