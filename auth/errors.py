"""The auth errors, in the hub's one exception tree, each knowing its RFC 6750 answer.

Resource-side failures carry the ``error`` code RFC 6750 defines (``invalid_token``,
``insufficient_scope``, ``invalid_request``) so the middleware can write the
``WWW-Authenticate`` header from the exception alone.
"""

from __future__ import annotations

from core.errors import ForbiddenError, HubError

__all__ = ["InsufficientScopeError", "InvalidTokenError", "MissingPurposeError", "PurposeError"]


class InvalidTokenError(HubError):
    """The bearer token is malformed, expired, revoked, badly signed or not meant for us (401)."""

    code = "invalid_token"
    status = 401


class InsufficientScopeError(ForbiddenError):
    """The token is valid but does not grant what the request needs (403)."""

    code = "insufficient_scope"
    status = 403

    def __init__(self, message: str, *, scope: str | None = None, hint: str | None = None,
                 where: str | None = None) -> None:
        super().__init__(message, hint=hint, where=where)
        self.scope = scope


class PurposeError(HubError):
    """The stated purpose (``X-Purpose``) is missing where required, or not allowed for the client."""

    code = "invalid_purpose"
    status = 403


class MissingPurposeError(PurposeError):
    """The client may state several purposes and stated none (400)."""

    code = "purpose_required"
    status = 400
