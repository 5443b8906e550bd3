"""Run linkage in an in-memory scratch database and keep only its results in the workspace.

A Splink user runs on an in-memory DuckDB connection; the hub's workspace is a file.
Splink's intermediates (at 1M records, tens of millions of blocked pairs) and the
clustering's working tables were written through to that file, which cost the run time
a user would not pay. Inside :func:`scratch` every table the linkage creates lands in an
attached in-memory database instead, and only the tables later steps and later commands
read (``RESULT_TABLES``) are copied into the workspace at the end.

Example:
    >>> import duckdb
    >>> con = duckdb.connect("dtsen-data/workspace.duckdb")   # holding ``records``
    >>> with scratch(con):                                      # doctest: +SKIP
    ...     link_people(con); assign_households(con)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

__all__ = ["RESULT_TABLES", "scratch"]

#: What a linkage run leaves in the workspace: the Splink input (labels and the review CLI
#: read it), the scored pairs, the person clusters and the households.
RESULT_TABLES = ("linkage_input", "scored_pairs", "person_clusters", "household_clusters")

_SCRATCH = "_linkage_scratch"


@contextmanager
def scratch(con: duckdb.DuckDBPyConnection, keep: Sequence[str] = RESULT_TABLES) -> Iterator[None]:
    """Create the block's tables in memory, then copy ``keep`` into ``con``'s own database.

    Unqualified reads still find the workspace's tables (``records``) through the search
    path. ``keep`` is written in one transaction when the block succeeds, so the workspace
    holds either the whole new result or the previous one; on error the scratch is
    discarded. Temp tables, and cursors of ``con`` (which start in its own database), are
    unaffected.
    """
    home = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute(f"ATTACH ':memory:' AS {_SCRATCH}")
    try:
        con.execute(f"USE {_SCRATCH}")
        con.execute(f"""SET search_path = '{_SCRATCH}.main,"{home}".main'""")
        yield
        con.execute("BEGIN TRANSACTION")
        try:
            for table in keep:
                con.execute(f'CREATE OR REPLACE TABLE "{home}".main.{table} AS FROM {_SCRATCH}.main.{table}')
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        con.execute(f'USE "{home}"')
        con.execute("RESET search_path")
        con.execute(f"DETACH {_SCRATCH}")
