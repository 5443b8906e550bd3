"""External identity providers (a Keycloak realm, say) whose tokens the hub also accepts.

An :class:`ExternalIssuer` says where the provider publishes its JWKS and where, in its
tokens, the hub finds what it needs (scopes, agency, regions, purposes, profile): claim
paths are dotted (``realm_access.roles``). Keys are fetched over HTTP and cached; an
unknown ``kid`` triggers at most one refetch per ``min_refresh_seconds`` so a stream of
forged kids cannot make the hub hammer the provider.

Example:
    >>> keycloak = ExternalIssuer(issuer="https://sso.kemkes.go.id/realms/dtsen",
    ...     jwks_url="https://sso.kemkes.go.id/realms/dtsen/protocol/openid-connect/certs",
    ...     audience="dtsen-hub", profile="health_ministry", scope_claim="scope")
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from auth.errors import InvalidTokenError
from core.errors import ConfigError

__all__ = ["ExternalIssuer", "JwksCache", "claim_at", "claim_list"]

_FORBIDDEN_ALGS = {"none", "HS256", "HS384", "HS512"}


@dataclass(frozen=True)
class ExternalIssuer:
    """One trusted external issuer and its claim mapping."""

    issuer: str
    jwks_url: str
    audience: str
    algorithms: tuple[str, ...] = ("RS256", "ES256", "PS256", "EdDSA")
    profile: str | None = None
    profile_claim: str | None = None
    client_id_claim: str = "azp"
    scope_claim: str = "scope"
    agency_claim: str = "agency"
    regions_claim: str = "regions"
    purposes_claim: str = "purposes"
    jwks_cache_seconds: int = 300
    min_refresh_seconds: int = 30

    def __post_init__(self) -> None:
        bad = sorted(set(self.algorithms) & _FORBIDDEN_ALGS)
        if bad or not self.algorithms:
            raise ConfigError(f"external issuer {self.issuer!r} allows {', '.join(bad) or 'no algorithm'}",
                              where="external_issuers.algorithms",
                              hint="allow only asymmetric algorithms such as RS256 or ES256")
        if not (self.profile or self.profile_claim):
            raise ConfigError(f"external issuer {self.issuer!r} maps to no profile",
                              where="external_issuers", hint="set 'profile' or 'profile_claim'")


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted claim path, or ``None``."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def claim_list(claims: Mapping[str, Any], path: str) -> list[str] | None:
    """A claim holding a space-separated string or a list of strings, as a list (``None`` if absent)."""
    value = claim_at(claims, path)
    if value is None:
        return None
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidTokenError(f"claim {path!r} is neither a string nor a list of strings", where="token")


class JwksCache:
    """Fetches and caches each external issuer's JWKS."""

    def __init__(self, http: httpx.AsyncClient | None = None, *, timeout: float = 5.0) -> None:
        self._http = http
        self._timeout = timeout
        self._cache: dict[str, tuple[float, KeySet]] = {}
        self._lock = asyncio.Lock()

    async def keys(self, issuer: ExternalIssuer, kid: str | None) -> KeySet:
        """The issuer's key set, refetched when stale or when ``kid`` is unknown (rate-limited)."""
        now = time.monotonic()
        cached = self._cache.get(issuer.jwks_url)
        if cached and _fresh(cached, issuer, kid, now):
            return cached[1]
        async with self._lock:
            cached = self._cache.get(issuer.jwks_url)
            if cached and _fresh(cached, issuer, kid, time.monotonic()):
                return cached[1]
            key_set = await self._fetch(issuer)
            self._cache[issuer.jwks_url] = (time.monotonic(), key_set)
            return key_set

    async def _fetch(self, issuer: ExternalIssuer) -> KeySet:
        try:
            if self._http is None:
                async with httpx.AsyncClient(timeout=self._timeout) as http:
                    response = await http.get(issuer.jwks_url)
            else:
                response = await self._http.get(issuer.jwks_url, timeout=self._timeout)
            response.raise_for_status()
            return KeySet.import_key_set(response.json())
        except (httpx.HTTPError, ValueError, JoseError) as exc:
            raise InvalidTokenError(f"cannot fetch the keys of issuer {issuer.issuer!r}: {exc}",
                                    where=issuer.jwks_url, hint="the identity provider may be down") from exc


def _fresh(cached: tuple[float, KeySet], issuer: ExternalIssuer, kid: str | None, now: float) -> bool:
    fetched_at, key_set = cached
    age = now - fetched_at
    if age > issuer.jwks_cache_seconds:
        return False
    known = kid is None or any(k.kid == kid for k in key_set)
    return known or age < issuer.min_refresh_seconds
