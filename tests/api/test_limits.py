"""Limits: depth, aliases, tokens, page size, batch size, body size, rate limit, error masking."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph import open_store
from schema.limits import TextValidationCache
from tests.api._data import publication
from tests.api._faulty import FailingNikLookup
from tests.api.conftest import Caller, Hub, start_hub


def test_depth_limit_rejects_the_operation(health: Caller, hub: Hub) -> None:
    inner = "id"
    for _ in range(4):
        inner = f"household {{ members {{ person {{ {inner} }} }} }}"
    result = health.run(f'{{ person(id: "P00011") {{ {inner} }} }}')
    assert result.data is None
    assert result.codes() == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth" in result.errors[0]["message"]


def test_alias_limit(health: Caller, hub: Hub) -> None:
    aliases = " ".join(f'a{i}: me {{ clientId }}' for i in range(hub.settings.graphql_max_aliases + 1))
    result = health.run(f"{{ {aliases} }}")
    assert result.data is None and "aliases found" in result.errors[0]["message"]
    ok = health.run("{ " + " ".join(f'a{i}: me {{ clientId }}' for i in range(3)) + " }")
    assert ok.errors == []


def test_token_limit(health: Caller, hub: Hub) -> None:
    fields = " ".join(["clientId"] * (hub.settings.graphql_max_tokens + 10))
    result = health.run(f"{{ me {{ {fields} }} }}")
    assert result.data is None and result.codes() == ["GRAPHQL_PARSE_FAILED"]
    assert f"more than {hub.settings.graphql_max_tokens} tokens" in result.errors[0]["message"]


def test_page_size_limit_literal_and_variable(health: Caller, hub: Hub) -> None:
    too_big = hub.settings.graphql_max_page + 1
    literal = health.run(f"{{ persons(first: {too_big}) {{ nodes {{ id }} }} }}")
    assert literal.data is None and literal.codes() == ["BAD_USER_INPUT"]
    variable = health.run("query($n: Int) { persons(first: $n) { nodes { id } } me { profile } }",
                          {"n": too_big})
    assert variable.data["persons"] is None and variable.codes() == ["BAD_USER_INPUT"]
    assert variable.errors[0]["extensions"]["where"] == "first"
    assert variable.data["me"] == {"profile": "health_ministry"}


def test_bad_cursor_is_a_clear_input_error(health: Caller) -> None:
    result = health.run('{ persons(first: 5, after: "not-a-cursor") { nodes { id } } }')
    assert result.codes() == ["BAD_USER_INPUT"] and "cursor" in result.errors[0]["message"]


def test_body_size_limit(health: Caller, hub: Hub) -> None:
    padding = " " * (hub.settings.graphql_max_body + 1)
    response = httpx.post(hub.graphql_url, headers=health.headers(),
                          json={"query": "{ me { clientId } }" + padding})
    assert response.status_code == 413


def test_body_size_limit_without_content_length(health: Caller, hub: Hub) -> None:
    """A chunked body states no length: it is counted as it arrives and refused once over the limit."""
    body = json.dumps({"query": "{ me { clientId } }" + " " * (hub.settings.graphql_max_body + 1)}).encode()

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start:start + 4096]

    headers = {**health.headers(), "content-type": "application/json"}
    response = httpx.post(hub.graphql_url, headers=headers, content=chunks())
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    small = json.dumps({"query": "{ me { clientId } }"}).encode()
    response = httpx.post(hub.graphql_url, headers=headers, content=iter([small[:9], small[9:]]))
    assert response.status_code == 200 and response.json()["data"]["me"]["clientId"]


@pytest.fixture(scope="module")
def strict_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub with a low rate limit, the reject denial mode and a failing NIK lookup."""
    tmp: Path = tmp_path_factory.mktemp("strict")
    store = open_store(str(tmp / "graph.sqlite"))
    store.publish(publication())
    try:
        yield from start_hub(tmp, FailingNikLookup(store), graphql_rate=0.5, graphql_burst=3)  # type: ignore[arg-type]
    finally:
        store.close()


def test_rate_limit_answers_429_with_retry_after(strict_hub: Hub) -> None:
    caller = strict_hub.caller("health_ministry", purpose="health_insurance")
    statuses = []
    for _ in range(4):
        response = httpx.post(strict_hub.graphql_url, headers=caller.headers(),
                              json={"query": "{ me { clientId } }"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    assert int(response.headers["retry-after"]) >= 1
    other = strict_hub.caller("education_ministry", purpose="education_aid")    # buckets are per client
    assert httpx.post(strict_hub.graphql_url, headers=other.headers(),
                      json={"query": "{ me { clientId } }"}).status_code == 200


def test_internal_errors_are_masked(strict_hub: Hub) -> None:
    caller = strict_hub.caller("data_steward", purpose="data_stewardship")
    response = httpx.post(strict_hub.graphql_url, headers=caller.headers(),
                          json={"query": '{ personByNik(nik: "3273010802700011") { id } me { profile } }'})
    body = response.json()
    assert body["data"] == {"personByNik": None, "me": {"profile": "data_steward"}}
    assert body["errors"] == [{"message": "Internal server error", "locations": [{"line": 1, "column": 3}],
                               "path": ["personByNik"], "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    assert "MATCH" not in response.text and "Traceback" not in response.text


def test_reject_mode_refuses_the_whole_operation(strict_hub: Hub) -> None:
    caller = strict_hub.caller("education_ministry", purpose="education_aid")
    query = '{ person(id: "P00013") { fullName health { pbiClass } records { id } } }'
    partial = caller.run(query)
    assert partial.data["person"]["fullName"] and partial.codes() == ["FORBIDDEN", "FORBIDDEN"]
    rejected = caller.run(query, **{"X-Denial-Mode": "reject"})
    assert rejected.data is None
    assert [e["message"].split(" ")[0] for e in rejected.errors] == ["Person.health", "Person.records"]
    assert rejected.codes() == ["FORBIDDEN", "FORBIDDEN"]


def test_validation_results_are_bounded_by_the_cache_size_limit() -> None:
    """``Limits.cache_size`` bounds the shared validation cache, as it bounds the parser cache."""
    small, again = TextValidationCache(maxsize=3), TextValidationCache(maxsize=3)
    default = TextValidationCache()
    assert small._validated.maxsize == 3 and small._validated is again._validated
    assert default._validated.maxsize == 1024 and default._validated is not small._validated
