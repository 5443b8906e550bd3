"""Splink's Spark backend for training and prediction, the path beyond one machine.

The model is written once, in DuckDB's SQL (``linkage.model_spec``). To run it on Spark
the compiled settings are translated with sqlglot (DuckDB -> Spark SQL) and the few
similarity functions renamed to the UDFs in Splink's jar. Training repeats the DuckDB
steps (prior from the deterministic rules, u by seeded random sampling, EM on the same
blocks); the trained m/u values are copied back into the DuckDB-dialect model, so the
saved ``model.json``, the real-time matcher and ``--model`` reuse see one format.
Scored pairs come back into the DuckDB workspace as Arrow, and clustering,
households, ids and publish run unchanged.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import duckdb

from core.errors import ConfigError

__all__ = ["spark_session", "to_spark_model"]

#: DuckDB function name -> the UDF name Splink's Spark jar registers.
#: (sqlglot spells DuckDB's jaro_winkler_similarity JAROWINKLER_SIMILARITY in Spark output.)
_UDF_NAMES = {"jaro_winkler_similarity": "jaro_winkler", "jarowinkler_similarity": "jaro_winkler",
              "jaro_similarity": "jaro_sim", "damerau_levenshtein": "damerau_levenshtein"}
_JAVA_17 = "/usr/lib/jvm/java-17-openjdk-amd64"


def spark_session(master: str = "local[2]", *, driver_memory: str = "2g", app_name: str = "dtsen-hub link",
                  checkpoint_dir: Path | None = None, shuffle_partitions: int | None = None) -> Any:
    """A SparkSession with Splink's similarity UDF jar on the classpath and the UI off.

    ``master`` is ``local[N]`` on one machine or ``spark://host:7077`` (any Spark master
    URL) for a cluster; the jar is shipped to the executors with ``spark.jars``.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise ConfigError("the spark engine needs pyspark", where="--engine spark",
                          hint="pip install 'dtsen-hub[spark]' (pyspark 4.x and a Java 17+ runtime)") from exc
    if "JAVA_HOME" not in os.environ and Path(_JAVA_17).is_dir():
        os.environ["JAVA_HOME"] = _JAVA_17
    local = master.startswith("local")
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.jars", similarity_jar_location())
               .config("spark.driver.memory", driver_memory)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.ansi.enabled", "false")
               # Splink's CASE expressions outgrow whole-stage codegen; skip the doomed compile.
               .config("spark.sql.codegen.wholeStage", "false")
               .config("spark.sql.shuffle.partitions", str(shuffle_partitions or (2 if local else 200))))
    if local:
        # One machine: loopback only, and no adaptive re-planning of tiny stages.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.sql.adaptive.enabled", "false"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")   # the JVM's own log, not Python logging
    if checkpoint_dir is not None:
        spark.sparkContext.setCheckpointDir(str(checkpoint_dir))
    return spark


def _to_spark_sql(sql: str) -> str:
    import sqlglot

    out = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
    for duck, udf in _UDF_NAMES.items():
        out = re.sub(rf"\b{duck}\s*\(", f"{udf}(", out, flags=re.IGNORECASE)
    return out


def to_spark_model(model: dict[str, Any]) -> dict[str, Any]:
    """The DuckDB-dialect model (Splink's JSON) with every SQL condition in Spark SQL."""
    spark_model = copy.deepcopy(model)
    spark_model.pop("linker_uid", None)
    if model.get("sql_dialect") == "spark":     # already translated (a Spark linker's own model)
        return spark_model
    spark_model["sql_dialect"] = "spark"
    for comp in spark_model["comparisons"]:
        for level in comp["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = _to_spark_sql(level["sql_condition"])
    # Blocking rules carry their own ``sql_dialect`` (duckdb); Splink translates them itself.
    return spark_model


def copy_parameters(trained: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """m/u and the prior from the Spark-trained model into the DuckDB-dialect one (same levels)."""
    out = copy.deepcopy(into)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for comp_out, comp_in in zip(out["comparisons"], trained["comparisons"], strict=True):
        for lv_out, lv_in in zip(comp_out["comparison_levels"], comp_in["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if key in lv_in:
                    lv_out[key] = lv_in[key]
                else:
                    lv_out.pop(key, None)
    return out


def pull_table(con: duckdb.DuckDBPyConnection, spark_df: Any, table: str) -> str:
    """Copy a Spark DataFrame into the DuckDB workspace as ``table`` (through Arrow)."""
    arrow = spark_df.toArrow()
    con.register("_spark_arrow", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _spark_arrow")
    finally:
        con.unregister("_spark_arrow")
    return table
