"""Small types shared by every package: the error tree.

Everything else in the hub imports from here; this package imports nothing of ours.
"""

from core.errors import (
    ConfigError,
    ConflictError,
    ForbiddenError,
    HubError,
    InputError,
    NotFoundError,
)

__all__ = ["ConfigError", "ConflictError", "ForbiddenError", "HubError", "InputError", "NotFoundError"]
