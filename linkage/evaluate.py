"""Accuracy of a linkage against a truth file: pairwise and cluster precision, recall and F1.

Pairwise counts treat every two records put in the same cluster as a claimed match,
so one wrong merge of two large clusters costs as much as it hurts a ministry (every
pair of their records is now the "same person"). Cluster counts say how many clusters
came out exactly right. Both are computed from contingency counts, never by listing
pairs, so a million records evaluate in seconds.

Example:
    >>> truth = {"a:1": "t1", "a:2": "t1", "b:1": "t2"}
    >>> links = {"a:1": "p1", "a:2": "p1", "b:1": "p1"}
    >>> m = pairwise_metrics(links, truth)
    >>> (m.true_positives, m.predicted_pairs, m.true_pairs)
    (1, 3, 1)
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from core.errors import InputError
from linkage.canonical import record_key

__all__ = ["ClusterMetrics", "PairMetrics", "cluster_metrics", "evaluate_files", "exact_nik_baseline",
           "pairwise_metrics", "read_assignments"]


@dataclass(frozen=True, slots=True)
class PairMetrics:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 6), "recall": round(self.recall, 6),
                "f1": round(self.f1, 6)}


@dataclass(frozen=True, slots=True)
class ClusterMetrics:
    exact_clusters: int          # predicted clusters equal to a true cluster
    predicted_clusters: int
    true_clusters: int

    @property
    def precision(self) -> float:
        return self.exact_clusters / self.predicted_clusters if self.predicted_clusters else 1.0

    @property
    def recall(self) -> float:
        return self.exact_clusters / self.true_clusters if self.true_clusters else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {**asdict(self), "precision": round(self.precision, 6), "recall": round(self.recall, 6),
                "f1": round(self.f1, 6)}


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_metrics(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairMetrics:
    """Pairwise counts over the records both mappings hold (record key -> cluster)."""
    keys = predicted.keys() & truth.keys()
    both = Counter((predicted[k], truth[k]) for k in keys)
    return PairMetrics(
        true_positives=sum(_pairs(n) for n in both.values()),
        predicted_pairs=sum(_pairs(n) for n in Counter(predicted[k] for k in keys).values()),
        true_pairs=sum(_pairs(n) for n in Counter(truth[k] for k in keys).values()))


def cluster_metrics(predicted: Mapping[str, str], truth: Mapping[str, str]) -> ClusterMetrics:
    """How many clusters are exactly right, over the records both mappings hold."""
    keys = predicted.keys() & truth.keys()
    pred_members: dict[str, set[str]] = defaultdict(set)
    true_members: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        pred_members[predicted[k]].add(k)
        true_members[truth[k]].add(k)
    true_sets = {frozenset(v) for v in true_members.values()}
    exact = sum(1 for members in pred_members.values() if frozenset(members) in true_sets)
    return ClusterMetrics(exact, len(pred_members), len(true_members))


def read_assignments(path: Path, column: str) -> dict[str, str]:
    """record key -> the value of ``column`` from a CSV with ``dataset`` and ``source_id`` columns.

    Rows with an empty value get a cluster of their own (a record nobody linked is a
    singleton, not a member of one big "empty" cluster).
    """
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = {"dataset", "source_id", column} - set(reader.fieldnames or ())
            if missing:
                raise InputError(f"columns {sorted(missing)} missing", where=str(path),
                                 hint="links and truth files need dataset,source_id,person_id,household_id")
            out: dict[str, str] = {}
            for row in reader:
                key = record_key(row["dataset"], row["source_id"])
                out[key] = row[column] or f"__single__:{key}"
            return out
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", where=str(path)) from exc


def evaluate_files(links: Path, truth: Path, *, baseline: Mapping[str, Mapping[str, str]] | None = None,
                   ) -> dict[str, dict[str, Any]]:
    """Person and household metrics of ``links`` against ``truth`` (both CSVs of the export shape).

    ``baseline`` optionally maps ``"person"``/``"household"`` to another assignment (for
    example an exact-NIK join) scored the same way, reported beside the linkage.
    """
    result: dict[str, dict[str, Any]] = {}
    for kind, column in (("person", "person_id"), ("household", "household_id")):
        pred, true = read_assignments(links, column), read_assignments(truth, column)
        entry: dict[str, Any] = {
            "records_scored": len(pred.keys() & true.keys()),
            "records_missing_from_links": len(true.keys() - pred.keys()),
            "pairwise": pairwise_metrics(pred, true).as_dict(),
            "clusters": cluster_metrics(pred, true).as_dict(),
        }
        if baseline and kind in baseline:
            entry["baseline_pairwise"] = pairwise_metrics(baseline[kind], true).as_dict()
        result[kind] = entry
    return result


def exact_nik_baseline(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """What a plain join would give: one person per NIK, one household per KK (else singletons).

    Read from the workspace ``records``; this is the number a linkage has to beat.
    """
    person: dict[str, str] = {}
    household: dict[str, str] = {}
    for key, nik, kk in con.execute("SELECT record_key, nik, kk FROM records").fetchall():
        person[key] = f"nik:{nik}" if nik else f"__single__:{key}"
        household[key] = f"kk:{kk}" if kk else f"__single__:{key}"
    return {"person": person, "household": household}
