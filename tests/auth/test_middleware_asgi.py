"""The middleware as plain ASGI: scopes it must not touch, and websocket handshakes it must refuse."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from auth import BearerAuthMiddleware, TokenIssuer, close_auth, open_auth


def _run(scope: dict[str, Any], tmp_path: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    parts = open_auth(tmp_path, issuer="http://127.0.0.1:1", audience="dtsen-hub")
    reached: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        reached.append(scope)

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(BearerAuthMiddleware(app, validator=parts.validator)(scope, receive, send))
    return reached, sent


def test_lifespan_passes_untouched(tmp_path: Path) -> None:
    reached, sent = _run({"type": "lifespan"}, tmp_path)
    assert reached == [{"type": "lifespan"}] and sent == []


def test_websocket_with_a_bad_token_is_closed_before_accept(tmp_path: Path) -> None:
    scope = {"type": "websocket", "path": "/graphql", "headers": [(b"authorization", b"Bearer forged")]}
    reached, sent = _run(scope, tmp_path)
    assert reached == []
    assert sent[0]["type"] == "websocket.close" and sent[0]["code"] == 1008


def test_basic_authorization_is_anonymous_not_refused(tmp_path: Path) -> None:
    scope = {"type": "http", "path": "/oauth/token", "headers": [(b"authorization", b"Basic Zm9vOmJhcg==")]}
    reached, _ = _run(scope, tmp_path)
    assert reached and reached[0]["state"]["access"] is None


def test_authorization_and_purpose_headers_are_read_in_any_case_the_last_one_winning(tmp_path: Path) -> None:
    issuer = "http://127.0.0.1:1"
    parts = open_auth(tmp_path, issuer=issuer, audience="dtsen-hub")
    client, _ = parts.clients.add("kemenkes", "health_ministry")
    token = TokenIssuer(parts.keys, issuer=issuer, audience="dtsen-hub").issue(client)["access_token"]
    reached: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        reached.append(scope)

    async def ignore(*_: Any) -> Any:
        return None

    headers = [(b"Authorization", b"Bearer forged"), (b"AUTHORIZATION", f"Bearer {token}".encode()),
               (b"X-Purpose", b"nonsense"), (b"x-PURPOSE", b"health_insurance"), (b"accept", b"*/*")]
    middleware = BearerAuthMiddleware(app, validator=parts.validator)
    asyncio.run(middleware({"type": "http", "path": "/graphql", "headers": headers}, ignore, ignore))
    access = reached[0]["state"]["access"]
    assert access.client_id == client.client_id and access.purpose == "health_insurance"
    close_auth(parts)
