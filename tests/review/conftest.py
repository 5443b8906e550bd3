"""A linked workspace for the review tests: hand-made records, real Splink, the embedded store."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from graph import GraphStore, open_store
from hub.pipeline import run_link_workspace
from tests.linkage._fixtures import load_records, make_people, make_records

PEOPLE = make_people(120, seed=11)
ROWS, TRUTH = make_records(PEOPLE, seed=12)    # TRUTH: record key -> true person


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, GraphStore]]:
    logging.getLogger("splink").setLevel(logging.ERROR)
    root = tmp_path_factory.mktemp("review")
    con = duckdb.connect(str(root / "workspace.duckdb"))
    load_records(con, ROWS)
    store = open_store(str(root / "graph.sqlite"))
    # a wide review band: the queue holds pairs whatever the model's current calibration
    run_link_workspace(con, root, store, u_max_pairs=1e6, review_floor=0.05)
    con.close()
    try:
        yield root, store
    finally:
        store.close()


