"""A linked workspace of hand-made records (real Splink, the embedded store), for review tests."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from graph import GraphStore, open_store
from hub.pipeline import run_link_workspace
from tests.linkage._fixtures import load_records, make_people, make_records

PEOPLE = make_people(120, seed=11)
ROWS, TRUTH = make_records(PEOPLE, seed=12)    # TRUTH: record key -> true person


def link_workspace(root: Path) -> GraphStore:
    """Load the records into ``root/workspace.duckdb``, link them, return the store it published to."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    con = duckdb.connect(str(root / "workspace.duckdb"))
    try:
        load_records(con, ROWS)
        store = open_store(str(root / "graph.sqlite"))
        # a wide review band: the queue holds pairs whatever the model's current calibration
        run_link_workspace(con, root, store, u_max_pairs=1e6, review_floor=0.05)
    finally:
        con.close()
    return store


def relink_from_scratch(root: Path, store: GraphStore) -> None:
    """A full run that trains the model again: what every later `dtsen-hub link` does."""
    con = duckdb.connect(str(root / "workspace.duckdb"))
    try:
        run_link_workspace(con, root, store, u_max_pairs=1e6)
    finally:
        con.close()
