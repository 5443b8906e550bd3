"""Minimum cut of a cluster's links: where to split a cluster that must not stay whole."""

from __future__ import annotations

import networkx as nx

__all__ = ["min_cut_split"]

_SOURCE, _SINK = "\x00source", "\x00sink"


def min_cut_split(graph: nx.Graph, sources: set[str], sinks: set[str], *,
                  limit: float | None = None) -> list[set[str]] | None:
    """Split ``graph``'s nodes so no source stays connected to a sink, cutting the
    lightest links (capacity = match weight; must-links are infinite).

    Returns the connected pieces after the cut, or None when the cut would cost more
    than ``limit`` (or is impossible, e.g. sources and sinks tied by must-links).
    """
    flow = nx.DiGraph()
    flow.add_nodes_from(sorted(graph.nodes))
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (min(e[0], e[1]), max(e[0], e[1]))):
        cap = data.get("weight", 1.0)
        flow.add_edge(a, b, capacity=cap)
        flow.add_edge(b, a, capacity=cap)
    for s in sorted(sources):
        flow.add_edge(_SOURCE, s)          # no capacity attribute: infinite
    for t in sorted(sinks):
        flow.add_edge(t, _SINK)
    try:
        value, (left, _right) = nx.minimum_cut(flow, _SOURCE, _SINK)
    except nx.NetworkXUnbounded:
        return None
    if value == float("inf") or (limit is not None and value > limit):
        return None
    left = set(left) - {_SOURCE}
    pruned = graph.copy()
    pruned.remove_edges_from([(a, b) for a, b in graph.edges() if (a in left) != (b in left)])
    pieces = [set(c) for c in nx.connected_components(pruned)]
    return sorted(pieces, key=lambda c: min(c))
