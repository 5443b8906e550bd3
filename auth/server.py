"""The hub's OAuth 2.0 authorization server on authlib's core, served by Starlette.

Grant: ``client_credentials``, with ``client_secret_basic``, ``client_secret_post`` and
``private_key_jwt`` (RFC 7523). Tokens: RFC 9068 JWTs signed ES256 (see ``auth.tokens``).
Routes (:meth:`HubAuthorizationServer.routes`): ``/oauth/token``, ``/oauth/introspect``
(RFC 7662), ``/oauth/revoke`` (RFC 7009), ``/.well-known/jwks.json`` and
``/.well-known/oauth-authorization-server`` (RFC 8414).

Example:
    >>> server = HubAuthorizationServer(components)                  # doctest: +SKIP
    >>> app = Starlette(routes=server.routes())                      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth._endpoints import (
    AUTH_METHODS,
    ClientCredentialsGrant,
    HubIntrospection,
    HubRevocation,
    PrivateKeyJWTAssertion,
)
from auth._starlette import StarletteOAuth2Request, read_oauth2_request, to_response
from auth.clients import Client, ClientRegistry
from auth.keys import SIGNING_ALG, KeyStore
from auth.policy import Policy
from auth.revocation import TokenLedger
from auth.tokens import DEFAULT_TOKEN_TTL, HubTokenGenerator
from auth.validation import TokenValidator

__all__ = ["AuthComponents", "HubAuthorizationServer"]

_ASSERTION_ALGS = ["ES256", "RS256", "PS256", "EdDSA"]


@dataclass(frozen=True)
class AuthComponents:
    """Everything the authorization server and the resource side share."""

    issuer: str
    audience: str
    policy: Policy
    clients: ClientRegistry
    keys: KeyStore
    ledger: TokenLedger
    validator: TokenValidator
    token_ttl: int = DEFAULT_TOKEN_TTL
    leeway: int = 30


class HubAuthorizationServer(AuthorizationServer):
    """authlib's ``AuthorizationServer`` with the hub's stores and a Starlette adapter."""

    def __init__(self, parts: AuthComponents) -> None:
        super().__init__(scopes_supported=list(parts.policy.scopes))
        self.parts = parts
        self.register_token_generator("default", HubTokenGenerator(
            parts.keys, issuer=parts.issuer, audience=parts.audience, ttl=parts.token_ttl))
        self.register_client_auth_method("private_key_jwt", PrivateKeyJWTAssertion(
            issuer=parts.issuer, ledger=parts.ledger, leeway=parts.leeway))
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(HubIntrospection(self, parts.validator, parts.audience))
        self.register_endpoint(HubRevocation(self, parts.validator, parts.ledger))

    # -- authlib hooks -------------------------------------------------------------------
    def query_client(self, client_id: str) -> Client | None:
        """Only enabled clients exist, as far as the token endpoint is concerned."""
        client = self.parts.clients.get(client_id)
        return client if client is not None and client.enabled else None

    def save_token(self, token: dict[str, Any], request: object) -> None:
        """Nothing to store: the JWT carries everything, and revocation records only its ``jti``."""

    def create_oauth2_request(self, request: StarletteOAuth2Request) -> StarletteOAuth2Request:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        return to_response(status, body, headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal system: nothing listens."""

    # -- HTTP endpoints ------------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        oauth_request = await read_oauth2_request(request)
        # argon2 verification is deliberately slow: keep it off the event loop.
        response: Response = await run_in_threadpool(self.create_token_response, oauth_request)
        return response

    async def introspect(self, request: Request) -> Response:
        oauth_request = await read_oauth2_request(request)
        return await run_in_threadpool(self.create_endpoint_response, "introspection", oauth_request)

    async def revoke(self, request: Request) -> Response:
        oauth_request = await read_oauth2_request(request)
        return await run_in_threadpool(self.create_endpoint_response, "revocation", oauth_request)

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(self.parts.keys.public_jwks(), headers={"Cache-Control": "max-age=300"})

    async def metadata(self, request: Request) -> Response:
        return JSONResponse(dict(self.server_metadata()))

    def server_metadata(self) -> AuthorizationServerMetadata:
        """RFC 8414 metadata, validated by authlib before it is served."""
        base = self.parts.issuer
        data = AuthorizationServerMetadata({
            "issuer": base,
            "token_endpoint": f"{base}/oauth/token",
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "introspection_endpoint": f"{base}/oauth/introspect",
            "revocation_endpoint": f"{base}/oauth/revoke",
            "scopes_supported": list(self.parts.policy.scopes),
            "response_types_supported": ["token"],
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": AUTH_METHODS,
            "token_endpoint_auth_signing_alg_values_supported": _ASSERTION_ALGS,
            "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
            "introspection_endpoint_auth_signing_alg_values_supported": _ASSERTION_ALGS,
            "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
            "revocation_endpoint_auth_signing_alg_values_supported": _ASSERTION_ALGS,
            "access_token_signing_alg_values_supported": [SIGNING_ALG],
        })
        data.validate()
        return data

    def routes(self) -> list[Route]:
        """The Starlette routes of the authorization server."""
        return [
            Route("/oauth/token", self.token, methods=["POST"]),
            Route("/oauth/introspect", self.introspect, methods=["POST"]),
            Route("/oauth/revoke", self.revoke, methods=["POST"]),
            Route("/.well-known/jwks.json", self.jwks, methods=["GET"]),
            Route("/.well-known/oauth-authorization-server", self.metadata, methods=["GET"]),
        ]
