"""A cache of verified bearer tokens in front of :class:`auth.TokenValidator`.

Verifying a token's ES256 signature and claims costs about a millisecond, more than
answering a typical GraphQL query. The outcome for one token string is fixed by its bytes
until it expires, so it is remembered for at most ``ttl`` seconds, never past the token's
``exp``. What can change meanwhile is checked on every request, as without the cache: the
token's revocation, the client being disabled, and the purpose stated for this request.

Example:
    >>> Middleware(BearerAuthMiddleware, validator=CachedValidator(parts))   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict

from auth import Access, AuthComponents, InvalidTokenError

__all__ = ["CachedValidator"]


class CachedValidator:
    """``authenticate(token, purpose)`` like :class:`auth.TokenValidator`, verifying each token once."""

    def __init__(self, parts: AuthComponents, *, ttl: float = 60.0, max_tokens: int = 10_000) -> None:
        self._parts = parts
        self._inner = parts.validator
        self._ttl = ttl
        self._max = max_tokens
        self._lock = threading.Lock()
        self._verified: OrderedDict[str, tuple[Access, float]] = OrderedDict()

    async def authenticate(self, token: str, purpose: str | None = None) -> Access:
        now = time.time()
        with self._lock:
            hit = self._verified.get(token)
        if hit is not None and hit[1] > now:
            access = hit[0]
            self._still_valid(token, access)
            return self._inner.with_purpose(access, purpose)
        access = await self._inner.authenticate(token, purpose)
        keep_until = min(now + self._ttl, float(access.expires_at or now))
        if keep_until > now:
            with self._lock:
                self._verified[token] = (dataclasses.replace(access, purpose=None), keep_until)
                while len(self._verified) > self._max:
                    self._verified.popitem(last=False)
        return access

    def _still_valid(self, token: str, access: Access) -> None:
        """Revocation and client state may change at any time: look them up every time."""
        local = access.issuer == self._inner.issuer
        if self._parts.ledger.is_revoked(access.token_id) or (
                local and not self._parts.clients.is_enabled(access.client_id)):
            with self._lock:
                self._verified.pop(token, None)
            raise InvalidTokenError("token has been revoked or its client disabled", where="token",
                                    hint="obtain a new token")

    def __getattr__(self, name: str) -> object:
        # Anything else (issuer, policy, ...) is the wrapped validator's.
        return getattr(self._inner, name)
