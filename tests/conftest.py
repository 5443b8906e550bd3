"""Session fixtures shared by every test package.

``neo4j_server``: a real Neo4j for the Neo4j half of the graph contract suite. It runs Neo4j's
own test harness (``tests/neo4j/``, jars fetched by ``tests/neo4j/setup.sh``) on a free
loopback port, with auth off, so any user/password is accepted. ``NEO4J_URI`` (with
``NEO4J_USER``/``NEO4J_PASSWORD``) points the tests at an existing server instead. A server
that cannot start fails the run with its log: it is never a skip.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._server import free_port

NEO4J_DIR = Path(__file__).parent / "neo4j"
NEO4J_START_TIMEOUT = float(os.environ.get("NEO4J_TEST_START_TIMEOUT", "180"))


@dataclass(frozen=True)
class Neo4jServer:
    """Where the tests' Neo4j listens, and the credentials to give the driver."""

    uri: str
    user: str
    password: str


def _start_harness(work: Path) -> tuple[subprocess.Popen[str], str, Path]:
    """Start tests/neo4j/run.sh; return the process, its Bolt URI and its log file."""
    setup = subprocess.run([str(NEO4J_DIR / "setup.sh")], capture_output=True, text=True)
    if setup.returncode != 0:
        pytest.fail(f"tests/neo4j/setup.sh failed:\n{setup.stdout}\n{setup.stderr}", pytrace=False)
    log_path = work / "neo4j-test-server.log"
    log = log_path.open("w")
    # stdin stays a pipe: the server exits when it closes, so a killed pytest leaves no JVM.
    proc = subprocess.Popen(
        [str(NEO4J_DIR / "run.sh"), str(free_port()), str(work / "data"), "--exit-on-stdin-eof"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
    )
    ready: list[str] = []

    def watch() -> None:   # the ready line, then keep draining stdout so the JVM never blocks
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            log.flush()
            if line.startswith("READY ") and not ready:
                ready.append(line.split(maxsplit=1)[1].strip())

    threading.Thread(target=watch, name="neo4j-stdout", daemon=True).start()
    deadline = time.monotonic() + NEO4J_START_TIMEOUT
    while not ready:
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            why = f"exited with {proc.returncode}" if proc.returncode is not None else "timed out"
            pytest.fail(f"Neo4j test server {why} before it was ready; its log ({log_path}):\n"
                        f"{log_path.read_text()[-20000:]}", pytrace=False)
        time.sleep(0.1)
    return proc, ready[0], log_path


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A running Neo4j for the whole session (started here unless ``NEO4J_URI`` is set)."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield Neo4jServer(uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
        return
    proc, bolt, _ = _start_harness(tmp_path_factory.mktemp("neo4j"))
    try:
        yield Neo4jServer(bolt, "neo4j", "auth-disabled")
    finally:
        _stop(proc)
