"""A real hub (uvicorn on a loopback port) for the auth tests, with a protected echo route."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from auth import AuthComponents, Client, requires_scope
from hub.app import create_app
from hub.settings import Settings
from tests._server import free_port, serve_app

_names = itertools.count(1)


async def whoami(request: Request) -> Response:
    """Echo the Access the middleware built (None for anonymous callers)."""
    access = request.state.access
    if access is None:
        return JSONResponse(None)
    return JSONResponse({"client_id": access.client_id, "agency": access.agency, "profile": access.profile,
                         "scopes": sorted(access.scopes), "regions": access.regions,
                         "purpose": access.purpose, "issuer": access.issuer, "token_id": access.token_id})


@requires_scope("person:nik")
async def nik_only(request: Request) -> Response:
    return JSONResponse({"ok": True})


@dataclass
class Hub:
    base_url: str
    app: Starlette
    settings: Settings

    @property
    def parts(self) -> AuthComponents:
        return self.app.state.auth

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth/token"

    def add_client(self, profile: str = "health_ministry", **kwargs: Any) -> tuple[Client, str | None]:
        return self.parts.clients.add(f"{profile.replace('_', '-')}-{next(_names)}", profile, **kwargs)

    def oauth(self, client: Client, secret: str | None, method: str = "client_secret_basic",
              **kwargs: Any) -> OAuth2Client:
        return OAuth2Client(client.client_id, secret, token_endpoint_auth_method=method, **kwargs)

    def token_for(self, client: Client, secret: str | None, scope: str | None = None) -> str:
        with self.oauth(client, secret, scope=scope) as session:
            return str(session.fetch_token(self.token_url, grant_type="client_credentials")["access_token"])

    def forge(self, claims: dict[str, Any], *, header: dict[str, Any] | None = None, key: Any = None) -> str:
        """A token signed with the hub's own key (or ``key``), with any claims we like."""
        signing = key if key is not None else KeySet([self.parts.keys.signing_key()])
        return jwt.encode({"alg": "ES256", "typ": "at+jwt", **(header or {})}, claims, signing)

    def good_claims(self, client: Client, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.settings.issuer_url, "aud": self.settings.audience, "sub": client.client_id,
                  "client_id": client.client_id, "scope": " ".join(sorted(client.scopes)),
                  "jti": f"forged-{next(_names)}", "iat": now, "exp": now + 600, "agency": client.agency,
                  "profile": client.profile, "purposes": sorted(client.purposes)}
        if client.regions:
            claims["regions"] = list(client.regions)
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}


def make_hub_app(settings: Settings) -> Starlette:
    app = create_app(settings)
    app.add_route("/whoami", whoami)
    app.add_route("/nik-only", nik_only)
    return app


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    port = free_port()
    settings = Settings(data_dir=tmp_path_factory.mktemp("hub"), issuer=f"http://127.0.0.1:{port}")
    app = make_hub_app(settings)
    with serve_app(app, port=port) as base_url:
        yield Hub(base_url, app, settings)
