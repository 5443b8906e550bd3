"""Real-time matching: one new record (or a few) against everything already linked.

A regional office proposing a household, or a service point asking "is this
person already known?", cannot wait for a batch run. The matcher keeps the
linked records (a snapshot the pipeline writes beside the model) in an
in-memory DuckDB, retrieves candidates through the batch run's own blocking
keys (:class:`~linkage._candidate_index.CandidateIndex`), and scores them with
the SQL Splink itself generates for the saved model, so a pair scores exactly
as it would in a batch ``predict``. Term frequencies come from the snapshot,
as Splink computes them over the linked input.

Example:
    >>> matcher = Matcher.open(data_dir / "model.json", data_dir / "linked.parquet")  # doctest: +SKIP
    >>> best = matcher.candidates(canonical_values)[0]                                # doctest: +SKIP
    >>> best.person_id, round(best.probability, 3)                                    # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.internals.realtime import compare_records
from splink.internals.settings_creator import SettingsCreator

from core.errors import ConfigError
from linkage._candidate_index import CandidateIndex
from linkage.canonical import RECORD_COLUMNS
from linkage.model_spec import BLOCKING_RULES, INPUT_SQL

__all__ = ["Candidate", "Comparison", "Matcher", "write_snapshot"]

_LEFT = re.compile(r"__splink__compare_records_left_\w+")
_RIGHT = re.compile(r"__splink__compare_records_right_\w+")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One comparison's part in a score: the level reached and its match weight (log2 Bayes factor)."""

    name: str
    level: str
    match_weight: float


@dataclass(frozen=True, slots=True)
class Candidate:
    """A linked person who may be the new record, with the best-scoring pair as the explanation."""

    person_id: str
    household_id: str | None
    record_key: str
    probability: float
    match_weight: float
    explanation: tuple[Comparison, ...]


