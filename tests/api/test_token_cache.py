"""The verified-token cache never outlives a revocation, a disabled client or a purpose check."""

from __future__ import annotations

import httpx
from authlib.integrations.httpx_client import OAuth2Client

from tests.api.conftest import Hub

ME = {"query": "{ me { clientId } }"}


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
