"""The hub's specialisations of authlib's grant, client assertion, introspection and revocation.

Each class fills in the hooks authlib leaves to the application (where clients, keys and
spent ids live) and nothing more: the protocol logic stays authlib's.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2.rfc6749 import InvalidGrantError, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from joserfc.jwk import Key, import_key

from auth.access import Access
from auth.clients import Client
from auth.errors import InvalidTokenError
from auth.revocation import TokenLedger
from auth.tokens import check_requested_scope
from auth.validation import TokenValidator

__all__ = ["AUTH_METHODS", "ClientCredentialsGrant", "HubIntrospection", "HubRevocation",
           "PrivateKeyJWTAssertion"]

AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]
#: Profiles whose clients may introspect any token (resource servers, stewards).
_INTROSPECT_ANY = frozenset({"data_steward"})


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    """``client_credentials`` with our three client authentication methods and profile-bound scopes."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_requested_scope(self) -> None:
        check_requested_scope(self.request.client, self.request.payload.scope)


class PrivateKeyJWTAssertion(JWTBearerClientAssertion):
    """RFC 7523 ``private_key_jwt``: the client signs an assertion with its own key.

    Each assertion's ``jti`` is spent once; a replay within its lifetime is refused.
    """

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, *, issuer: str, ledger: TokenLedger, leeway: int = 30) -> None:
        super().__init__(validate_jti=True, leeway=leeway)
        self._issuer = issuer
        self._ledger = ledger

    def get_audiences(self) -> list[str]:
        return [self._issuer, f"{self._issuer}/oauth/token"]

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return self._ledger.spend_assertion(str(claims["sub"]), str(jti), int(claims["exp"]))

    def resolve_client_public_key(self, client: Client) -> Key:
        return import_key(client.public_jwk or {})


class _TokenByValidator:
    """Find one of the hub's own tokens by validating it (JWTs are not stored)."""

    validator: TokenValidator

    def query_token(self, token_string: str, token_type_hint: str | None) -> Access | None:
        if token_type_hint not in (None, "access_token"):
            return None
        try:
            return self.validator.validate_local(token_string)
        except InvalidTokenError:
            return None


class HubIntrospection(_TokenByValidator, IntrospectionEndpoint):
    """RFC 7662: a client may introspect its own tokens; a data steward any token."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def __init__(self, server: object, validator: TokenValidator, audience: str) -> None:
        super().__init__(server=server)
        self.validator = validator
        self.audience = audience

    def check_permission(self, token: Access, client: Client, request: object) -> bool:
        return token.client_id == client.client_id or client.profile in _INTROSPECT_ANY

    def create_introspection_payload(self, token: Access | None) -> dict[str, Any]:
        if token is None:
            return {"active": False}
        payload: dict[str, Any] = {
            "active": True, "token_type": "Bearer", "client_id": token.client_id, "sub": token.client_id,
            "scope": " ".join(sorted(token.scopes)), "iss": token.issuer, "aud": self.audience,
            "exp": token.expires_at, "jti": token.token_id, "agency": token.agency,
            "profile": token.profile, "purposes": sorted(token.purposes)}
        if token.regions is not None:
            payload["regions"] = list(token.regions)
        return payload


class HubRevocation(_TokenByValidator, RevocationEndpoint):
    """RFC 7009: a client revokes its own token; the ``jti`` is refused until the token expires."""

    CLIENT_AUTH_METHODS = AUTH_METHODS

    def __init__(self, server: object, validator: TokenValidator, ledger: TokenLedger) -> None:
        super().__init__(server=server)
        self.validator = validator
        self.ledger = ledger

    def authenticate_token(self, request: Any, client: Client) -> Access | None:
        self.check_params(request, client)
        token = self.query_token(request.form["token"], request.form.get("token_type_hint"))
        if token is not None and token.client_id != client.client_id:
            raise InvalidGrantError("the token was issued to another client")
        return token

    def revoke_token(self, token: Access, request: object) -> None:
        self.ledger.revoke(token.token_id, token.expires_at, token.client_id)
