"""The token endpoint with authlib's httpx OAuth2Client, for every client authentication method."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from tests.auth.conftest import Hub


def _claims(hub: Hub, token: str) -> dict[str, object]:
    jwks = httpx.get(f"{hub.base_url}/.well-known/jwks.json").json()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256"])
    assert decoded.header["typ"] == "at+jwt"
    assert decoded.header["kid"] in {k["kid"] for k in jwks["keys"]}
    return decoded.claims


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_client_secret_grants_an_rfc9068_token(hub: Hub, method: str) -> None:
    client, secret = hub.add_client("regional_government", regions=["3273", "3204"])
    with hub.oauth(client, secret, method, scope="person:identity household:welfare") as session:
        token = session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 900
    assert "refresh_token" not in token
    claims = _claims(hub, token["access_token"])
    assert claims["iss"] == hub.settings.issuer_url
    assert claims["aud"] == "dtsen-hub"
    assert claims["sub"] == claims["client_id"] == client.client_id
    assert claims["scope"] == "person:identity household:welfare"
    assert claims["agency"] == "Pemda"
    assert claims["regions"] == ["3204", "3273"]
    assert claims["purposes"] == ["program_targeting", "regional_planning", "social_assistance"]
    assert claims["exp"] - claims["iat"] == 900
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16


def test_no_scope_requested_grants_the_whole_profile(hub: Hub) -> None:
    client, secret = hub.add_client("education_ministry")
    claims = _claims(hub, hub.token_for(client, secret))
    assert set(str(claims["scope"]).split()) == client.scopes
    assert "person:nik" not in str(claims["scope"])
    assert "regions" not in claims


def test_private_key_jwt_grants_a_token(hub: Hub) -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)
    client, secret = hub.add_client("data_steward", public_jwk=key.as_dict(private=False))
    assert secret is None
    with hub.oauth(client, key, "private_key_jwt", scope="linkage:review") as session:
        session.register_client_auth_method(PrivateKeyJWT(hub.token_url, alg="ES256"))
        token = session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert _claims(hub, token["access_token"])["scope"] == "linkage:review"


def test_replayed_client_assertion_is_refused(hub: Hub) -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)
    client, _ = hub.add_client("health_ministry", public_jwk=key.as_dict(private=False))
    now = int(time.time())
    assertion = jwt.encode({"alg": "ES256"}, {"iss": client.client_id, "sub": client.client_id,
                                              "aud": hub.token_url, "jti": "once-only", "iat": now,
                                              "exp": now + 120}, key)
    form = {"grant_type": "client_credentials", "client_assertion": assertion,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    first = httpx.post(hub.token_url, data=form)
    assert first.status_code == 200, first.text
    replay = httpx.post(hub.token_url, data=form)
    assert replay.status_code in (400, 401)
    assert replay.json()["error"] == "invalid_client"
    assert "used before" in replay.json()["error_description"]


def test_authlib_client_reusing_an_assertion_jti_is_refused(hub: Hub) -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)
    client, _ = hub.add_client("data_steward", public_jwk=key.as_dict(private=False))
    with hub.oauth(client, key, "private_key_jwt") as session:
        session.register_client_auth_method(
            PrivateKeyJWT(hub.token_url, alg="ES256", claims={"jti": "fixed-by-a-careless-integrator"}))
        assert session.fetch_token(hub.token_url, grant_type="client_credentials")["access_token"]
        with pytest.raises(OAuthError) as refused:
            session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"


def test_async_client_token_and_introspection(hub: Hub) -> None:
    client, secret = hub.add_client("education_ministry")

    async def flow() -> dict[str, object]:
        async with AsyncOAuth2Client(client.client_id, secret, scope="person:education",
                                     token_endpoint_auth_method="client_secret_post") as session:
            token = await session.fetch_token(hub.token_url, grant_type="client_credentials")
            reply = await session.introspect_token(f"{hub.base_url}/oauth/introspect",
                                                   token=token["access_token"])
            return dict(reply.json())

    info = asyncio.run(flow())
    assert info["active"] is True and info["scope"] == "person:education"
    assert info["client_id"] == client.client_id


def test_assertion_signed_by_another_key_is_refused(hub: Hub) -> None:
    key, other = ECKey.generate_key("P-256"), ECKey.generate_key("P-256")
    client, _ = hub.add_client("health_ministry", public_jwk=key.as_dict(private=False))
    with hub.oauth(client, other, "private_key_jwt") as session:
        session.register_client_auth_method(PrivateKeyJWT(hub.token_url, alg="ES256"))
        with pytest.raises(OAuthError) as refused:
            session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"


def test_wrong_secret_is_refused(hub: Hub) -> None:
    client, secret = hub.add_client()
    with hub.oauth(client, f"{secret}x") as session, pytest.raises(OAuthError) as refused:
        session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"


def test_disabled_client_gets_no_token(hub: Hub) -> None:
    client, secret = hub.add_client()
    hub.parts.clients.set_enabled(client.client_id, False)
    with hub.oauth(client, secret) as session, pytest.raises(OAuthError) as refused:
        session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"


def test_scope_escalation_is_invalid_scope(hub: Hub) -> None:
    client, secret = hub.add_client("education_ministry")
    session = hub.oauth(client, secret, scope="person:identity person:nik")
    with session, pytest.raises(OAuthError) as refused:
        session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_scope"
    assert "person:nik" in refused.value.description


def test_unknown_scope_is_invalid_scope(hub: Hub) -> None:
    client, secret = hub.add_client("data_steward")
    session = hub.oauth(client, secret, scope="person:everything")
    with session, pytest.raises(OAuthError) as refused:
        session.fetch_token(hub.token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_scope"


def test_other_grant_types_are_unsupported(hub: Hub) -> None:
    client, secret = hub.add_client()
    reply = httpx.post(hub.token_url, data={"grant_type": "password", "username": "a", "password": "b"},
                       auth=(client.client_id, secret or ""))
    assert reply.status_code == 400
    assert reply.json()["error"] == "unsupported_grant_type"


def test_metadata_follows_rfc8414(hub: Hub) -> None:
    meta = httpx.get(f"{hub.base_url}/.well-known/oauth-authorization-server").json()
    AuthorizationServerMetadata(meta).validate()
    assert meta["issuer"] == hub.settings.issuer_url
    assert meta["token_endpoint"] == hub.token_url
    assert meta["grant_types_supported"] == ["client_credentials"]
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post", "private_key_jwt"}
    assert "audit:read" in meta["scopes_supported"]
    for name in ("jwks_uri", "introspection_endpoint", "revocation_endpoint"):
        assert httpx.head(meta[name]).status_code != 404 or name == "jwks_uri"
    jwks = httpx.get(meta["jwks_uri"]).json()
    assert jwks["keys"] and all("d" not in k and k["alg"] == "ES256" for k in jwks["keys"])
