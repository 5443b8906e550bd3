"""Identity guard after clustering: a cluster must not hold two people the NIKs tell apart.

Fellegi-Sunter adds up evidence as if comparisons were independent, but twins and
siblings born the same day share a KK, a mother, an address, a surname and often a
birth date, and agencies type relatives' NIKs for each other. Such pairs can score
above the threshold, and connected components then chain a family into one
"person". A pair cannot see that; the cluster can.

The rule: a NIK is *attested* in a cluster when it agrees with the birth date and sex
of the record carrying it (a NIK embeds DDMMYY, +40 on the day for women) and that
holds on a civil-registry (reference) record or on records of two or more datasets.
A relative's NIK fails the first test (it embeds the relative's birth date), and the
same typo does not recur across agencies next to a matching birth date, so an
attested NIK is someone's own. Two attested NIKs in one cluster are two people: the
cluster is split at the minimum cut of its links (match weights as costs) between the
records carrying them, records without an attested NIK following the cut. The chaining
guard in :mod:`linkage.clustering` declines cuts that cost too much and sends them to
review; this one does not, because the evidence it acts on is not a score.

Example:
    >>> result = guard_people(con, result, pairs, threshold=0.99)   # doctest: +SKIP
    >>> result.splits["conflicting_identity"]                        # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import duckdb
import networkx as nx
import pyarrow as pa

from linkage._graph_cut import min_cut_split
from linkage.clustering import Clustering
from linkage.predict import Pair

__all__ = ["attested_niks", "guard_people", "split_conflicting"]

#: Records whose valid NIK agrees with their own birth date (century-free) and sex,
#: in clusters holding two or more attested NIKs.
_SUSPECT_SQL = """
WITH c AS (
  SELECT p.cluster_id, r.record_key, r.nik, r.dataset, coalesce(r.reference, false) AS ref
  FROM person_clusters p JOIN records r USING (record_key)
  WHERE r.nik_valid AND r.nik IS NOT NULL AND r.nik_birth_date IS NOT NULL AND r.birth_date IS NOT NULL
    AND day(r.nik_birth_date) = day(r.birth_date) AND month(r.nik_birth_date) = month(r.birth_date)
    AND year(r.nik_birth_date) % 100 = year(r.birth_date) % 100
    AND (r.sex IS NULL OR r.nik_sex IS NULL OR r.sex = r.nik_sex)),
att AS (SELECT cluster_id, nik FROM c GROUP BY cluster_id, nik
        HAVING bool_or(ref) OR count(DISTINCT dataset) >= 2),
sus AS (SELECT cluster_id FROM att GROUP BY cluster_id HAVING count(*) > 1)
SELECT cluster_id, record_key, nik, dataset, ref FROM c SEMI JOIN sus USING (cluster_id)
ORDER BY cluster_id, record_key
"""

Consistent = dict[str, tuple[str, str, bool]]   # record key -> (nik, dataset, reference)


def attested_niks(members: Iterable[str], consistent: Consistent) -> dict[str, set[str]]:
    """NIK -> the records carrying it, for the NIKs attested among ``members``.

    ``consistent`` holds the records whose NIK agrees with their own birth date and sex.
    """
    carriers: dict[str, set[str]] = defaultdict(set)
    datasets: dict[str, set[str]] = defaultdict(set)
    registered: set[str] = set()
    for key in members:
        if key in consistent:
            nik, dataset, reference = consistent[key]
            carriers[nik].add(key)
            datasets[nik].add(dataset)
            if reference:
                registered.add(nik)
    return {nik: keys for nik, keys in carriers.items() if nik in registered or len(datasets[nik]) >= 2}


def split_conflicting(members: Iterable[str], edges: Iterable[tuple[str, str, float]],
                      consistent: Consistent) -> list[set[str]]:
    """Cut one cluster until no piece holds two attested NIKs (``edges``: links with their cost)."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(members))
    graph.add_weighted_edges_from(sorted(edges))
    pieces: list[set[str]] = []
    parts = [set(graph.nodes)]
    while parts:
        part = parts.pop()
        groups = attested_niks(part, consistent)
        if len(groups) < 2:
            pieces.append(part)
            continue
        # The two best-attested NIKs first; any further one is cut in a later round.
        first, second = sorted(groups, key=lambda n: (-len(groups[n]), n))[:2]
        halves = min_cut_split(graph.subgraph(part), groups[first], groups[second])
        if halves is None:      # tied by must-links: a steward joined them
            pieces.append(part)
            continue
        parts.extend(halves)
    return sorted(pieces, key=min)


