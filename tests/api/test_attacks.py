"""Every way of asking for a field reaches the same enforcement: aliases, fragments, inline
fragments, nested paths, lists, batches, GET; and tokens that were not issued are refused."""

from __future__ import annotations

import time

import httpx
import pytest
from authlib.integrations.base_client.errors import OAuthError
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.api._expect import PERSONS, masked, people_in
from tests.api.conftest import Caller, Hub


def test_aliases_do_not_hide_a_denied_field(education: Caller) -> None:
    result = education.run('{ a: person(id: "P00013") { h1: health { pbiClass } h2: health { disability } '
                           'n: nik } }')
    assert result.data["a"]["h1"] is None and result.data["a"]["h2"] is None
    assert sorted(map(tuple, result.paths())) == [("a", "h1"), ("a", "h2")]
    assert result.data["a"]["n"] == masked(PERSONS["P00013"].nik)


def test_named_and_inline_fragments_are_checked_too(education: Caller) -> None:
    result = education.run('query { person(id: "P00013") { ...F ... on Person { records { id } } } } '
                           'fragment F on Person { health { pbiClass } fullName }')
    assert result.data["person"] == {"health": None, "fullName": PERSONS["P00013"].full_name, "records": None}
    assert sorted(map(tuple, result.paths())) == [("person", "health"), ("person", "records")]


def test_nested_paths_are_checked_at_every_level(education: Caller, steward: Caller) -> None:
    query = ('{ person(id: "P00011") { household { members { person { id records { id person { '
             'household { members { person { id health { pbiClass } } } } } } } } } } }')
    denied = education.run(query)
    members = denied.data["person"]["household"]["members"]
    assert [m["person"]["records"] for m in members] == [None, None, None]
    assert denied.paths() == [["person", "household", "members", i, "person", "records"] for i in range(3)]
    allowed = steward.run(query)
    assert allowed.errors == []
    deep = allowed.data["person"]["household"]["members"][0]["person"]["records"][0]["person"]
    assert [m["person"]["health"] for m in deep["household"]["members"]] == [{"pbiClass": "3"}] * 3


def test_lists_get_one_error_per_denied_path(education: Caller) -> None:
    result = education.run('{ persons(first: 7) { nodes { id health { pbiClass } } } }')
    nodes = result.data["persons"]["nodes"]
    assert len(nodes) == 7 and all(n["health"] is None for n in nodes)
    assert result.paths() == [["persons", "nodes", i, "health"] for i in range(7)]


def test_batched_operations_are_each_authorized_and_answered(education: Caller, hub: Hub) -> None:
    results = education.batch(['{ person(id: "P00013") { fullName } }',
                               '{ person(id: "P00013") { health { pbiClass } } }',
                               '{ me { profile } }'])
    assert results[0].errors == [] and results[0].data["person"]["fullName"]
    assert results[1].paths() == [["person", "health"]]
    assert results[2].data == {"me": {"profile": "education_ministry"}}
    too_many = httpx.post(hub.graphql_url, headers=education.headers(),
                          json=[{"query": "{ me { profile } }"}] * (hub.settings.graphql_max_batch + 1))
    assert too_many.status_code == 400


def test_get_requests_are_authorized_like_post(education: Caller, hub: Hub) -> None:
    query = '{ person(id: "P00013") { fullName health { pbiClass } } }'
    response = httpx.get(hub.graphql_url, params={"query": query}, headers=education.headers())
    body = response.json()
    assert response.status_code == 200
    assert body["data"]["person"]["health"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    decide = 'mutation { decideReview(itemId: "R1", decision: MATCH) { constraint } }'
    mutation = httpx.get(hub.graphql_url, headers=education.headers(), params={"query": decide})
    assert mutation.status_code == 400                                 # no mutations over GET
    anonymous = httpx.get(hub.graphql_url, params={"query": query})
    assert anonymous.status_code == 401 and "data" not in anonymous.json()


def test_anonymous_callers_get_nothing_not_even_introspection(hub: Hub) -> None:
    for body in ({"query": "{ __schema { types { name } } }"}, {"query": '{ person(id: "P00011") { id } }'}):
        response = httpx.post(hub.graphql_url, json=body)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "__schema" not in response.text and "data" not in response.json()


def test_graphiql_page_is_served_to_browsers(hub: Hub) -> None:
    page = httpx.get(hub.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def _claims(hub: Hub, caller: Caller, **extra: object) -> dict[str, object]:
    now = int(time.time())
    return {"iss": hub.settings.issuer_url, "aud": hub.settings.audience, "sub": caller.client_id,
            "client_id": caller.client_id, "jti": f"forged-{now}-{len(extra)}", "iat": now, "exp": now + 600,
            "scope": "person:identity person:nik person:health linkage:read", **extra}


def test_forged_tokens_are_refused_before_graphql_runs(hub: Hub, education: Caller) -> None:
    query = {"query": '{ person(id: "P00011") { nik } }'}
    foreign = ECKey.generate_key("P-256")
    forged = jwt.encode({"alg": "ES256", "typ": "at+jwt", "kid": "hub-key"}, _claims(hub, education), foreign)
    header, payload, signature = education.token.split(".")
    other = jwt.encode({"alg": "ES256", "typ": "at+jwt"}, _claims(hub, education), foreign)
    tampered_payload = other.split(".")[1]          # wider scopes, under the hub's real signature
    tampered = ".".join((header, tampered_payload, signature))
    unsigned = ".".join((header, payload, ""))
    for token in (forged, tampered, unsigned, "not-a-jwt"):
        response = httpx.post(hub.graphql_url, json=query, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert PERSONS["P00011"].nik not in response.text


def test_scopes_cannot_be_widened_and_narrow_tokens_see_less(hub: Hub) -> None:
    with pytest.raises(OAuthError, match="invalid_scope"):
        hub.caller("education_ministry", scope="person:identity person:nik", purpose="education_aid")
    narrow = hub.caller("education_ministry", scope="person:identity", purpose="education_aid")
    result = narrow.run('{ me { scopes } person(id: "P00011") { nik fullName household { id } } }')
    assert result.data["me"]["scopes"] == ["person:identity"]
    assert result.data["person"]["nik"] == masked(PERSONS["P00011"].nik)
    assert result.data["person"]["household"] is None and result.paths() == [["person", "household"]]


def test_row_scoping_holds_inside_lists_and_nested_walks(bandung: Caller) -> None:
    result = bandung.run('{ programOverlap(programs: ["PKH"], first: 100) { nodes { id villageCode } } '
                         'duplicateEnrolments(program: "PKH") { nodes { person { id } } } }')
    assert result.errors == []
    ids = [n["id"] for n in result.data["programOverlap"]["nodes"]]
    assert ids and set(ids) <= set(people_in("3273"))
