"""``dtsen-hub serve`` as users run it: a subprocess with two workers, real HTTP, real clients."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport

from auth import close_auth, open_auth
from graph import open_store
from tests._server import free_port
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
