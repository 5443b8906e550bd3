"""One exception tree for the whole hub.

Each class carries a machine-readable ``code`` and the HTTP status a web layer
should answer with, so the CLI, the API and the logs all describe a failure the
same way. Messages name the rule, the bad value and where it was; ``hint`` says
what to do about it when we know.
"""

from __future__ import annotations

__all__ = ["ConfigError", "ConflictError", "ForbiddenError", "HubError", "InputError", "NotFoundError"]


class HubError(Exception):
    """Root of every error the hub raises on purpose."""

    code: str = "internal"
    status: int = 500

    def __init__(self, message: str, *, hint: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.where = where

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, str | int | None]:
        """The one JSON shape every error takes on the wire and in reports."""
        return {"code": self.code, "status": self.status, "message": self.message,
                "where": self.where, "hint": self.hint}


class ConfigError(HubError):
    """A settings value, sources file or model file is malformed."""

    code = "config"
    status = 500


class InputError(HubError):
    """A caller or a data file gave something the hub cannot accept."""

    code = "bad_input"
    status = 400


class NotFoundError(HubError):
    code = "not_found"
    status = 404


class ForbiddenError(HubError):
    code = "FORBIDDEN"
    status = 403


class ConflictError(HubError):
    """Someone else changed the thing first (e.g. two stewards deciding one item)."""

    code = "conflict"
    status = 409
