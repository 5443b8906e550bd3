"""Stable ids for people and households across linkage runs.

A ministry that stored ``P-3f9a...`` last month must find the same person
under the same id this month. Clusters are recomputed every run, so ids are
carried over by overlap with the previous run's clusters:

* every old id goes to the new cluster holding most of its records, and every
  new cluster keeps at most one old id (the one it shares most records with);
  pairs are settled greedily, largest overlap first, ties broken by the ids
  themselves so the result never depends on iteration order;
* a cluster that inherits nothing gets a new id derived from its smallest
  record key, so linking the same data twice gives the same ids even with an
  empty store;
* an old id whose records now sit under other ids (a merge, a split, or records
  that left) gets a :class:`~graph.model.LineageRow` naming where they went.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping

from graph.model import LineageRow

__all__ = ["ID_PREFIX", "assign_ids", "new_id"]

ID_PREFIX: dict[str, str] = {"person": "P", "household": "H"}


def new_id(kind: str, anchor: str, attempt: int = 0) -> str:
    """A deterministic id for a cluster first seen in this run, anchored on one record key."""
    seed = anchor if attempt == 0 else f"{anchor}#{attempt}"
    return f"{ID_PREFIX[kind]}-{hashlib.sha256(seed.encode()).hexdigest()[:16]}"


def assign_ids(
    previous: Iterable[tuple[str, str | None]],
    clusters: Mapping[str, Collection[str]],
    kind: str,
    run_id: str,
) -> tuple[dict[str, str], list[LineageRow]]:
    """Give every cluster of this run a stable id.

    Args:
        previous: ``(record_key, old_id)`` pairs from the last published run
            (``GraphStore.export_links()``); ``None`` ids are ignored.
        clusters: cluster key -> the record keys it holds, for this run.
        kind: ``"person"`` or ``"household"`` (decides the id prefix).
        run_id: stamped on the lineage rows.

    Returns:
        cluster key -> stable id, and the lineage of every old id that did not
        carry over intact.

    Example:
        >>> ids, lineage = assign_ids([("a:1", "P-x"), ("b:1", "P-x"), ("b:2", "P-x")],
        ...                           {"c1": ["a:1"], "c2": ["b:1", "b:2"]}, "person", "r2")
        >>> ids["c2"], lineage[0].old_id, len(lineage[0].new_ids)
        ('P-x', 'P-x', 2)
    """
    if kind not in ID_PREFIX:
        raise ValueError(f"kind must be one of {sorted(ID_PREFIX)}, got {kind!r}")
    old_of: dict[str, str] = {key: old for key, old in previous if old}
    anchors = {cluster: min(keys) for cluster, keys in clusters.items() if keys}

    overlaps: list[tuple[int, str, str]] = []
    for cluster, keys in clusters.items():
        counts = Counter(old_of[key] for key in keys if key in old_of)
        overlaps.extend((count, old, cluster) for old, count in counts.items())
    # Largest overlap first; then by old id and by the cluster's anchor, for determinism.
    overlaps.sort(key=lambda item: (-item[0], item[1], anchors[item[2]]))

    ids: dict[str, str] = {}
    taken_old: set[str] = set()
    for _count, old, cluster in overlaps:
        if cluster not in ids and old not in taken_old:
            ids[cluster] = old
            taken_old.add(old)

    used = set(old_of.values())
    for cluster in sorted(clusters, key=lambda c: anchors.get(c, "")):
        if cluster in ids:
            continue
        attempt = 0
        candidate = new_id(kind, anchors.get(cluster, cluster))
        while candidate in used:
            attempt += 1
            candidate = new_id(kind, anchors.get(cluster, cluster), attempt)
        ids[cluster] = candidate
        used.add(candidate)

    return ids, _lineage(old_of, clusters, ids, kind, run_id)


def _lineage(old_of: Mapping[str, str], clusters: Mapping[str, Collection[str]], ids: Mapping[str, str],
             kind: str, run_id: str) -> list[LineageRow]:
    successors: dict[str, set[str]] = defaultdict(set)
    for cluster, keys in clusters.items():
        for key in keys:
            if key in old_of:
                successors[old_of[key]].add(ids[cluster])
    rows = []
    for old in sorted(set(old_of.values())):
        after = successors.get(old, set())
        if after != {old}:
            rows.append(LineageRow(kind=kind, old_id=old, new_ids=sorted(after), run_id=run_id))
    return rows
