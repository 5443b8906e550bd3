"""Request body size and a per-client token-bucket rate limit, as pure ASGI middleware.

Runs after the bearer-token middleware, so the bucket is the OAuth client's (anonymous
callers share one per address). A request over the limit gets 429 with ``Retry-After``
(seconds until a token is back); a body over the limit gets 413 before it is read whole.
Buckets live in the process: with N server workers a client may get up to N times the
rate, so set the rate per worker.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RateLimit", "Throttle", "TokenBucket"]


@dataclass(frozen=True)
class RateLimit:
    per_second: float = 50.0        # sustained requests per second per client
    burst: int = 100                # bucket size: requests allowed at once


class TokenBucket:
    """Thread-safe token buckets keyed by client."""

    def __init__(self, limit: RateLimit, *, clock: object = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit = limit
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def take(self, key: str) -> float:
        """0.0 when a request may go ahead, else the seconds to wait."""
        now = self._clock()  # type: ignore[operator]
        rate, burst = self.limit.per_second, float(self.limit.burst)
        with self._lock:
            tokens, last = self._state.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._state[key] = (tokens - 1.0, now)
                return 0.0
            self._state[key] = (tokens, now)
            if len(self._state) > self._max_keys:        # forget idle clients, keep memory bounded
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 60}
            return (1.0 - tokens) / rate


class _TooLarge(Exception):
    pass


class Throttle:
    """Wrap the GraphQL endpoint with the rate limit and the body-size limit."""

    def __init__(self, app: ASGIApp, *, limit: RateLimit | None, max_body: int) -> None:
        self.app = app
        self.bucket = TokenBucket(limit) if limit is not None else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.bucket is not None:
            access = scope.get("state", {}).get("access")
            client = scope.get("client") or ("?", 0)
            key = f"client:{access.client_id}" if access is not None else f"addr:{client[0]}"
            wait = self.bucket.take(key)
            if wait > 0:
                await _reply(send, 429, "RATE_LIMITED", "too many requests for this client",
                             {"retry-after": str(max(1, math.ceil(wait)))})
                return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit():
            if int(length) > self.max_body:
                await _reply(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_body} bytes", {})
                return
            if b"transfer-encoding" not in headers:
                # The server delivers no more than Content-Length bytes: nothing left to count.
                await self.app(scope, receive, send)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reply(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_body} bytes", {})


async def _reply(send: Send, status: int, code: str, message: str, headers: dict[str, str]) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           *((k.encode(), v.encode()) for k, v in headers.items())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
