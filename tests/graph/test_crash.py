"""Crash safety: kill -9 a publisher mid-write, then publish again.

A reader polls all the while. It must only ever see complete runs (the
previous one while the killed publish was writing), and after the republish
the graph holds exactly the new run: same counts, no duplicates.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph import GraphStore, Publication, Visibility, open_store
from tests.graph._synth import synthetic_publication
from tests.graph.conftest import STORES, make_location

ROOT = Path(__file__).resolve().parents[2]
EVERYONE = Visibility.everything()


def _in_32(pub: Publication) -> int:
    return sum(1 for p in pub.persons if (p.village_code or "").startswith("32"))


@contextmanager
def _reader(store: GraphStore) -> Iterator[list[tuple[str, ...]]]:
    """Poll in a thread; yields observations: ('count', n) and ('tags', tag, ...) per page."""
    seen: list[tuple[str, ...]] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            while not stop.is_set():
                stats = store.region_stats("32", EVERYONE)
                seen.append(("count", str(stats.persons if stats else 0)))
                page = store.list_persons(EVERYONE, first=20)
                seen.append(("tags", *sorted({p.full_name.split()[1] for p in page.items})))
        except BaseException as exc:   # surfaced in the test thread below
            errors.append(exc)

    thread = threading.Thread(target=poll)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()
    if errors:
        raise errors[0]


def _consistent(seen: list[tuple[str, ...]], runs: dict[str, Publication]) -> None:
    counts = {str(_in_32(p)) for p in runs.values()}
    assert seen, "the reader never got an answer"
    for obs in seen:
        if obs[0] == "count":
            assert obs[1] in counts, f"reader saw {obs[1]} persons in 32, expected one of {counts}"
        else:
            assert len(obs) == 2 and obs[1] in runs, f"reader saw a page mixing runs: {obs[1:]}"


@pytest.mark.parametrize("kind", STORES)
def test_kill_mid_publish_then_republish(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    location, user, password = make_location(kind, request, tmp_path)
    store = open_store(location, user=user, password=password)
    old, new = synthetic_publication(4_000, "A"), synthetic_publication(40_000, "B")
    store.publish(old)
    env = {**os.environ, "NEO4J_USER": user or "", "NEO4J_PASSWORD": password or "", "PYTHONPATH": str(ROOT)}
    with _reader(store) as seen:
        command = [sys.executable, "-m", "tests.graph._publish_worker", location, "40000", "B"]
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        lines = []
        assert worker.stdout is not None
        for line in worker.stdout:
            lines.append(line.strip())
            if line.startswith("progress records"):
                worker.send_signal(signal.SIGKILL)
                break
        worker.wait(timeout=60)
        time.sleep(0.3)
    assert worker.returncode == -signal.SIGKILL, f"the publisher was not killed mid-write: {lines[-3:]}"
    assert "published" not in lines
    _consistent(seen, {"A": old})                      # the half-written run never showed
    assert store.linkage_runs(EVERYONE)[0].run_id == "run-A"

    with _reader(store) as seen:
        store.publish(new)
    _consistent(seen, {"A": old, "B": new})
    links = list(store.export_links())
    assert len(links) == len(set(links)) == len(new.records)
    assert store.region_stats("32", EVERYONE).persons == _in_32(new)
    assert sum(d.records for d in store.datasets()) == len(new.records)
    queue = store.review_queue(EVERYONE, first=1000)
    assert len(queue.items) == len({i.item_id for i in queue.items}) == len(new.review_items)
    assert {r.run_id for r in store.linkage_runs(EVERYONE)} == {"run-A", "run-B"}
    assert next(r for r in store.linkage_runs(EVERYONE) if r.current).run_id == "run-B"
    store.close()
