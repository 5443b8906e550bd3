"""What only the embedded store has: its file, its schema version and its publish lock."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ConflictError
from graph import open_store
from graph.embedded_store import EmbeddedStore
from tests.graph._data import EVERYTHING, publication

ROOT = Path(__file__).resolve().parents[2]


def test_reopening_is_idempotent_and_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "graph.sqlite"
    store = EmbeddedStore(path)
    store.publish(publication())
    store.close()
    again = EmbeddedStore(path)
    assert len(again.list_persons(EVERYTHING, first=100).items) == 46
    again.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(DISTINCT gen) FROM persons").fetchone()[0] == 1   # old gens cleaned
    conn.close()


def test_a_second_publisher_is_refused_while_one_is_writing(tmp_path: Path) -> None:
    location = str(tmp_path / "graph.sqlite")
    store = open_store(location)
    command = [sys.executable, "-m", "tests.graph._publish_worker", location, "40000", "B"]
    worker = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        for line in worker.stdout:
            if line.startswith("progress"):
                break
        with pytest.raises(ConflictError, match="another process is publishing"):
            store.publish(publication())
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
    store.publish(publication())            # the dead publisher's lock went with it
    assert store.linkage_runs(EVERYTHING)[0].run_id == "run-1"
    store.close()
