"""Records to people: train (or reuse) the model, score pairs, cluster with the steward rulings.

The result lands in the workspace table ``person_clusters(record_key, cluster_id)``
(one row per record; a cluster is named by its smallest record key), which the
household, verification and stable-id steps read.

Example:
    >>> import duckdb
    >>> con = duckdb.connect("dtsen-data/workspace.duckdb")   # holding ``records``
    >>> result = link_people(con, threshold=0.99)             # doctest: +SKIP
    >>> result.summary["clusters"]                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from linkage.clustering import Clustering, cluster, cluster_metrics
from linkage.engines import Engine
from linkage.predict import Pair, fetch_pairs, predict
from linkage.training import INPUT_TABLE, load_linker, model_dict, prepare_input, train

__all__ = ["DEFAULT_REVIEW_FLOOR", "DEFAULT_THRESHOLD", "PeopleResult", "link_people"]

#: Pairs at or above this probability are the same person.
DEFAULT_THRESHOLD = 0.99
#: Pairs from here up to the threshold go to the review queue.
DEFAULT_REVIEW_FLOOR = 0.5

Stage = Callable[[str], None]


@dataclass(slots=True)
class PeopleResult:
    model: dict[str, Any]
    pairs: list[Pair]                       # scored pairs at or above the review floor
    clustering: Clustering
    blocking: list[dict[str, Any]] = field(default_factory=list)   # comparisons per blocking rule
    summary: dict[str, Any] = field(default_factory=dict)


def link_people(con: duckdb.DuckDBPyConnection, *, threshold: float = DEFAULT_THRESHOLD,
                review_floor: float = DEFAULT_REVIEW_FLOOR, model: dict[str, Any] | str | Path | None = None,
                must_link: Iterable[tuple[str, str]] = (), cannot_link: Iterable[tuple[str, str]] = (),
                seed: int = 42, u_max_pairs: float = 2e6, count_blocking: bool = True,
                stage: Stage | None = None, engine: Engine | None = None) -> PeopleResult:
    """Cluster the workspace's ``records`` into people and write ``person_clusters``.

    ``model`` reuses a saved model (dict or path to its JSON) instead of training.
    ``engine`` trains and scores elsewhere (Spark, see ``linkage.engines``); None is DuckDB here.
    ``stage(name)`` is called as each stage starts (train, predict, cluster).
    """
    def _stage(name: str) -> None:
        if stage is not None:
            stage(name)

    n_records = prepare_input(con)
    _stage("train")
    if engine is not None and model is None:
        linker = load_linker(con, engine.train(con, seed=seed, max_pairs=u_max_pairs))
    else:
        linker = train(con, seed=seed, max_pairs=u_max_pairs) if model is None else load_linker(con, model)
    spec = model_dict(linker)
    blocking: list[dict[str, Any]] = []
    if count_blocking:
        proportion = 1.0 if n_records <= 300_000 else 0.2
        for rec in linker.blocking_analysis.count_comparisons_from_blocking_rules(
                record_sample_proportion=proportion):
            blocking.append({"rule": rec["blocking_rule"],
                             "comparisons": int(rec["marginal_comparison_count"]),
                             "cumulative": int(rec["cumulative_comparison_count"]),
                             "estimate": bool(rec["is_estimate"])})
    _stage("predict")
    if engine is not None:
        table = engine.predict(con, spec, floor=min(review_floor, threshold))
        pairs = fetch_pairs(con, table, spec)
        con.execute(f"DROP TABLE IF EXISTS {table}")
    else:
        scored = predict(linker, floor=min(review_floor, threshold))
        pairs = fetch_pairs(con, scored.physical_name, spec)
        scored.drop_table_from_database_and_remove_from_cache()
    _stage("cluster")
    keys = [r[0] for r in con.execute(f"SELECT unique_id FROM {INPUT_TABLE}").fetchall()]
    niks = dict(con.execute(f"SELECT unique_id, nik FROM {INPUT_TABLE} WHERE nik_valid AND nik IS NOT NULL")
                .fetchall())
    result = cluster(keys, pairs, threshold=threshold, review_band=(review_floor, threshold),
                     must_link=must_link, cannot_link=cannot_link, niks=niks)
    _write_clusters(con, result)
    summary = {"records": n_records, "pairs_scored": sum(b["comparisons"] for b in blocking) or None,
               "pairs_kept": len(pairs), "threshold": threshold, "review_floor": review_floor,
               "splits": dict(result.splits), "review_items": len(result.review),
               **cluster_metrics(pairs, result.clusters, threshold)}
    return PeopleResult(spec, pairs, result, blocking, summary)


def _write_clusters(con: duckdb.DuckDBPyConnection, result: Clustering) -> None:
    con.execute("CREATE OR REPLACE TABLE person_clusters (record_key VARCHAR, cluster_id VARCHAR)")
    rows = [(k, c[0]) for c in result.clusters for k in c]
    if not rows:
        return
    table = pa.table({"record_key": [r[0] for r in rows], "cluster_id": [r[1] for r in rows]})
    con.register("_person_clusters_arrow", table)
    con.execute("INSERT INTO person_clusters SELECT * FROM _person_clusters_arrow")
    con.unregister("_person_clusters_arrow")
