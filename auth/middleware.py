"""Pure ASGI middleware: a bearer token becomes ``request.state.access``.

Requests without a bearer token pass through with ``access = None``, so the
GraphQL layer decides what an anonymous caller gets (nothing personal). A token that does
not validate, or a purpose the client may not state, is answered here, with RFC 6750's
``WWW-Authenticate`` header, before the application sees the request.

Example:
    >>> mw = [Middleware(BearerAuthMiddleware, validator=v)]  # doctest: +SKIP
    >>> app = Starlette(routes=..., middleware=mw)           # doctest: +SKIP
    >>> # in an endpoint: access = request.state.access   (an auth.Access or None)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.access import Access
from auth.errors import InsufficientScopeError
from auth.validation import TokenValidator
from core.errors import HubError

__all__ = ["PURPOSE_HEADER", "BearerAuthMiddleware", "error_response", "requires_scope"]

PURPOSE_HEADER = "x-purpose"
_PURPOSE = PURPOSE_HEADER.encode()


class BearerAuthMiddleware:
    """Validate ``Authorization: Bearer`` and put the caller's :class:`Access` in ``scope["state"]``."""

    def __init__(self, app: ASGIApp, *, validator: TokenValidator, realm: str = "dtsen-hub") -> None:
        self.app = app
        self.validator = validator
        self.realm = realm

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        authorization, purpose = _auth_headers(scope["headers"])
        access: Access | None = None
        kind, _, token = (authorization or "").partition(" ")
        # Other schemes (Basic on the token endpoint) are not ours to judge: the caller is anonymous.
        if kind.lower() == "bearer":
            try:
                if not token.strip():
                    raise _InvalidRequest()
                access = await self.validator.authenticate(token.strip(), purpose or None)
            except HubError as exc:
                if scope["type"] == "websocket":
                    # Closing before accepting makes the server answer the handshake with 403.
                    await send({"type": "websocket.close", "code": 1008, "reason": exc.message[:120]})
                else:
                    await error_response(exc, self.realm)(scope, receive, send)
                return
        scope.setdefault("state", {})["access"] = access
        await self.app(scope, receive, send)


def _auth_headers(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """``Authorization`` and ``X-Purpose`` (the last of each, any case): only these two are decoded,
    not every header of every request."""
    authorization = purpose = None
    for key, value in headers:
        name = key.lower()
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == _PURPOSE:
            purpose = value.decode("latin-1")
    return authorization, purpose


class _InvalidRequest(HubError):
    code = "invalid_request"
    status = 401

    def __init__(self) -> None:
        super().__init__("the Authorization header has no bearer token", where="Authorization",
                         hint="send Authorization: Bearer <access token>")


def error_response(exc: HubError, realm: str = "dtsen-hub") -> Response:
    """The RFC 6750 answer to ``exc``: its status, a ``WWW-Authenticate`` header, the hub's JSON error."""
    if exc.status == 401:
        error = "invalid_request" if exc.code == "invalid_request" else "invalid_token"
    elif exc.status == 403:
        error = "insufficient_scope"
    else:
        error = "invalid_request"
    challenge = f'Bearer realm="{realm}", error="{error}", error_description="{_quote(exc.message)}"'
    scope = getattr(exc, "scope", None)
    if scope:
        challenge += f', scope="{scope}"'
    return JSONResponse({"error": error, "error_description": exc.message, **exc.to_dict()},
                        status_code=exc.status, headers={"WWW-Authenticate": challenge})


_Endpoint = Callable[[Request], Awaitable[Response]]


def requires_scope(scope: str) -> Callable[[_Endpoint], _Endpoint]:
    """Decorate a Starlette endpoint: 401 without a token, 403 ``insufficient_scope`` without ``scope``."""

    def decorate(endpoint: _Endpoint) -> _Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            access: Access | None = getattr(request.state, "access", None)
            if access is None:
                return JSONResponse({"error": "invalid_request", "code": "unauthorized", "status": 401,
                                     "message": "this endpoint needs a bearer token"},
                                    status_code=401, headers={"WWW-Authenticate": 'Bearer realm="dtsen-hub"'})
            if not access.has(scope):
                return error_response(InsufficientScopeError(
                    f"client {access.client_id!r} lacks scope {scope!r}", scope=scope, where="scope"))
            return await endpoint(request)

        return guarded

    return decorate


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "'")
