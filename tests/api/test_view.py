"""The view's JSON POST path (``HubGraphQL._single_json_post``) answers as strawberry's full path does.

Every operation of the corpus, for every profile, is posted twice to the same endpoint: once
as clients send it (one operation, ``application/json``), which takes the JSON POST path,
and once with that path switched off, which takes strawberry's ``run``. Status, headers,
body and audit entry must be the same. Requests of any other shape (batches, malformed
JSON, other content types, wrong member types, streaming ``Accept`` headers, GET) must be
left to strawberry, and still be answered as it answers them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from auth import AuditLog
from graph import open_store
from resolvers.context import ApiConfig, Services
from schema.endpoint import graphql_endpoint
from schema.limits import Limits
from schema.view import HubGraphQL
from tests.api._data import publication
from tests.api._operations import ACCESS, access, operations


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, AuditLog, Any]]:
    path: Path = tmp_path_factory.mktemp("view")
    store = open_store(str(path / "graph.sqlite"))
    store.publish(publication())
    log = AuditLog(path / "audit.sqlite")
    endpoint = graphql_endpoint(Services(store, log, ApiConfig()), Limits(), rate=None)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # stands in for the bearer middleware: the profile is named by a test header
        who = dict(scope["headers"]).get(b"x-test-profile", b"health").decode()
        scope.setdefault("state", {})["access"] = access(who)
        await endpoint(scope, receive, send)

    try:
        yield app, log, endpoint.app.registry.full._schema
    finally:
        log.close()
        store.close()


def _exchange(app: Any, requests: list[dict[str, Any]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
            return [await client.request(**request) for request in requests]

    return asyncio.run(run())


def _same(a: httpx.Response, b: httpx.Response) -> None:
    assert (a.status_code, a.headers.multi_items(), a.content) == (b.status_code, b.headers.multi_items(),
                                                                    b.content)


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Switch the JSON POST path on or off, and count the requests it answered."""
    lean = HubGraphQL._single_json_post
    answered: list[int] = []

    async def spy(self: HubGraphQL, request: Any) -> Any:
        answer = await lean(self, request)
        answered.append(answer is not None)
        return answer

    async def off(self: HubGraphQL, request: Any) -> None:
        return None

    def use(json_post: bool) -> None:
        monkeypatch.setattr(HubGraphQL, "_single_json_post", spy if json_post else off)

    use.answered = answered  # type: ignore[attr-defined]
    return use


@pytest.mark.parametrize("who", sorted(ACCESS))
def test_single_json_posts_answer_and_audit_as_strawberry_does(hub: tuple[Any, AuditLog, Any], paths: Any,
                                                              who: str) -> None:
    app, log, schema = hub
    for query, variables in operations(schema):
        body: dict[str, Any] = {"query": query}
        if isinstance(variables, str):
            body["operationName"] = variables
        elif variables is not None:
            body["variables"] = variables
        request = {"method": "POST", "url": "/graphql", "json": body, "headers": {"x-test-profile": who}}
        answers, entries = [], []
        for json_post in (True, False):
            paths(json_post)
            seen = len(log.entries(limit=10**6))
            answers += _exchange(app, [request])
            entries.append([replace(e.entry, time=0.0) for e in log.entries(start=seen + 1)])
        _same(*answers)
        assert entries[0] == entries[1] and len(entries[0]) == 1, query
    assert paths.answered and all(paths.answered)


_QUERY = '{ person(id: "P00011") { id fullName } }'
LEFT_TO_STRAWBERRY = {
    "batch": {"method": "POST", "url": "/graphql", "json": [{"query": _QUERY}, {"query": _QUERY}]},
    "malformed JSON": {"method": "POST", "url": "/graphql", "content": b'{"query": ',
                       "headers": {"content-type": "application/json"}},
    "query not a string": {"method": "POST", "url": "/graphql", "json": {"query": 12}},
    "no query": {"method": "POST", "url": "/graphql", "json": {"variables": {}}},
    "variables not an object": {"method": "POST", "url": "/graphql", "json": {"query": _QUERY,
                                                                              "variables": [1]}},
    "extensions not an object": {"method": "POST", "url": "/graphql", "json": {"query": _QUERY,
                                                                               "extensions": "x"}},
    "operation name not a string": {"method": "POST", "url": "/graphql", "json": {"query": _QUERY,
                                                                                  "operationName": 3}},
    "text/plain": {"method": "POST", "url": "/graphql", "content": json.dumps({"query": _QUERY}),
                   "headers": {"content-type": "text/plain"}},
    "GET": {"method": "GET", "url": "/graphql", "params": {"query": _QUERY}},
}


@pytest.mark.parametrize("case", sorted(LEFT_TO_STRAWBERRY))
def test_other_requests_are_left_to_strawberry_and_answered_as_it_does(
        hub: tuple[Any, AuditLog, Any], paths: Any, case: str) -> None:
    app = hub[0]
    request = LEFT_TO_STRAWBERRY[case]
    paths(True)
    on = _exchange(app, [request])[0]
    assert paths.answered in ([], [False])            # looked at it (POST) or never saw it (GET)
    paths(False)
    _same(on, _exchange(app, [request])[0])


@pytest.mark.parametrize("accept", ["multipart/mixed;subscriptionSpec=1.0, application/json",
                                    "text/event-stream", "application/graphql-response+json"])
def test_accept_headers_are_answered_as_strawberry_does(hub: tuple[Any, AuditLog, Any], paths: Any,
                                                        accept: str) -> None:
    """The hub enables no streaming transport, so strawberry answers these with plain JSON too;
    the JSON POST path defers to strawberry whenever one is enabled and accepts the header."""
    request = {"method": "POST", "url": "/graphql", "json": {"query": _QUERY}, "headers": {"accept": accept}}
    paths(True)
    on = _exchange(hub[0], [request])[0]
    paths(False)
    _same(on, _exchange(hub[0], [request])[0])


def test_a_charset_parameter_still_takes_the_json_post_path(hub: tuple[Any, AuditLog, Any],
                                                            paths: Any) -> None:
    app = hub[0]
    paths(True)
    answer = _exchange(app, [{"method": "POST", "url": "/graphql", "content": json.dumps({"query": _QUERY}),
                              "headers": {"content-type": "Application/JSON; charset=utf-8"}}])[0]
    assert paths.answered == [True]
    assert answer.status_code == 200 and answer.json()["data"]["person"]["id"] == "P00011"


@pytest.mark.parametrize("body", ['"query"', "12", "null", "true"])
def test_a_json_body_that_is_not_an_operation_is_a_clear_400(hub: tuple[Any, AuditLog, Any],
                                                             body: str) -> None:
    answer = _exchange(hub[0], [{"method": "POST", "url": "/graphql", "content": body,
                                 "headers": {"content-type": "application/json"}}])[0]
    assert answer.status_code == 400
    assert "must be a JSON object (one operation) or an array" in answer.text
