"""A linked workspace for the review tests (see ``tests/review/_workspace.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import GraphStore
from tests.review._workspace import link_workspace


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, GraphStore]]:
    root = tmp_path_factory.mktemp("review")
    store = link_workspace(root)
    try:
        yield root, store
    finally:
        store.close()
