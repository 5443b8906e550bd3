"""Real-time matching: one new record (or a few) against everything already linked.

A regional office proposing a household, or a service point asking "is this
person already known?", cannot wait for a batch run. The matcher keeps the
linked records (a snapshot the pipeline writes beside the model) in an
in-memory DuckDB, retrieves candidates through the batch run's own blocking
keys (:class:`~linkage._candidate_index.CandidateIndex`), and scores them with
the SQL Splink itself generates for the saved model, so a pair scores exactly
as it would in a batch ``predict``. Term frequencies come from the snapshot,
as Splink computes them over the linked input.

DuckDB spends tens of milliseconds planning that SQL for every request, so the
hot path runs the same SQL compiled to Python (:mod:`linkage._sql_compile`):
the model's input columns, then gamma levels and match weights per pair, and
the blocking keys are hashed in Python as the index hashed them. If the
compiler does not know a construct of the SQL, the matcher keeps the SQL path
(``fast`` is False, ``slow_reason`` says why).

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
from linkage._sql_compile import CompiledSelect, UnsupportedSql, compile_pipeline
from linkage.canonical import RECORD_COLUMNS
from linkage.model_spec import BLOCKING_RULES, INPUT_SQL, scope_rule

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
        # One chunk: pyarrow's take on a chunked table concatenates the chunks first (20 ms at 240k rows).
        self._rows = self._rows.combine_chunks()
        #: Records attached since loading (``remember``), row numbers from ``self._rows.num_rows`` on.
        self._extra: list[dict[str, Any]] = []
        self._index = CandidateIndex(_present_rules(set(linked.column_names)))
        self._index.build(self._con, "linked")
        self._score_sql = self._scoring_sql(model)
        #: Why requests run Splink's SQL in DuckDB instead of the compiled model (None when compiled).
        self.slow_reason: str | None = None
        self._fast = self._compile()

    @property
    def fast(self) -> bool:
        """Whether requests are scored by the compiled model (else by DuckDB running Splink's SQL)."""
        return self._fast is not None

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
        """:meth:`candidates` for a small batch."""
        if self._fast is not None:
            return [self._candidates_fast(self._fast, values, first) for values in batch]
        return self._candidates_sql(batch, first)

    def _candidates_sql(self, batch: Sequence[Mapping[str, Any]], first: int) -> list[list[Candidate]]:
        """The reference path: Splink's SQL run by DuckDB over the batch and its candidates."""
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
            right = self._take(sorted(rows), self._rows.column_names)
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
            if self._fast is not None:
                row = self._input_row(self._fast, values)
                hashes = self._index.hashes(row)
            else:
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
            self._extra.append(extra.to_pylist()[0])
            self._index.add(hashes, self._rows.num_rows + len(self._extra) - 1)

    # -- internals -------------------------------------------------------------------------

    def _compile(self) -> _FastPath | None:
        """The scoring and input SQL as Python, with what the hot path needs beside; None to keep SQL."""
        try:
            score = compile_pipeline(self._score_sql, tables={"_left": "left", "_right": "right"},
                                     exact_jw=self._exact_jw, memo_after="__splink__df_match_weight_parts")
            inputs = compile_pipeline(INPUT_SQL, tables={"records": "left"}, exact_jw=self._exact_jw)
        except UnsupportedSql as err:
            self.slow_reason = str(err)
            return None
        wanted = tuple(name for name in score.outputs
                       if name in ("unique_id_r", "match_weight", "match_probability")
                       or name.startswith(("gamma_", "mw_")))
        tf = {col: dict(self._con.execute(f'SELECT "{col}", "tf_{col}" FROM "tf_{col}"').fetchall())
              for col in self._tf_columns}
        right = sorted(score.reads["right"] | {"unique_id", "person_id", "household_id"})
        return _FastPath(score=score, inputs=inputs, wanted=wanted, tf=tf, right_columns=tuple(right))

    def _candidates_fast(self, fast: _FastPath, values: Mapping[str, Any], first: int) -> list[Candidate]:
        left = self._input_row(fast, values)
        rows = self._index.lookup(self._index.hashes(left), limit=self.max_candidates)
        if not rows:
            return []
        right = self._take(sorted(rows), fast.right_columns).to_pylist()
        scored = [fast.score.evaluate(left, r, fast.wanted) for r in right]
        person_of = {r["unique_id"]: (r["person_id"], r["household_id"]) for r in right}
        return self._rank(scored, person_of, first)

    def _take(self, rows: Sequence[int], columns: Sequence[str]) -> pa.Table:
        """The linked rows ``rows`` (index row numbers, remembered ones included), ``columns`` only."""
        base = self._rows.num_rows
        picked = self._rows.select(list(columns)).take([r for r in rows if r < base])
        extra = [self._extra[r - base] for r in rows if r >= base]
        if not extra:
            return picked
        more = pa.Table.from_pylist(extra, schema=self._rows.schema).select(list(columns))
        return pa.concat_tables([picked, more])

    @staticmethod
    def _input_row(fast: _FastPath, values: Mapping[str, Any]) -> dict[str, Any]:
        """The model's input columns and term frequencies of one record, as ``_prepare`` gives them."""
        record = {name: values.get(name) for name in fast.inputs.reads["left"]}
        record["record_key"] = "new:0"
        row = fast.inputs.evaluate(record, {}, tuple(fast.inputs.outputs))
        for col, freq in fast.tf.items():
            row[f"tf_{col}"] = freq.get(row[col])
        return row

    def _exact_jw(self, a: str, b: str) -> float:
        """DuckDB's own Jaro-Winkler, for the rare pair the compiled path must not round differently."""
        cur = self._con.cursor()
        try:
            return float(cur.execute("SELECT jaro_winkler_similarity($1, $2)", [a, b]).fetchall()[0][0])
        finally:
            cur.close()

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


@dataclass(frozen=True, slots=True)
class _FastPath:
    """The compiled model and the lookups a request needs besides it."""

    score: CompiledSelect            # Splink's comparison SQL: a pair -> gammas, weights, probability
    inputs: CompiledSelect           # INPUT_SQL: canonical values -> the model's input columns
    wanted: tuple[str, ...]          # the score outputs a Candidate is built from
    tf: dict[str, dict[Any, float]]  # term frequency of each value, per tf column
    right_columns: tuple[str, ...]   # the linked columns scoring reads, plus the ids


_ARROW_TYPES: dict[str, pa.DataType] = {"BOOLEAN": pa.bool_(), "DATE": pa.date32(), "BIGINT": pa.int64()}


def _present_rules(columns: set[str]) -> list[tuple[str, ...]]:
    return [scope_rule(rule, columns) for rule in BLOCKING_RULES if set(rule) <= columns]
