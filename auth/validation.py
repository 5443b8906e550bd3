"""Resource side: turn a bearer token into an :class:`~auth.access.Access`, or refuse it.

Checks, in order: the algorithm is on an allow-list (never ``none``, never an HMAC: the
hub only ever holds public keys for verification); the issuer is the hub or a configured
external issuer; the signature verifies against that issuer's key for the token's ``kid``;
``iss``, ``aud``, ``exp``, ``nbf`` hold (with a small leeway); the ``jti`` is not revoked;
the client is still enabled; the stated purpose is one the client may state.

Example:
    >>> access = await validator.authenticate(token, purpose="health_insurance")  # doctest: +SKIP
    >>> access.has("person:nik")  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.util import urlsafe_b64decode

from auth.access import Access
from auth.clients import ClientRegistry
from auth.errors import InvalidTokenError, MissingPurposeError, PurposeError
from auth.external import ExternalIssuer, JwksCache, claim_at, claim_list
from auth.keys import SIGNING_ALG, KeyStore
from auth.policy import Policy
from auth.revocation import TokenLedger
from core.errors import InputError

__all__ = ["TokenValidator"]


class TokenValidator:
    """Validates tokens of the hub (``issuer``) and of any configured external issuers."""

    def __init__(self, *, issuer: str, audience: str, policy: Policy, keys: KeyStore,
                 clients: ClientRegistry, ledger: TokenLedger, external: Iterable[ExternalIssuer] = (),
                 jwks: JwksCache | None = None, leeway: int = 30, require_purpose: bool = True) -> None:
        self.issuer = issuer
        self.audience = audience
        self.policy = policy
        self._keys = keys
        self._clients = clients
        self._ledger = ledger
        self._external = {e.issuer: e for e in external}
        self._jwks = jwks or JwksCache()
        self.leeway = leeway
        self.require_purpose = require_purpose

    async def authenticate(self, token: str, purpose: str | None = None) -> Access:
        """Validate ``token`` and return the caller's :class:`Access` for this ``purpose``."""
        header, unverified = _peek(token)
        issuer = unverified.get("iss")
        if issuer == self.issuer:
            claims = self._verify(token, self._keys.verification_keys(), (SIGNING_ALG,), header,
                                  issuer=self.issuer, audience=self.audience)
            if header.get("typ") != "at+jwt":
                raise InvalidTokenError("token type is not at+jwt (RFC 9068)", where="token header")
            access = self._local_access(claims)
        elif isinstance(issuer, str) and issuer in self._external:
            ext = self._external[issuer]
            key_set = await self._jwks.keys(ext, header.get("kid"))
            claims = self._verify(token, key_set, ext.algorithms, header, issuer=ext.issuer,
                                  audience=ext.audience)
            access = self._external_access(ext, claims)
        else:
            raise InvalidTokenError(f"tokens from issuer {issuer!r} are not accepted", where="iss",
                                    hint=f"obtain a token from {self.issuer}/oauth/token")
        return self.with_purpose(access, purpose)

    def validate_local(self, token: str) -> Access:
        """Synchronous validation of one of the hub's own tokens (introspection, revocation)."""
        header, _ = _peek(token)
        claims = self._verify(token, self._keys.verification_keys(), (SIGNING_ALG,), header,
                              issuer=self.issuer, audience=self.audience)
        return self._local_access(claims)

    def with_purpose(self, access: Access, purpose: str | None) -> Access:
        """``access`` for a stated purpose, refusing one the client may not state."""
        if purpose is None and len(access.purposes) == 1:
            purpose = next(iter(access.purposes))
        if purpose is None:
            if self.require_purpose:
                raise MissingPurposeError("no purpose stated", where="X-Purpose",
                                          hint=f"send X-Purpose: one of {', '.join(sorted(access.purposes))}")
            return access
        if purpose not in access.purposes:
            raise PurposeError(f"purpose {purpose!r} is not allowed for client {access.client_id!r}",
                               where="X-Purpose", hint=f"allowed: {', '.join(sorted(access.purposes))}")
        return replace(access, purpose=purpose)

    def _verify(self, token: str, keys: KeySet, algorithms: Iterable[str], header: Mapping[str, Any],
                *, issuer: str, audience: str) -> dict[str, Any]:
        allowed = tuple(algorithms)
        if header.get("alg") not in allowed:
            raise InvalidTokenError(f"algorithm {header.get('alg')!r} is not accepted", where="token header",
                                    hint=f"accepted: {', '.join(allowed)}")
        try:
            decoded = jwt.decode(token, keys, algorithms=allowed)
            registry = jwt.JWTClaimsRegistry(
                leeway=self.leeway, iss={"essential": True, "value": issuer},
                aud={"essential": True, "value": audience},
                exp={"essential": True}, jti={"essential": True})
            registry.validate(decoded.claims)
        except JoseError as exc:
            raise InvalidTokenError(f"token refused: {exc.description or exc.error}", where="token") from exc
        except ValueError as exc:
            raise InvalidTokenError(f"token refused: {exc}", where="token") from exc
        if self._ledger.is_revoked(str(decoded.claims["jti"])):
            raise InvalidTokenError("token has been revoked", where="jti", hint="obtain a new token")
        return decoded.claims

    def _local_access(self, claims: Mapping[str, Any]) -> Access:
        client = self._clients.get(str(claims.get("client_id")))
        if client is None or not client.enabled:
            raise InvalidTokenError(f"client {claims.get('client_id')!r} is disabled or unknown",
                                    where="client_id", hint="ask the hub's operators to re-enable it")
        return self._access(claims, issuer=self.issuer, client_id=client.client_id,
                            profile=client.profile, agency=str(claims.get("agency") or client.agency),
                            scopes=claim_list(claims, "scope") or [],
                            regions=claim_list(claims, "regions"),
                            purposes=claim_list(claims, "purposes") or sorted(client.purposes))

    def _external_access(self, ext: ExternalIssuer, claims: Mapping[str, Any]) -> Access:
        profile_name = claim_at(claims, ext.profile_claim) if ext.profile_claim else None
        profile = self.policy.profiles.get(str(profile_name or ext.profile))
        if profile is None:
            raise InvalidTokenError(f"token of {ext.issuer!r} maps to no known profile", where="profile")
        client_id = claim_at(claims, ext.client_id_claim) or claims.get("sub")
        return self._access(claims, issuer=ext.issuer, client_id=str(client_id), profile=profile.name,
                            agency=str(claim_at(claims, ext.agency_claim) or profile.agency),
                            scopes=claim_list(claims, ext.scope_claim) or [],
                            regions=claim_list(claims, ext.regions_claim),
                            purposes=claim_list(claims, ext.purposes_claim) or sorted(profile.purposes))

    def _access(self, claims: Mapping[str, Any], *, issuer: str, client_id: str, profile: str, agency: str,
                scopes: list[str], regions: list[str] | None, purposes: list[str]) -> Access:
        spec = self.policy.profiles.get(profile)
        if spec is None:
            raise InvalidTokenError(f"profile {profile!r} is not in the policy", where="profile")
        try:
            limited = self.policy.normalise_regions(regions) if regions else None
        except InputError as exc:
            raise InvalidTokenError(f"bad regions claim: {exc}", where="regions") from exc
        if spec.regions_required and not limited:
            raise InvalidTokenError(f"a {profile} token must carry regions", where="regions")
        return Access(client_id=client_id, agency=agency, profile=profile,
                      scopes=frozenset(scopes) & spec.scopes, regions=limited,
                      purposes=frozenset(purposes) & spec.purposes, issuer=issuer,
                      token_id=str(claims.get("jti", "")), expires_at=int(claims.get("exp", 0)))


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload before verification, only to choose the issuer and key."""
    try:
        obj = jws.extract_compact(token.encode("ascii"))
        payload = json.loads(urlsafe_b64decode(token.split(".")[1].encode("ascii")))
    except (JoseError, ValueError, IndexError, UnicodeError) as exc:
        raise InvalidTokenError("token is not a well-formed JWS", where="token") from exc
    if not isinstance(payload, dict):
        raise InvalidTokenError("token payload is not a JSON object", where="token")
    return dict(obj.headers()), payload