def guard_people(con: duckdb.DuckDBPyConnection, clustering: Clustering, pairs: Sequence[Pair] | str, *,
                 threshold: float, must_link: Iterable[tuple[str, str]] = ()) -> Clustering:
    """Split the clusters of ``person_clusters`` that hold two attested NIKs; update the table.

    ``pairs`` are the scored pairs, or the name of a workspace table of them (Splink's
    predict columns). A steward's must-link is never cut.
    """
    rows = con.execute(_SUSPECT_SQL).fetchall()
    splits = {**clustering.splits, "conflicting_identity": 0}
    if not rows:
        return Clustering(clustering.clusters, clustering.review, splits)
    consistent: Consistent = {key: (nik, ds, bool(ref)) for _c, key, nik, ds, ref in rows}
    suspect = {c for c, *_ in rows}
    members: dict[str, list[str]] = defaultdict(list)
    # Only the suspect clusters' records leave DuckDB (not one row per record: 1M at 1M records).
    con.register("_guard_suspect", pa.table({"c": pa.array(sorted(suspect), pa.string())}))
    try:
        for key, cid in con.execute("SELECT record_key, cluster_id FROM person_clusters "
                                    "SEMI JOIN _guard_suspect g ON g.c = cluster_id "
                                    "ORDER BY record_key").fetchall():
            members[cid].append(key)
    finally:
        con.unregister("_guard_suspect")
    where = {k: c for c, keys in members.items() for k in keys}
    edges: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for left, right, weight in _links(con, pairs, threshold, sorted(where)):
        if left != right and where.get(left) is not None and where.get(left) == where.get(right):
            edges[where[left]].append((left, right, max(weight, 0.01)))
    for a, b in must_link:
        if a in where and where[a] == where.get(b) and a != b:
            edges[where[a]].append((a, b, float("inf")))
    changed: dict[str, str] = {}
    new: dict[str, list[list[str]]] = {}
    for cid in sorted(members):
        pieces = split_conflicting(members[cid], edges[cid], consistent)
        splits["conflicting_identity"] += len(pieces) - 1
        new[cid] = [sorted(p) for p in pieces]
        changed.update({k: min(p) for p in pieces for k in p if min(p) != cid})
    if changed:
        con.register("_guard_arrow", pa.table({"record_key": list(changed),
                                                "cluster_id": list(changed.values())}))
        con.execute("UPDATE person_clusters SET cluster_id = g.cluster_id FROM _guard_arrow g "
                    "WHERE person_clusters.record_key = g.record_key")
        con.unregister("_guard_arrow")
    clusters = [piece for c in clustering.clusters for piece in new.get(c[0], [c])]
    clusters.sort(key=lambda c: c[0])
    return Clustering(clusters, clustering.review, splits)


def _links(con: duckdb.DuckDBPyConnection, pairs: Sequence[Pair] | str, threshold: float,
           keys: list[str]) -> Iterable[tuple[str, str, float]]:
    """Links at or above the threshold touching ``keys`` (read from the table in SQL when one is named)."""
    if isinstance(pairs, str):
        con.register("_guard_keys", pa.table({"k": pa.array(keys, pa.string())}))
        try:
            return con.execute(f"SELECT unique_id_l, unique_id_r, match_weight FROM {pairs} s "
                               "SEMI JOIN _guard_keys g ON g.k = s.unique_id_l "
                               "WHERE match_probability >= ?", [threshold]).fetchall()
        finally:
            con.unregister("_guard_keys")
    return [(p.left, p.right, p.match_weight) for p in pairs if p.probability >= threshold]
