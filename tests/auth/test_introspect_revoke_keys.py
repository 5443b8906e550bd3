"""Introspection (RFC 7662), revocation (RFC 7009) and signing-key rotation, over HTTP."""

from __future__ import annotations

import stat

import httpx
from joserfc import jwt

from auth import KeyStore
from tests.auth.conftest import Hub


def _introspect(hub: Hub, client_and_secret: tuple[object, str | None], token: str) -> dict[str, object]:
    client, secret = client_and_secret
    with hub.oauth(client, secret) as session:  # type: ignore[arg-type]
        reply = session.introspect_token(f"{hub.base_url}/oauth/introspect", token=token)
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_introspection_of_own_token(hub: Hub) -> None:
    pair = hub.add_client("regional_government", regions=["3204"])
    token = hub.token_for(pair[0], pair[1], "person:identity")
    info = _introspect(hub, pair, token)
    assert info["active"] is True
    assert info["client_id"] == pair[0].client_id and info["scope"] == "person:identity"
    assert info["iss"] == hub.settings.issuer_url and info["aud"] == "dtsen-hub"
    assert info["regions"] == ["3204"] and info["agency"] == "Pemda"


def test_introspection_of_another_clients_token_is_inactive_unless_steward(hub: Hub) -> None:
    owner = hub.add_client()
    token = hub.token_for(owner[0], owner[1])
    assert _introspect(hub, hub.add_client("education_ministry"), token) == {"active": False}
    assert _introspect(hub, hub.add_client("data_steward"), token)["active"] is True


def test_introspection_of_garbage_and_revoked_tokens(hub: Hub) -> None:
    pair = hub.add_client()
    assert _introspect(hub, pair, "not-a-token") == {"active": False}
    token = hub.token_for(pair[0], pair[1])
    with hub.oauth(pair[0], pair[1]) as session:
        session.revoke_token(f"{hub.base_url}/oauth/revoke", token=token)
    assert _introspect(hub, pair, token) == {"active": False}


def test_introspection_needs_client_authentication(hub: Hub) -> None:
    reply = httpx.post(f"{hub.base_url}/oauth/introspect", data={"token": "x"})
    assert reply.status_code == 401 and reply.json()["error"] == "invalid_client"


def test_client_cannot_revoke_another_clients_token(hub: Hub) -> None:
    owner, thief = hub.add_client(), hub.add_client()
    token = hub.token_for(owner[0], owner[1])
    with hub.oauth(thief[0], thief[1]) as session:
        reply = session.revoke_token(f"{hub.base_url}/oauth/revoke", token=token)
    assert reply.status_code == 400 and reply.json()["error"] == "invalid_grant"
    assert _introspect(hub, owner, token)["active"] is True


def test_revoking_garbage_is_a_quiet_success(hub: Hub) -> None:
    pair = hub.add_client()
    with hub.oauth(pair[0], pair[1]) as session:
        assert session.revoke_token(f"{hub.base_url}/oauth/revoke", token="whatever").status_code == 200


def test_key_rotation_keeps_old_tokens_valid(hub: Hub) -> None:
    pair = hub.add_client("health_ministry", purposes=["health_insurance"])
    old_token = hub.token_for(pair[0], pair[1])
    old_kid = jwt.decode(old_token, hub.parts.keys.verification_keys()).header["kid"]
    new_kid = hub.parts.keys.rotate(keep_for=hub.settings.token_ttl + hub.settings.token_leeway)
    assert new_kid != old_kid
    published = {k["kid"] for k in httpx.get(f"{hub.base_url}/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, new_kid} <= published
    new_token = hub.token_for(pair[0], pair[1])
    assert jwt.decode(new_token, hub.parts.keys.verification_keys()).header["kid"] == new_kid
    for token in (old_token, new_token):
        reply = httpx.get(f"{hub.base_url}/whoami", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 200, reply.text


def test_rotation_by_another_process_reaches_the_running_server(hub: Hub) -> None:
    # `dtsen-hub keys rotate` opens its own KeyStore on the same file, as the CLI does.
    new_kid = KeyStore(hub.settings.data_dir / "signing-keys.json").rotate(keep_for=900)
    published = {k["kid"] for k in httpx.get(f"{hub.base_url}/.well-known/jwks.json").json()["keys"]}
    assert new_kid in published
    pair = hub.add_client("health_ministry", purposes=["health_insurance"])
    token = hub.token_for(pair[0], pair[1])
    assert jwt.decode(token, hub.parts.keys.verification_keys()).header["kid"] == new_kid


def test_retired_key_leaves_the_jwks_when_its_tokens_expired(hub: Hub) -> None:
    first = hub.parts.keys.signing_key().kid
    hub.parts.keys.rotate(keep_for=0)
    published = {k["kid"] for k in hub.parts.keys.public_jwks()["keys"]}
    assert first not in published and len(published) >= 1


def test_key_and_client_files_are_private(hub: Hub) -> None:
    for name in ("signing-keys.json", "auth.sqlite"):
        mode = stat.S_IMODE((hub.settings.data_dir / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
