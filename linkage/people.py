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

from linkage._cluster_db import cluster_table, cluster_table_metrics
from linkage.clustering import Clustering
from linkage.engines import Engine
from linkage.guards import guard_people
from linkage.predict import Pair, fetch_pairs, keep_scored, predict
from linkage.training import INPUT_TABLE, load_linker, model_dict, prepare_input, train

__all__ = ["DEFAULT_REVIEW_FLOOR", "DEFAULT_THRESHOLD", "PeopleResult", "link_people"]

#: Pairs at or above this probability are the same person.
DEFAULT_THRESHOLD = 0.99
#: Pairs from here up to the threshold go to the review queue.
DEFAULT_REVIEW_FLOOR = 0.5

#: Up to this many records the comparisons per blocking rule are counted exactly.
EXACT_COUNT_UP_TO = 300_000

Stage = Callable[[str], None]


@dataclass(slots=True)
class PeopleResult:
    model: dict[str, Any]
    pairs_table: str                        # workspace table of scored pairs at or above the review floor
    clustering: Clustering
    blocking: list[dict[str, Any]] = field(default_factory=list)   # comparisons per blocking rule
    summary: dict[str, Any] = field(default_factory=dict)

    def pairs(self, con: duckdb.DuckDBPyConnection) -> list[Pair]:
        """The scored pairs with their explanation, read when needed (publishing MATCHES edges)."""
        return fetch_pairs(con, self.pairs_table, self.model)


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
    if count_blocking and engine is not None:
        # Spark blocks elsewhere, so DuckDB counts here: a second blocking join without the
        # comparisons (1.4 s for 600k pairs at 18k records); past EXACT_COUNT_UP_TO records
        # Splink estimates it from a deterministic 20% sample of each side (4% of the join).
        proportion = 1.0 if n_records <= EXACT_COUNT_UP_TO else 0.2
        for rec in linker.blocking_analysis.count_comparisons_from_blocking_rules(
                record_sample_proportion=proportion):
            blocking.append({"rule": rec["blocking_rule"],
                             "comparisons": int(rec["marginal_comparison_count"]),
                             "cumulative": int(rec["cumulative_comparison_count"]),
                             "estimate": bool(rec["is_estimate"])})
    _stage("predict")
    floor = min(review_floor, threshold)
    if engine is not None:
        table = engine.predict(con, spec, floor=floor)
        scored = keep_scored(con, table, spec)
        con.execute(f"DROP TABLE IF EXISTS {table}")
    else:
        # The blocked pairs predict scores, computed first (Splink caches them for predict) so
        # the comparisons per rule are counted exactly, at any size, without a second join.
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        if count_blocking:
            blocking = _count_blocked(con, blocked.physical_name, spec)
        splink_scored = predict(linker, floor=floor)
        blocked.drop_table_from_database_and_remove_from_cache()
        scored = keep_scored(con, splink_scored.physical_name, spec)
        splink_scored.drop_table_from_database_and_remove_from_cache()
    _stage("cluster")
    result = cluster_table(con, scored, INPUT_TABLE, spec, threshold=threshold,
                           review_band=(review_floor, threshold), must_link=must_link,
                           cannot_link=cannot_link)
    result = guard_people(con, result, scored, threshold=threshold, must_link=must_link)
    kept = con.execute(f"SELECT count(*) FROM {scored}").fetchall()[0][0]
    summary = {"records": n_records, "pairs_scored": sum(b["comparisons"] for b in blocking) or None,
               "pairs_kept": int(kept), "threshold": threshold, "review_floor": review_floor,
               "splits": dict(result.splits), "review_items": len(result.review),
               **cluster_table_metrics(con, scored, threshold)}
    return PeopleResult(spec, scored, result, blocking, summary)


def _count_blocked(con: duckdb.DuckDBPyConnection, blocked: str,
                   spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Comparisons per blocking rule from Splink's blocked pairs: its ``match_key`` is the index
    of the first rule that generated the pair, so the counts are the marginal ones
    ``count_comparisons_from_blocking_rules`` reports."""
    counts = {str(k): int(n) for k, n in
              con.execute(f"SELECT match_key, count(*) FROM {blocked} GROUP BY match_key").fetchall()}
    out: list[dict[str, Any]] = []
    cumulative = 0
    for i, rule in enumerate(spec["blocking_rules_to_generate_predictions"]):
        cumulative += counts.get(str(i), 0)
        out.append({"rule": rule["blocking_rule"], "comparisons": counts.get(str(i), 0),
                    "cumulative": cumulative, "estimate": False})
    return out
