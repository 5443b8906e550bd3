"""Access tokens as JWTs under RFC 9068, signed with the hub's current key.

Built on authlib's :class:`JWTBearerTokenGenerator`: it writes the RFC 9068 claims
(``iss``, ``sub``, ``client_id``, ``scope``, ``jti``, ``iat``, ``exp``) and the ``at+jwt``
type; this module adds the hub's audience and the ``agency``, ``profile``, ``regions`` and
``purposes`` claims that resource servers turn into an :class:`~auth.access.Access`.

Example:
    >>> issuer = TokenIssuer(keys, issuer="https://hub.example.go.id", audience="dtsen-hub")  # doctest: +SKIP
    >>> issuer.issue(client, scope="person:identity")["token_type"]  # doctest: +SKIP
    'Bearer'
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import InvalidScopeError
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet

from auth.clients import Client
from auth.keys import SIGNING_ALG, KeyStore
from core.errors import ForbiddenError

__all__ = ["DEFAULT_TOKEN_TTL", "HubTokenGenerator", "TokenIssuer", "check_requested_scope"]

DEFAULT_TOKEN_TTL = 900


def check_requested_scope(client: Client, scope: str | None) -> None:
    """Refuse (``invalid_scope``) any requested scope beyond what the client's profile holds."""
    if not scope:
        return
    beyond = sorted(set(scope.split()) - client.scopes)
    if beyond:
        raise InvalidScopeError(f"scope {' '.join(beyond)} is beyond profile {client.profile!r} "
                                f"of client {client.client_id!r}")


class HubTokenGenerator(JWTBearerTokenGenerator):
    """authlib's RFC 9068 generator, with our keys, audience and claims."""

    def __init__(self, keys: KeyStore, *, issuer: str, audience: str, ttl: int = DEFAULT_TOKEN_TTL) -> None:
        super().__init__(issuer=issuer, alg=SIGNING_ALG, expires_generator=ttl)
        self._keys = keys
        self.audience = audience

    def get_jwks(self) -> KeySet:
        # A one-key set makes joserfc write the key's ``kid`` into the header.
        return KeySet([self._keys.signing_key()])

    def get_audiences(self, client: Client, user: object, scope: str) -> str:
        return self.audience

    def get_extra_claims(self, client: Client, grant_type: str, user: object, scope: str) -> dict[str, Any]:
        claims: dict[str, Any] = {"agency": client.agency, "profile": client.profile,
                                  "purposes": sorted(client.purposes)}
        if client.regions is not None:
            claims["regions"] = list(client.regions)
        return claims


class TokenIssuer:
    """Issues tokens directly, without HTTP: for ``dtsen-hub token issue`` and tests."""

    def __init__(self, keys: KeyStore, *, issuer: str, audience: str, ttl: int = DEFAULT_TOKEN_TTL) -> None:
        self.generator = HubTokenGenerator(keys, issuer=issuer, audience=audience, ttl=ttl)

    def issue(self, client: Client, scope: str | None = None) -> dict[str, Any]:
        """The token response an enabled client would get from ``/oauth/token``."""
        if not client.enabled:
            raise ForbiddenError(f"client {client.client_id!r} is disabled", where="CLIENT",
                                 hint="re-enable it, or use another client")
        check_requested_scope(client, scope)
        token: dict[str, Any] = self.generator.generate("client_credentials", client, scope=scope,
                                                        include_refresh_token=False)
        return token
