"""Where Splink trains and scores: DuckDB in process (the default) or a Spark cluster.

An engine takes the prepared linkage input in the DuckDB workspace, returns the trained
model as Splink JSON in DuckDB's dialect, and leaves the scored pairs in a workspace
table; everything after prediction (clustering, households, ids, publish) stays in
DuckDB whatever the engine. ``link_people(..., engine=None)`` is the DuckDB path.

Example:
    >>> from linkage.engines import SparkEngine
    >>> engine = SparkEngine("spark://spark-master:7077", driver_memory="8g")   # doctest: +SKIP
    >>> link_people(con, engine=engine)                                       # doctest: +SKIP
    >>> engine.close()                                                        # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import duckdb
from splink import DuckDBAPI, Linker

from core.errors import ConfigError
from linkage._spark import copy_parameters, pull_table, spark_session, to_spark_model
from linkage.model_spec import build_settings
from linkage.training import INPUT_TABLE

__all__ = ["ENGINES", "Engine", "SparkEngine", "make_engine"]

#: Engine names the CLI accepts.
ENGINES = ("duckdb", "spark")

#: The workspace table the Spark engine writes scored pairs into.
SCORED_TABLE = "spark_scored_pairs"


class Engine(Protocol):
    """A Splink backend other than the in-process DuckDB one."""

    name: str

    def train(self, con: duckdb.DuckDBPyConnection, *, seed: int,
              max_pairs: float) -> dict[str, Any]: ...

    def predict(self, con: duckdb.DuckDBPyConnection, model: dict[str, Any], *, floor: float) -> str: ...

    def close(self) -> None: ...


class SparkEngine:
    """Splink on Spark: the same settings and seeded training steps as ``linkage.training.train``."""

    name = "spark"

    def __init__(self, master: str = "local[2]", *, driver_memory: str = "2g",
                 checkpoint_dir: Path | None = None, shuffle_partitions: int | None = None) -> None:
        self.master = master
        self._spark = spark_session(master, driver_memory=driver_memory, checkpoint_dir=checkpoint_dir,
                                    shuffle_partitions=shuffle_partitions)
        self._input: Any = None
        self._input_rows = -1

    def _linker(self, con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> Linker:
        from splink.backends.spark import SparkAPI

        rows = con.execute(f"SELECT count(*) FROM {INPUT_TABLE}").fetchall()[0][0]
        if self._input is None or rows != self._input_rows:
            # The driver ships the input once; at national scale read it from shared storage instead.
            arrow = con.sql(f"SELECT * FROM {INPUT_TABLE} ORDER BY unique_id").to_arrow_table()
            self._input = self._spark.createDataFrame(arrow).cache()
            self._input_rows = rows
        api = SparkAPI(spark_session=self._spark, break_lineage_method="persist")
        return Linker(api.register(self._input), to_spark_model(model), log_level=None)

    def train(self, con: duckdb.DuckDBPyConnection, *, seed: int = 42,
              max_pairs: float = 2e6) -> dict[str, Any]:
        """Run ``linkage.training.train`` with its linkers built on Spark; the result is the
        DuckDB-dialect model carrying the m/u values Spark estimated."""
        from linkage import training

        base = training.model_dict(Linker(DuckDBAPI(con).register(INPUT_TABLE),
                                          build_settings(training.present_columns(con)), log_level=None))

        def spark_linker(_con: duckdb.DuckDBPyConnection, settings: Any) -> Linker:
            if not isinstance(settings, dict):   # a SettingsCreator: compile it in DuckDB's dialect first
                settings = training.model_dict(Linker(DuckDBAPI(con).register(INPUT_TABLE), settings,
                                                      log_level=None))
            return self._linker(con, settings)

        def spark_load(_con: duckdb.DuckDBPyConnection, model: Any) -> Linker:
            return self._linker(con, dict(model))

        # The training steps live in one place (training.train); only where its linkers run changes.
        saved = training._linker, training.load_linker
        training._linker, training.load_linker = spark_linker, spark_load
        try:
            linker = training.train(con, seed=seed, max_pairs=max_pairs)
        finally:
            training._linker, training.load_linker = saved
        return copy_parameters(linker.misc.save_model_to_json(), base)

    def predict(self, con: duckdb.DuckDBPyConnection, model: dict[str, Any], *, floor: float) -> str:
        """Score every blocked pair on Spark; the pairs at or above ``floor`` land in ``SCORED_TABLE``."""
        scored = self._linker(con, model).inference.predict(threshold_match_probability=floor,
                                                            warning_mode="never")
        pull_table(con, scored.as_spark_dataframe(), SCORED_TABLE)
        return SCORED_TABLE

    def close(self) -> None:
        if self._input is not None:
            self._input.unpersist()
        self._spark.stop()


def make_engine(name: str, *, spark_master: str | None = None, driver_memory: str = "2g",
                checkpoint_dir: Path | None = None) -> Engine | None:
    """The engine called ``name`` (``None`` for duckdb, the in-process default)."""
    if name == "duckdb":
        if spark_master:
            raise ConfigError("--spark-master needs --engine spark", where="--spark-master",
                              hint="add --engine spark, or drop --spark-master")
        return None
    if name == "spark":
        return SparkEngine(spark_master or "local[2]", driver_memory=driver_memory,
                           checkpoint_dir=checkpoint_dir)
    raise ConfigError(f"unknown engine {name!r}", where="--engine", hint=f"one of: {', '.join(ENGINES)}")
