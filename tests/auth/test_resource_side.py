"""The resource side over HTTP: each bad token is refused with RFC 6750's answer, good ones become Access."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from joserfc.jwk import ECKey, KeySet

from tests.auth.conftest import Hub


def _get(hub: Hub, token: str, path: str = "/whoami",
         purpose: str | None = "health_insurance") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return httpx.get(f"{hub.base_url}{path}", headers=headers)


def _assert_invalid_token(reply: httpx.Response, words: str) -> None:
    assert reply.status_code == 401, reply.text
    challenge = reply.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="dtsen-hub"')
    assert 'error="invalid_token"' in challenge
    assert reply.json()["error"] == "invalid_token"
    assert words in reply.json()["message"], reply.json()["message"]


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_valid_token_becomes_access(hub: Hub) -> None:
    client, secret = hub.add_client("regional_government", regions=["3273"], agency="Pemkot Bandung")
    token = hub.token_for(client, secret, "person:identity program:read")
    reply = _get(hub, token, purpose="regional_planning")
    assert reply.status_code == 200
    body = reply.json()
    assert body["client_id"] == client.client_id and body["agency"] == "Pemkot Bandung"
    assert body["scopes"] == ["person:identity", "program:read"]
    assert body["regions"] == ["3273"] and body["purpose"] == "regional_planning"


def test_anonymous_request_passes_with_no_access(hub: Hub) -> None:
    reply = httpx.get(f"{hub.base_url}/whoami")
    assert reply.status_code == 200 and reply.json() is None


def test_empty_bearer_is_invalid_request(hub: Hub) -> None:
    reply = httpx.get(f"{hub.base_url}/whoami", headers={"Authorization": "Bearer"})
    assert reply.status_code == 401
    assert 'error="invalid_request"' in reply.headers["www-authenticate"]


def test_expired_token_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    old = int(time.time()) - 3600
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client, iat=old, exp=old + 900))), "exp")


def test_token_within_leeway_is_accepted(hub: Hub) -> None:
    client, _ = hub.add_client()
    now = int(time.time())
    reply = _get(hub, hub.forge(hub.good_claims(client, iat=now - 900, exp=now - 5)))
    assert reply.status_code == 200, reply.text


def test_not_yet_valid_token_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client, nbf=int(time.time()) + 600))),
                          "not yet valid")


def test_wrong_issuer_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client, iss="https://evil.example"))),
                          "issuer")


def test_wrong_audience_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client, aud="another-api"))), "aud")


def test_alg_none_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    token = f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(hub.good_claims(client))}."
    _assert_invalid_token(_get(hub, token), "algorithm 'none'")


def test_hs256_signed_with_the_public_key_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    # The classic key-confusion forgery: HMAC keyed with the published public key (PEM and JWK forms).
    signing = hub.parts.keys.signing_key()
    header = _b64({"alg": "HS256", "typ": "at+jwt", "kid": signing.kid})
    signing_input = f"{header}.{_b64(hub.good_claims(client))}"
    for secret in (signing.as_pem(private=False), json.dumps(signing.as_dict(private=False)).encode()):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
        _assert_invalid_token(_get(hub, token), "algorithm 'HS256'")


def test_tampered_payload_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client("education_ministry")
    header, _, signature = hub.forge(hub.good_claims(client)).split(".")
    escalated = _b64(hub.good_claims(client, scope="person:identity person:nik"))
    _assert_invalid_token(_get(hub, f"{header}.{escalated}.{signature}"), "refused")


def test_unknown_kid_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    stranger = ECKey.generate_key("P-256", auto_kid=True)
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client), key=KeySet([stranger]))), "kid")


def test_token_without_at_jwt_type_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client()
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client), header={"typ": "JWT"})), "at+jwt")


def test_revoked_token_is_refused(hub: Hub) -> None:
    client, secret = hub.add_client()
    token = hub.token_for(client, secret)
    assert _get(hub, token).status_code == 200
    with hub.oauth(client, secret) as session:
        assert session.revoke_token(f"{hub.base_url}/oauth/revoke", token=token).status_code == 200
    _assert_invalid_token(_get(hub, token), "revoked")


def test_disabled_client_token_is_refused(hub: Hub) -> None:
    client, secret = hub.add_client()
    token = hub.token_for(client, secret)
    assert _get(hub, token).status_code == 200
    hub.parts.clients.set_enabled(client.client_id, False)
    _assert_invalid_token(_get(hub, token), "disabled")


def test_purpose_not_allowed_is_forbidden(hub: Hub) -> None:
    client, secret = hub.add_client("health_ministry")
    reply = _get(hub, hub.token_for(client, secret), purpose="education_aid")
    assert reply.status_code == 403
    assert 'error="insufficient_scope"' in reply.headers["www-authenticate"]
    assert reply.json()["code"] == "invalid_purpose" and "education_aid" in reply.json()["message"]


def test_missing_purpose_is_refused_when_several_are_allowed(hub: Hub) -> None:
    client, secret = hub.add_client("health_ministry")
    reply = _get(hub, hub.token_for(client, secret), purpose=None)
    assert reply.status_code == 400 and reply.json()["code"] == "purpose_required"
    assert "health_insurance" in reply.json()["hint"]


def test_single_allowed_purpose_is_implied(hub: Hub) -> None:
    client, secret = hub.add_client("health_ministry", purposes=["health_insurance"])
    assert _get(hub, hub.token_for(client, secret), purpose=None).json()["purpose"] == "health_insurance"


def test_insufficient_scope_is_403_with_the_scope(hub: Hub) -> None:
    client, secret = hub.add_client("education_ministry")
    reply = _get(hub, hub.token_for(client, secret), "/nik-only", purpose="education_aid")
    assert reply.status_code == 403
    assert 'error="insufficient_scope"' in reply.headers["www-authenticate"]
    assert 'scope="person:nik"' in reply.headers["www-authenticate"]
    nik_client, nik_secret = hub.add_client("health_ministry")
    allowed = _get(hub, hub.token_for(nik_client, nik_secret), "/nik-only", "health_insurance")
    assert allowed.json() == {"ok": True}


def test_regional_token_without_regions_is_refused(hub: Hub) -> None:
    client, _ = hub.add_client("regional_government", regions=["32"])
    _assert_invalid_token(_get(hub, hub.forge(hub.good_claims(client, regions=None))), "regions")


def test_scopes_beyond_the_profile_in_a_token_are_dropped(hub: Hub) -> None:
    client, _ = hub.add_client("education_ministry")
    token = hub.forge(hub.good_claims(client, scope="person:identity person:nik"))
    assert _get(hub, token, purpose="education_aid").json()["scopes"] == ["person:identity"]


@pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "....", "eyJhbGciOiJFUzI1NiJ9.e30"])
def test_malformed_tokens_are_refused(hub: Hub, garbage: str) -> None:
    assert _get(hub, garbage).status_code == 401
