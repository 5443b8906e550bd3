"""People from scored pairs: connected components at a threshold, then steward rulings.

Splink's connected-components clustering gives the starting clusters. Every run then:

* joins the clusters of each must-link pair;
* splits a cluster holding a cannot-link pair at its weakest links: a minimum cut on
  the cluster's links, each link costing its match weight (a strong link is expensive
  to cut), must-links uncuttable;
* guards against chaining: a cluster holding two valid NIKs more than one typo apart is
  split the same way when the links joining them are weak, else sent to review;
* sends pairs in the uncertain band to review, their per-comparison weights as the why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from linkage._graph_cut import min_cut_split
from linkage.predict import Pair

__all__ = ["Clustering", "ReviewPair", "cluster", "cluster_metrics", "item_id"]

#: A cut costing more than this (sum of match weights) is not made automatically.
MAX_AUTO_CUT = 20.0


@dataclass(slots=True)
class ReviewPair:
    item_id: str
    kind: str                     # uncertain_pair or conflicting_nik
    left: str
    right: str
    probability: float | None
    weights: dict[str, float] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Clustering:
    clusters: list[list[str]]            # each sorted; the list sorted by first key
    review: list[ReviewPair]
    splits: dict[str, int] = field(default_factory=dict)   # why clusters were split -> count


def item_id(kind: str, left: str, right: str) -> str:
    """A review item id stable across runs (decisions are kept by id)."""
    a, b = sorted((left, right))
    return kind + ":" + hashlib.sha1(f"{a}\x1f{b}".encode()).hexdigest()[:16]


def cluster(keys: Iterable[str], pairs: Sequence[Pair], *, threshold: float,
            review_band: tuple[float, float] | None = None,
            must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = (),
            niks: dict[str, str] | None = None) -> Clustering:
    """Cluster ``keys`` using ``pairs`` at or above ``threshold`` plus the steward rulings.

    ``niks`` maps record keys to valid NIKs for the chaining guard. Deterministic: the
    same inputs give the same clusters, whatever order they came in.
    """
    keyset = set(keys)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(keyset))
    # Canonical edges, inserted in sorted order: the cut networkx finds among equal
    # cuts depends on insertion order, and the result must not depend on input order.
    edges: dict[tuple[str, str], float] = {}
    for p in pairs:
        if p.probability >= threshold and p.left in keyset and p.right in keyset and p.left != p.right:
            edge = (min(p.left, p.right), max(p.left, p.right))
            edges[edge] = max(edges.get(edge, 0.0), max(p.match_weight, 0.01))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(edges.items()))
    must = [tuple(sorted(m)) for m in must_link if m[0] in keyset and m[1] in keyset and m[0] != m[1]]
    cannot = {tuple(sorted(c)) for c in cannot_link if c[0] in keyset and c[1] in keyset}
    for a, b in must:
        if (a, b) not in cannot:
            graph.add_edge(a, b, weight=float("inf"), must=True)
    splits = {"cannot_link": 0, "conflicting_nik": 0}
    review: list[ReviewPair] = []
    clusters: list[list[str]] = []
    for comp in nx.connected_components(graph):
        parts = [set(comp)]
        done: list[set[str]] = []
        while parts:
            part = parts.pop()
            cut = _violation(part, cannot, niks)
            if cut is None:
                done.append(part)
                continue
            kind, sources, sinks = cut
            halves = min_cut_split(graph.subgraph(part), sources, sinks,
                                   limit=None if kind == "cannot_link" else MAX_AUTO_CUT)
            if halves is None:   # strong links hold two NIKs together: a steward decides
                left, right = sorted((min(sources), min(sinks)))
                review.append(ReviewPair(item_id("conflicting_nik", left, right), "conflicting_nik",
                                         left, right, None))
                done.append(part)
                continue
            splits[kind] += 1
            parts.extend(halves)
        clusters.extend(sorted(p) for p in done)
    clusters.sort(key=lambda c: c[0])
    if review_band is not None:
        where = {k: i for i, c in enumerate(clusters) for k in c}
        low, high = review_band
        decided = cannot | set(must)
        for p in pairs:
            if low <= p.probability < high and tuple(sorted((p.left, p.right))) not in decided \
                    and p.left in where and p.right in where:
                review.append(ReviewPair(item_id("uncertain_pair", p.left, p.right), "uncertain_pair",
                                         p.left, p.right, p.probability, p.weights, p.levels))
    review.sort(key=lambda r: r.item_id)
    return Clustering(clusters, review, splits)


def _violation(part: set[str], cannot: set[tuple[str, str]],
               niks: dict[str, str] | None) -> tuple[str, set[str], set[str]] | None:
    if len(part) < 2:
        return None
    for a, b in sorted(cannot):
        if a in part and b in part:
            return "cannot_link", {a}, {b}
    if niks:
        groups: dict[str, set[str]] = {}
        for k in part:
            if k in niks:
                groups.setdefault(niks[k], set()).add(k)
        if len(groups) > 1:
            ordered = sorted(groups, key=lambda n: (-len(groups[n]), n))
            for other in ordered[1:]:
                if _far(ordered[0], other):
                    return "conflicting_nik", groups[ordered[0]], groups[other]
    return None


def _far(a: str, b: str) -> bool:
    """Two NIKs of different people: more than one substitution or transposition apart, or
    the same region and date with another serial (twins, siblings born the same day)."""
    if len(a) == len(b) == 16 and a[:12] == b[:12] and a != b:
        return True
    diff = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
    if len(a) != len(b) or len(diff) > 2:
        return True
    if len(diff) <= 1:
        return False
    i, j = diff
    return not (j == i + 1 and a[i] == b[j] and a[j] == b[i])


def cluster_metrics(graph_edges: Sequence[Pair], clusters: Sequence[Sequence[str]],
                    threshold: float) -> dict[str, float]:
    """networkx metrics over multi-record clusters: size, density, bridges."""
    where = {k: i for i, c in enumerate(clusters) for k in c}
    per: dict[int, nx.Graph] = {}
    for p in graph_edges:
        if p.probability >= threshold and where.get(p.left) == where.get(p.right) is not None:
            per.setdefault(where[p.left], nx.Graph()).add_edge(p.left, p.right)
    sizes = [len(c) for c in clusters]
    multi = [g for g in per.values() if g.number_of_nodes() > 1]
    bridges = sum(1 for g in multi for _ in nx.bridges(g) if g.number_of_nodes() > 2)
    return {
        "clusters": len(clusters),
        "max_size": max(sizes, default=0),
        "singletons": sum(1 for s in sizes if s == 1),
        "mean_density": round(sum(nx.density(g) for g in multi) / len(multi), 4) if multi else 1.0,
        "bridges": bridges,
    }
