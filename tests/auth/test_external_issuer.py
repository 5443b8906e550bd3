"""Tokens from an external identity provider: a fake "Keycloak" realm publishing its JWKS over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth import ExternalIssuer
from core.errors import ConfigError
from hub.settings import Settings
from tests._server import free_port, serve_app
from tests.auth.conftest import make_hub_app

REALM = "/realms/dtsen"


@dataclass
class FakeKeycloak:
    """A realm's signing keys; its JWKS endpoint serves the public halves of ``published``."""

    base_url: str = ""
    published: list[RSAKey] = field(default_factory=lambda: [RSAKey.generate_key(2048, auto_kid=True)])
    fetches: int = 0

    @property
    def issuer(self) -> str:
        return f"{self.base_url}{REALM}"

    async def certs(self, request: Request) -> Response:
        self.fetches += 1
        return JSONResponse(KeySet(self.published).as_dict(private=False))

    def token(self, key: RSAKey | None = None, **overrides: object) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": "dtsen-hub", "sub": "b1c2-service-account",
                  "azp": "pemprov-jabar", "scope": "openid person:identity household:read person:health",
                  "jti": f"kc-{time.time_ns()}", "iat": now, "exp": now + 300,
                  "dtsen": {"agency": "Pemprov Jawa Barat", "regions": ["32"]}}
        claims.update(overrides)
        signing = key or self.published[0]
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": signing.kid}, claims, signing)


@dataclass
class Pair:
    keycloak: FakeKeycloak
    hub_url: str

    def whoami(self, token: str) -> httpx.Response:
        return httpx.get(f"{self.hub_url}/whoami", headers={"Authorization": f"Bearer {token}",
                                                             "X-Purpose": "regional_planning"})


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    keycloak = FakeKeycloak()
    idp = Starlette(routes=[Route(f"{REALM}/protocol/openid-connect/certs", keycloak.certs)])
    with serve_app(idp) as idp_url:
        keycloak.base_url = idp_url
        realm = ExternalIssuer(issuer=keycloak.issuer,
                               jwks_url=f"{keycloak.issuer}/protocol/openid-connect/certs",
                               audience="dtsen-hub", profile="regional_government",
                               agency_claim="dtsen.agency", regions_claim="dtsen.regions",
                               min_refresh_seconds=0)
        port = free_port()
        settings = Settings(data_dir=tmp_path_factory.mktemp("hub-ext"), issuer=f"http://127.0.0.1:{port}",
                            external_issuers=[realm])
        with serve_app(make_hub_app(settings), port=port) as hub_url:
            yield Pair(keycloak, hub_url)


def test_external_token_becomes_access_through_the_claim_mapping(pair: Pair) -> None:
    reply = pair.whoami(pair.keycloak.token())
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["issuer"] == pair.keycloak.issuer and body["client_id"] == "pemprov-jabar"
    assert body["agency"] == "Pemprov Jawa Barat" and body["regions"] == ["32"]
    assert body["profile"] == "regional_government"
    # "openid" is not ours; person:health is beyond the regional profile: both dropped.
    assert body["scopes"] == ["household:read", "person:identity"]


def test_jwks_is_cached(pair: Pair) -> None:
    pair.whoami(pair.keycloak.token())
    before = pair.keycloak.fetches
    for _ in range(3):
        assert pair.whoami(pair.keycloak.token()).status_code == 200
    assert pair.keycloak.fetches == before


def test_idp_key_rotation_is_picked_up(pair: Pair) -> None:
    assert pair.whoami(pair.keycloak.token()).status_code == 200
    fresh = RSAKey.generate_key(2048, auto_kid=True)
    pair.keycloak.published.insert(0, fresh)
    before = pair.keycloak.fetches
    assert pair.whoami(pair.keycloak.token(fresh)).status_code == 200
    assert pair.keycloak.fetches == before + 1


def test_external_token_with_unknown_kid_is_refused(pair: Pair) -> None:
    stranger = RSAKey.generate_key(2048, auto_kid=True)
    reply = pair.whoami(pair.keycloak.token(stranger))
    assert reply.status_code == 401 and "kid" in reply.json()["message"]


def test_external_token_for_another_audience_is_refused(pair: Pair) -> None:
    reply = pair.whoami(pair.keycloak.token(aud="account"))
    assert reply.status_code == 401 and "aud" in reply.json()["message"]


def test_external_regional_token_without_regions_is_refused(pair: Pair) -> None:
    reply = pair.whoami(pair.keycloak.token(dtsen={"agency": "Pemprov Jawa Barat"}))
    assert reply.status_code == 401 and "regions" in reply.json()["message"]


def test_external_issuer_cannot_allow_hmac_or_none() -> None:
    for algs in (("HS256",), ("RS256", "none")):
        with pytest.raises(ConfigError, match="asymmetric"):
            ExternalIssuer(issuer="https://idp", jwks_url="https://idp/certs", audience="a",
                           profile="health_ministry", algorithms=algs)