def write_snapshot(con: duckdb.DuckDBPyConnection, path: Path, ids_table: str = "record_ids") -> int:
    """Write the linked records the matcher loads: the model's input columns plus person and household ids.

    ``ids_table`` holds ``(record_key, person_id, household_id)`` for every record
    of the run. Returns the number of records written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    con.execute(
        f"COPY (SELECT i.*, ids.person_id, ids.household_id FROM ({INPUT_SQL}) i "
        f"JOIN {ids_table} ids ON ids.record_key = i.unique_id ORDER BY i.unique_id) "
        f"TO '{tmp}' (FORMAT parquet)").fetchall()
    tmp.replace(path)
    return int(con.execute(f"SELECT count(*) FROM '{path}'").fetchall()[0][0])


class Matcher:
    """Scores new records against the linked ones with the trained Splink model.

    Safe to share between threads: each call works on its own DuckDB cursor, and
    :meth:`remember` (which grows the index) takes a lock.
    """

    def __init__(self, model: Mapping[str, Any], linked: pa.Table, *, threshold: float = 0.95,
                 max_candidates: int = 300) -> None:
        self.threshold = threshold
        self.max_candidates = max_candidates
        self._settings = SettingsCreator.from_path_or_dict(dict(model)).get_settings("duckdb")
        self._con = duckdb.connect()
        self._lock = threading.Lock()
        self._tf_columns = sorted({
            level._tf_adjustment_input_column_name
            for comparison in self._settings.comparisons for level in comparison.comparison_levels
            if level._has_tf_adjustments})
        self._labels = {
            comparison.output_column_name: {lvl.comparison_vector_value: lvl.label_for_charts
                                            for lvl in comparison.comparison_levels}
            for comparison in self._settings.comparisons}
        # Ordered once by key: the index's row numbers and ``self._rows`` both follow this order.
        self._con.register("_snapshot", linked)
        self._con.execute("CREATE TABLE linked AS SELECT * FROM _snapshot ORDER BY unique_id")
        self._con.unregister("_snapshot")
        for col in self._tf_columns:
            self._con.execute(
                f'CREATE TABLE "tf_{col}" AS SELECT "{col}", count(*) / sum(count(*)) OVER () AS "tf_{col}" '
                f'FROM linked WHERE "{col}" IS NOT NULL GROUP BY "{col}"')
        self._rows = self._con.sql(f"SELECT l.* {self._tf_select()} FROM linked l "
                                       f"{self._tf_joins('l')} ORDER BY l.unique_id").to_arrow_table()
        self._index = CandidateIndex(_present_rules(set(linked.column_names)))
        self._index.build(self._con, "linked")
        self._score_sql = self._scoring_sql(model)

    @classmethod
    def open(cls, model_path: Path, snapshot_path: Path, **options: Any) -> Matcher:
        """Load the saved model JSON and the linked-records snapshot of the last run."""
        for path in (model_path, snapshot_path):
            if not path.exists():
                raise ConfigError(f"{path} does not exist", where="real-time matcher",
                                  hint="run `dtsen-hub link SOURCES.toml` first")
        model = json.loads(model_path.read_text())
        import pyarrow.parquet as pq

        return cls(model, pq.read_table(snapshot_path), **options)

    # -- public ----------------------------------------------------------------------------

    def candidates(self, values: Mapping[str, Any], *, first: int = 10) -> list[Candidate]:
        """Ranked people who may be the record ``values`` (canonical columns, as ``canonicalise`` gives)."""
        return self.candidates_many([values], first=first)[0]

    def candidates_many(self, batch: Sequence[Mapping[str, Any]], *,
                        first: int = 10) -> list[list[Candidate]]:
        """:meth:`candidates` for a small batch, in one scoring query."""
        cur = self._con.cursor()
        try:
            left = self._prepare(cur, batch)
            hashes = [[left.column(f"h{i}")[n].as_py() for i in range(len(self._index.rules))]
                      for n in range(left.num_rows)]
            rows: set[int] = set()
            for h in hashes:
                rows.update(self._index.lookup(h, limit=self.max_candidates))
            if not rows:
                return [[] for _ in batch]
            right = self._rows.take(sorted(rows))
            cur.register("_left", left.drop_columns([f"h{i}" for i in range(len(self._index.rules))]))
            cur.register("_right", right)
            scored = cur.sql(self._score_sql).to_arrow_table().to_pylist()
        finally:
            cur.close()
        person_of = {r["unique_id"]: (r["person_id"], r["household_id"])
                     for r in right.select(["unique_id", "person_id", "household_id"]).to_pylist()}
        return [self._rank([s for s in scored if s["unique_id_l"] == f"new:{n}"], person_of, first)
                for n in range(len(batch))]

    def best(self, candidates: Sequence[Candidate]) -> Candidate | None:
        """The candidate to attach to, if the top one clears the threshold."""
        return candidates[0] if candidates and candidates[0].probability >= self.threshold else None

    def remember(self, values: Mapping[str, Any], *, record_key: str, person_id: str,
                 household_id: str | None) -> None:
        """Make an attached record a candidate for later matches, without rebuilding."""
        with self._lock:
            cur = self._con.cursor()
            try:
                left = self._prepare(cur, [values])
            finally:
                cur.close()
            n_rules = len(self._index.rules)
            hashes = [left.column(f"h{i}")[0].as_py() for i in range(n_rules)]
            row = left.drop_columns([f"h{i}" for i in range(n_rules)]).to_pylist()[0]
            row.update(unique_id=record_key, person_id=person_id, household_id=household_id)
            extra = pa.Table.from_pylist([row]).select(self._rows.column_names).cast(self._rows.schema)
            self._rows = pa.concat_tables([self._rows, extra])
            self._index.add(hashes, self._rows.num_rows - 1)

    # -- internals -------------------------------------------------------------------------

    def _tf_select(self) -> str:
        return "".join(f', "tf_{c}"."tf_{c}"' for c in self._tf_columns)

    def _tf_joins(self, alias: str) -> str:
        return "".join(f' LEFT JOIN "tf_{c}" ON "tf_{c}"."{c}" = {alias}."{c}"' for c in self._tf_columns)

    def _prepare(self, cur: duckdb.DuckDBPyConnection, batch: Sequence[Mapping[str, Any]]) -> pa.Table:
        """The model's input columns, term frequencies and blocking-key hashes of new records."""
        columns = {name: [values.get(name) for values in batch] for name in RECORD_COLUMNS
                   if name not in ("attributes", "original", "flags")}
        columns["record_key"] = [f"new:{n}" for n in range(len(batch))]
        schema = pa.schema([(n, _ARROW_TYPES.get(RECORD_COLUMNS[n], pa.string())) for n in columns])
        cur.register("records", pa.table(columns, schema=schema))
        try:
            return cur.sql(f"SELECT i.* {self._tf_select()}, {self._index.hash_select('i')} "
                               f"FROM ({INPUT_SQL}) i {self._tf_joins('i')} ORDER BY i.unique_id"
                               ).to_arrow_table()
        finally:
            cur.unregister("records")

    def _scoring_sql(self, model: Mapping[str, Any]) -> str:
        """Splink's own comparison and prediction SQL for the model, generated once."""
        sample = self._rows.slice(0, 1).drop_columns(["person_id", "household_id"])
        result = compare_records(sample, sample, dict(model), DuckDBAPI(connection=self._con))
        sql = result.sql_used_to_create
        result.drop_table_from_database_and_remove_from_cache()
        return _RIGHT.sub("_right", _LEFT.sub("_left", sql))

    def _rank(self, scored: Iterable[dict[str, Any]], person_of: Mapping[str, tuple[str, str | None]],
              first: int) -> list[Candidate]:
        best: dict[str, dict[str, Any]] = {}
        for pair in scored:
            person = person_of[pair["unique_id_r"]][0]
            kept = best.get(person)
            if kept is None or (pair["match_weight"], pair["unique_id_r"]) > (kept["match_weight"],
                                                                              kept["unique_id_r"]):
                best[person] = pair
        ranked = sorted(best.items(), key=lambda item: (-item[1]["match_weight"], item[0]))[:first]
        return [self._candidate(person, pair, person_of) for person, pair in ranked]

    def _candidate(self, person: str, pair: Mapping[str, Any],
                   person_of: Mapping[str, tuple[str, str | None]]) -> Candidate:
        explanation = []
        for name, labels in self._labels.items():
            gamma = pair.get(f"gamma_{name}")
            weight = (pair.get(f"mw_{name}") or 0.0) + (pair.get(f"mw_tf_adj_{name}") or 0.0)
            explanation.append(Comparison(name=name, level=labels.get(gamma, str(gamma)),
                                          match_weight=float(weight)))
        return Candidate(person_id=person, household_id=person_of[pair["unique_id_r"]][1],
                         record_key=pair["unique_id_r"], probability=float(pair["match_probability"]),
                         match_weight=float(pair["match_weight"]), explanation=tuple(explanation))


_ARROW_TYPES: dict[str, pa.DataType] = {"BOOLEAN": pa.bool_(), "DATE": pa.date32(), "BIGINT": pa.int64()}


def _present_rules(columns: set[str]) -> list[tuple[str, ...]]:
    return [rule for rule in BLOCKING_RULES if set(rule) <= columns]
