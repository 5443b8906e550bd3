"""People from a table of scored pairs, with the bulk of the work left in DuckDB.

Connected components over every link at or above the threshold (plus must-links) run
in SQL, through Splink's own ``cluster_pairwise_predictions_at_threshold``. Only the
components that need a decision are read into Python and handed to
:func:`linkage.clustering.cluster`: those holding a cannot-link pair or two different
valid NIKs (the chaining guard). Every other component is final as it stands, which is
what ``cluster`` would have returned for it, so the result is the same as clustering
all pairs in Python, at a fraction of the memory and time. The review band is read
with its per-comparison weights; the cluster metrics are counted in SQL and networkx
sees only clusters that can hold a bridge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb
import networkx as nx
import pyarrow as pa
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from linkage.clustering import Clustering, ReviewPair, cluster, item_id
from linkage.predict import fetch_pairs

__all__ = ["cluster_table", "cluster_table_metrics"]

#: The workspace table the result lands in: one row per record, a cluster named by its smallest key.
CLUSTERS_TABLE = "person_clusters"


def _rulings(con: duckdb.DuckDBPyConnection, name: str, pairs: Iterable[tuple[str, str]], nodes: str) -> None:
    """Register steward pairs as a table ``name(a, b)``: ordered, both ends among ``nodes``."""
    ordered = sorted({(min(a, b), max(a, b)) for a, b in pairs})
    con.register(f"_{name}_arrow", pa.table({"a": pa.array([p[0] for p in ordered], pa.string()),
                                             "b": pa.array([p[1] for p in ordered], pa.string())}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT DISTINCT x.a, x.b FROM _{name}_arrow x "
                f"SEMI JOIN {nodes} l ON l.unique_id = x.a SEMI JOIN {nodes} r ON r.unique_id = x.b")
    con.unregister(f"_{name}_arrow")


def cluster_table(con: duckdb.DuckDBPyConnection, scored: str, nodes: str, model: dict[str, Any], *,
                  threshold: float, review_band: tuple[float, float] | None = None,
                  must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = ()
                  ) -> Clustering:
    """Cluster the records of ``nodes`` (``unique_id``, ``nik``, ``nik_valid``) by the pairs
    in ``scored`` (Splink's predict columns) and write ``person_clusters``.

    Same rules and same result as :func:`linkage.clustering.cluster` over all pairs.
    """
    _rulings(con, "_cl_must", must_link, nodes)
    _rulings(con, "_cl_cannot", cannot_link, nodes)
    con.execute("DELETE FROM _cl_must WHERE a = b OR (a, b) IN (SELECT (a, b) FROM _cl_cannot)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _cl_edges AS "
        "SELECT least(unique_id_l, unique_id_r) AS unique_id_l, "
        "greatest(unique_id_l, unique_id_r) AS unique_id_r "
        f"FROM {scored} WHERE match_probability >= ? AND unique_id_l <> unique_id_r "
        "UNION SELECT a, b FROM _cl_must", [threshold])
    components = cluster_pairwise_predictions_at_threshold(
        nodes, "_cl_edges", DuckDBAPI(con), "unique_id", "unique_id_l", "unique_id_r")
    con.execute("CREATE OR REPLACE TEMP TABLE _cl_comp AS SELECT unique_id AS record_key, "
                "min(unique_id) OVER (PARTITION BY cluster_id) AS comp "
                f"FROM {components.physical_name}")
    components.drop_table_from_database_and_remove_from_cache()
    # Components a ruling or the chaining guard may split; all others are final.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _cl_suspect AS "
        "SELECT ca.comp FROM _cl_cannot x JOIN _cl_comp ca ON ca.record_key = x.a "
        "JOIN _cl_comp cb ON cb.record_key = x.b WHERE ca.comp = cb.comp "
        f"UNION SELECT c.comp FROM _cl_comp c JOIN {nodes} n ON n.unique_id = c.record_key "
        "WHERE n.nik_valid AND n.nik IS NOT NULL GROUP BY c.comp HAVING count(DISTINCT n.nik) > 1")
    resolved = _resolve_suspects(con, scored, nodes, model, threshold)
    con.register("_cl_resolved_arrow", pa.table({
        "record_key": pa.array([k for c in resolved.clusters for k in c], pa.string()),
        "cluster_id": pa.array([c[0] for c in resolved.clusters for _ in c], pa.string())}))
    con.execute(f"CREATE OR REPLACE TABLE {CLUSTERS_TABLE} AS "
                "SELECT record_key, comp AS cluster_id FROM _cl_comp ANTI JOIN _cl_suspect USING (comp) "
                "UNION ALL SELECT record_key, cluster_id FROM _cl_resolved_arrow ORDER BY record_key")
    con.unregister("_cl_resolved_arrow")
    clusters = [list(keys) for _, keys in con.execute(
        f"SELECT cluster_id, list(record_key ORDER BY record_key) FROM {CLUSTERS_TABLE} "
        "GROUP BY cluster_id ORDER BY cluster_id").fetchall()]
    review = list(resolved.review)
    if review_band is not None:
        low, high = review_band
        decided = set(con.execute("SELECT a, b FROM _cl_cannot UNION SELECT a, b FROM _cl_must").fetchall())
        for p in fetch_pairs(con, scored, model, where="match_probability >= ? AND match_probability < ?",
                             params=[low, high]):
            if (min(p.left, p.right), max(p.left, p.right)) not in decided:
                review.append(ReviewPair(item_id("uncertain_pair", p.left, p.right), "uncertain_pair",
                                         p.left, p.right, p.probability, p.weights, p.levels))
    review.sort(key=lambda r: r.item_id)
    for table in ("_cl_must", "_cl_cannot", "_cl_edges", "_cl_comp", "_cl_suspect"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return Clustering(clusters, review, resolved.splits)


def _resolve_suspects(con: duckdb.DuckDBPyConnection, scored: str, nodes: str, model: dict[str, Any],
                      threshold: float) -> Clustering:
    """``cluster`` over the suspect components only (their links never leave them)."""
    keys = [k for (k,) in con.execute("SELECT record_key FROM _cl_comp SEMI JOIN _cl_suspect USING (comp) "
                                      "ORDER BY record_key").fetchall()]
    if not keys:
        return Clustering([], [], {"cannot_link": 0, "conflicting_nik": 0})
    inside = "SELECT record_key FROM _cl_comp SEMI JOIN _cl_suspect USING (comp)"
    pairs = fetch_pairs(con, scored, model, where=f"match_probability >= ? AND unique_id_l IN ({inside})",
                        params=[threshold])
    niks = dict(con.execute(f"SELECT unique_id, nik FROM {nodes} WHERE nik_valid AND nik IS NOT NULL "
                            f"AND unique_id IN ({inside})").fetchall())
    must = con.execute(f"SELECT a, b FROM _cl_must WHERE a IN ({inside})").fetchall()
    cannot = con.execute(f"SELECT a, b FROM _cl_cannot WHERE a IN ({inside})").fetchall()
    return cluster(keys, pairs, threshold=threshold, must_link=must, cannot_link=cannot, niks=niks)


def cluster_table_metrics(con: duckdb.DuckDBPyConnection, scored: str, threshold: float) -> dict[str, float]:
    """:func:`linkage.clustering.cluster_metrics` for ``person_clusters``, counted in SQL.

    Density is over each multi-record cluster's links at or above the threshold;
    bridges are looked for only where one can be: more than two records, not all linked.
    """
    n_clusters, max_size, singletons = con.execute(
        f"SELECT count(*), coalesce(max(n), 0), count(*) FILTER (WHERE n = 1) FROM "
        f"(SELECT count(*) AS n FROM {CLUSTERS_TABLE} GROUP BY cluster_id)").fetchall()[0]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _cm_edges AS SELECT DISTINCT a.cluster_id AS c, "
        "least(s.unique_id_l, s.unique_id_r) AS l, greatest(s.unique_id_l, s.unique_id_r) AS r "
        f"FROM {scored} s JOIN {CLUSTERS_TABLE} a ON a.record_key = s.unique_id_l "
        f"JOIN {CLUSTERS_TABLE} b ON b.record_key = s.unique_id_r "
        "WHERE s.match_probability >= ? AND a.cluster_id = b.cluster_id AND s.unique_id_l <> s.unique_id_r",
        [threshold])
    per = con.execute(
        "SELECT c, any_value(e), count(DISTINCT k) FROM "
        "(SELECT c, l AS k FROM _cm_edges UNION ALL SELECT c, r FROM _cm_edges) "
        "JOIN (SELECT c, count(*) AS e FROM _cm_edges GROUP BY c) USING (c) GROUP BY c ORDER BY c").fetchall()
    densities = [2 * e / (n * (n - 1)) for _, e, n in per]
    open_clusters = [c for c, e, n in per if n > 2 and e < n * (n - 1) // 2]
    bridges = 0
    if open_clusters:
        con.register("_cm_open", pa.table({"c": pa.array(open_clusters, pa.string())}))
        graphs: dict[str, nx.Graph] = {}
        for c, left, right in con.execute("SELECT c, l, r FROM _cm_edges SEMI JOIN _cm_open USING (c) "
                                          "ORDER BY c, l, r").fetchall():
            graphs.setdefault(c, nx.Graph()).add_edge(left, right)
        con.unregister("_cm_open")
        bridges = sum(1 for g in graphs.values() for _ in nx.bridges(g))
    con.execute("DROP TABLE IF EXISTS _cm_edges")
    return {"clusters": int(n_clusters), "max_size": int(max_size), "singletons": int(singletons),
            "mean_density": round(sum(densities) / len(densities), 4) if densities else 1.0,
            "bridges": bridges}
