"""``dtsen-hub serve`` as users run it: a subprocess with two workers, real HTTP, real clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport

from auth import close_auth, open_auth
from graph import open_store
from tests._server import free_port, wait_until_answering
from tests.api._data import publication


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    data: Path = tmp_path_factory.mktemp("serve")
    store = open_store(str(data / "graph.sqlite"))
    store.publish(publication())
    store.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    parts = open_auth(data, issuer=base, audience="dtsen-hub")
    client, secret = parts.clients.add("kemenkes-pbi", "health_ministry")
    close_auth(parts)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTSEN_")}
    command = [str(Path(sys.executable).with_name("dtsen-hub")), "serve", "--data-dir", str(data),
               "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/.well-known/jwks.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve did not start: {process.communicate()[1].decode()[-2000:]}")
            time.sleep(0.2)
        yield base, client.client_id, str(secret)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_answers_graphql_with_tokens_from_its_own_token_endpoint(served: tuple[str, str, str]) -> None:
    base, client_id, secret = served
    with OAuth2Client(client_id, secret) as oauth:
        token = oauth.fetch_token(f"{base}/oauth/token", grant_type="client_credentials")["access_token"]
    transport = HTTPXTransport(url=f"{base}/graphql", headers={"Authorization": f"Bearer {token}",
                                                               "X-Purpose": "health_insurance"})
    with Client(transport=transport) as session:
        for _ in range(4):       # several requests: whichever worker answers, the answer is the same
            data = session.execute(GraphQLRequest('{ person(id: "P00011") { fullName enrolments { '
                                                  'program { name } } } me { clientId } }'))
            assert data["person"]["fullName"] == "WARGA 1 1" and data["me"]["clientId"] == client_id
    assert "graphiql" in httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).text.lower()


def _body(sock: socket.socket) -> str:
    """The body of the one HTTP/1.1 answer on ``sock``, however many segments it came in."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += sock.recv(4096)
    return body.decode()


@pytest.fixture(scope="module")
def two_workers() -> Iterator[int]:
    """``hub._workers.serve_workers`` with two workers of an app answering its process id; the port."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the SO_REUSEPORT workers are Linux's")
    port = free_port()
    code = ("import uvicorn; from hub._workers import serve_workers; serve_workers(uvicorn.Config("
            f"'tests.api._pid_app:pid_app', host='127.0.0.1', port={port}, log_level='warning', "
            "loop='asyncio'), 2)")       # asyncio's own loop: uvloop sets TCP_NODELAY itself, hiding a bug
    process = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2])
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", process, name="serve_workers", timeout=60)
        time.sleep(1.0)      # the second worker may still be starting; its connections would wait for it
        yield port
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def test_workers_share_connections_opened_together(two_workers: int) -> None:
    """Keep-alive connections opened at once reach every worker, not whichever woke first.

    With uvicorn's one shared socket, 50 connections opened together went 50/0 to one of two
    workers in some runs; ``hub._workers`` gives each worker its own SO_REUSEPORT socket.
    """
    pids: list[str] = []
    sockets = [socket.create_connection(("127.0.0.1", two_workers)) for _ in range(40)]
    try:
        for sock in sockets:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        for sock in sockets:
            pids.append(_body(sock))
    finally:
        for sock in sockets:
            sock.close()
    counts = sorted(Counter(pids).values())
    # 40 connections hashed over 2 sockets: fewer than 6 on one side has odds below 1e-6
    assert len(counts) == 2 and counts[0] >= 6, counts


def test_keep_alive_answers_are_not_held_back_by_nagle(two_workers: int) -> None:
    """Back-to-back requests on one keep-alive connection are answered in well under 40 ms.

    The app writes an answer's head and body separately. With Nagle's algorithm left on (the
    workers' sockets once said protocol 0, so asyncio did not set TCP_NODELAY), the body
    waited for the client's delayed ACK: every answer took 44 ms, whatever the server's load.
    """
    with socket.create_connection(("127.0.0.1", two_workers)) as sock:
        took = []
        for _ in range(15):
            start = time.perf_counter()
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _body(sock)
            took.append(time.perf_counter() - start)
    # A stall is >= 40 ms every time; an answer of this app takes about 0.3 ms.
    assert sorted(took)[len(took) // 2] < 0.02, [round(t * 1000, 1) for t in took]
