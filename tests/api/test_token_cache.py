"""The verified-token cache never outlives a revocation, a disabled client or a purpose check."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client

from auth import AuthComponents, Client, InvalidTokenError, PurposeError, TokenIssuer, close_auth, open_auth
from hub._token_cache import CachedValidator
from tests.api.conftest import Hub

ME = {"query": "{ me { clientId } }"}
_ISSUER = "http://127.0.0.1:1"


def _cache_and_token(parts: AuthComponents) -> tuple[CachedValidator, Client, str]:
    """A cache that never rechecks on its own, a client and one of its tokens."""
    client, _ = parts.clients.add("kemenkes", "health_ministry")
    token = TokenIssuer(parts.keys, issuer=_ISSUER, audience="dtsen-hub").issue(client)["access_token"]
    return CachedValidator(parts, recheck=3600), client, token


def test_revocation_and_disabling_apply_to_a_token_already_seen(hub: Hub) -> None:
    caller = hub.caller("health_ministry", purpose="health_insurance")
    assert httpx.post(hub.graphql_url, headers=caller.headers(), json=ME).status_code == 200
    with OAuth2Client(caller.client_id, caller.secret) as oauth:
        oauth.revoke_token(f"{hub.base_url}/oauth/revoke", caller.token, token_type_hint="access_token")
    assert httpx.post(hub.graphql_url, headers=caller.headers(), json=ME).status_code == 401

    other = hub.caller("health_ministry", purpose="health_insurance")
    assert httpx.post(hub.graphql_url, headers=other.headers(), json=ME).status_code == 200
    hub.app.state.auth.clients.set_enabled(other.client_id, False)
    assert httpx.post(hub.graphql_url, headers=other.headers(), json=ME).status_code == 401


def test_purpose_is_checked_on_every_request(hub: Hub) -> None:
    caller = hub.caller("health_ministry", purpose="health_insurance")
    assert httpx.post(hub.graphql_url, headers=caller.headers(), json=ME).status_code == 200
    wrong = caller.headers(**{"X-Purpose": "data_stewardship"})
    response = httpx.post(hub.graphql_url, headers=wrong, json=ME)
    assert response.status_code == 403 and "purpose" in response.text


def test_a_revocation_by_another_process_applies_within_the_revocation_delay(tmp_path: Path) -> None:
    """A second worker (or the CLI) revokes the token or disables the client: this worker's cache
    refuses it no later than ``recheck`` seconds after; until then the lookups are skipped."""
    issuer = "http://127.0.0.1:1"
    here = open_auth(tmp_path, issuer=issuer, audience="dtsen-hub")
    elsewhere = open_auth(tmp_path, issuer=issuer, audience="dtsen-hub")      # another process's view
    try:
        cache = CachedValidator(here, recheck=0.5)
        for change in ("revoke", "disable"):
            client, _ = here.clients.add(f"kemenkes-{change}", "health_ministry")
            token = TokenIssuer(here.keys, issuer=issuer, audience="dtsen-hub").issue(client)["access_token"]
            access = asyncio.run(cache.authenticate(token, "health_insurance"))
            if change == "revoke":
                elsewhere.ledger.revoke(access.token_id, access.expires_at, client.client_id)
            else:
                elsewhere.clients.set_enabled(client.client_id, False)
            changed = time.monotonic()
            while True:
                try:
                    asyncio.run(cache.authenticate(token, "health_insurance"))
                except InvalidTokenError:
                    break
                assert time.monotonic() - changed < 0.5 + 0.25, f"{change} not applied within the delay"
                time.sleep(0.02)
            with pytest.raises(InvalidTokenError):            # and it stays refused
                asyncio.run(cache.authenticate(token, "health_insurance"))
    finally:
        close_auth(here)
        close_auth(elsewhere)


def test_lookups_are_skipped_within_the_delay_but_not_after_a_change_in_this_process(tmp_path: Path) -> None:
    parts = open_auth(tmp_path, issuer=_ISSUER, audience="dtsen-hub")
    try:
        cache, client, token = _cache_and_token(parts)
        lookups = []
        real = parts.ledger.is_revoked
        parts.ledger.is_revoked = lambda jti: lookups.append(jti) or real(jti)  # type: ignore[method-assign]
        access = asyncio.run(cache.authenticate(token, "health_insurance"))
        before = len(lookups)
        for _ in range(20):
            asyncio.run(cache.authenticate(token, "health_insurance"))
        assert len(lookups) == before                          # an hour's delay: no lookups
        parts.ledger.revoke(access.token_id, access.expires_at, client.client_id)
        with pytest.raises(InvalidTokenError):                 # this process's own revocation: at once
            asyncio.run(cache.authenticate(token, "health_insurance"))
    finally:
        close_auth(parts)


def test_each_purpose_is_checked_once_per_token_and_a_refusal_every_time(tmp_path: Path) -> None:
    parts = open_auth(tmp_path, issuer=_ISSUER, audience="dtsen-hub")
    try:
        cache, _, token = _cache_and_token(parts)
        checks: list[str | None] = []
        real = parts.validator.with_purpose
        parts.validator.with_purpose = (  # type: ignore[method-assign]
            lambda access, purpose: checks.append(purpose) or real(access, purpose))
        first = asyncio.run(cache.authenticate(token, "health_insurance"))
        for _ in range(3):
            again = asyncio.run(cache.authenticate(token, "health_insurance"))
            assert again == first and again.purpose == "health_insurance"
            with pytest.raises(PurposeError):
                asyncio.run(cache.authenticate(token, "data_stewardship"))
        # The first call went through the validator; then one check for the purpose and one per refusal.
        assert checks.count("health_insurance") == 2 and checks.count("data_stewardship") == 3
    finally:
        close_auth(parts)
