"""A cache of verified bearer tokens in front of :class:`auth.TokenValidator`.

Verifying a token's ES256 signature and claims costs about a millisecond, more than
answering a typical GraphQL query. The outcome for one token string is fixed by its bytes
until it expires, so it is remembered for at most ``ttl`` seconds, never past the token's
``exp``. What can change meanwhile (the token's revocation, its client being disabled) is
looked up again at most every ``recheck`` seconds per token (``DTSEN_REVOCATION_DELAY``,
default 1 s; 0 looks up on every request), and at once after this process revoked a token or
changed a client. So a revocation or a disabled client takes effect at once in the worker
that made it and within ``recheck`` seconds in every other worker and after a change made by
the CLI. Under load this spares two SQLite queries per request: one per token per second
instead. Every request's stated purpose must be one of the token's; since those are fixed with
the token, the answer for each purpose is kept with it and refusals are never kept.

Example:
    >>> Middleware(BearerAuthMiddleware, validator=CachedValidator(parts, recheck=1.0))   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from auth import Access, AuthComponents, InvalidTokenError

__all__ = ["CachedValidator"]


class _Verified(NamedTuple):
    access: Access              # without a purpose: that is the request's
    keep_until: float           # the cache TTL or the token's exp, whichever comes first
    checked_at: float           # when revocation and client state were last looked up
    stamp: tuple[int, int]      # this process's revocation and client-change counts at that time
    by_purpose: dict[str | None, Access]   # ``access`` with each purpose stated so far (checked once)


class CachedValidator:
    """``authenticate(token, purpose)`` like :class:`auth.TokenValidator`, verifying each token once."""

    def __init__(self, parts: AuthComponents, *, ttl: float = 60.0, recheck: float = 1.0,
                 max_tokens: int = 10_000) -> None:
        self._parts = parts
        self._inner = parts.validator
        self._ttl = ttl
        self._recheck = recheck
        self._max = max_tokens
        self._lock = threading.Lock()
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    async def authenticate(self, token: str, purpose: str | None = None) -> Access:
        now = time.time()
        with self._lock:
            hit = self._verified.get(token)
        if hit is not None and hit.keep_until > now:
            stamp = self._stamp()
            if stamp != hit.stamp or now - hit.checked_at >= self._recheck:
                self._still_valid(token, hit.access)
                with self._lock:
                    if token in self._verified:
                        self._verified[token] = hit._replace(checked_at=now, stamp=stamp)
            found = hit.by_purpose.get(purpose)
            if found is None:
                # Only what passed is kept, so the keys are among the client's few purposes.
                found = hit.by_purpose[purpose] = self._inner.with_purpose(hit.access, purpose)
            return found
        stamp = self._stamp()            # before the lookups the validator makes
        access = await self._inner.authenticate(token, purpose)
        keep_until = min(now + self._ttl, float(access.expires_at or now))
        if keep_until > now:
            with self._lock:
                self._verified[token] = _Verified(dataclasses.replace(access, purpose=None), keep_until,
                                                  now, stamp, {})
                while len(self._verified) > self._max:
                    self._verified.popitem(last=False)
        return access

    def _stamp(self) -> tuple[int, int]:
        return self._parts.ledger.changes, self._parts.clients.changes

    def _still_valid(self, token: str, access: Access) -> None:
        """Revocation and client state may change at any time: look them up again."""
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
