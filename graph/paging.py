"""Keyset pagination shared by both stores: opaque cursors and page-size checks.

A cursor is the sort key of the last row a reader saw, as url-safe base64 of a
JSON list. Both stores sort every list the same way and use these helpers, so
a cursor means the same position on either store. Readers must treat it as
opaque; a malformed one is an :class:`~core.errors.InputError`, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence

from core.errors import InputError

__all__ = ["MAX_PAGE", "check_first", "decode_cursor", "encode_cursor"]

#: Largest page any list method returns.
MAX_PAGE = 1000


def encode_cursor(*key: str | int | float | None) -> str:
    """The cursor for a row whose sort key is ``key`` (e.g. ``(-priority, item_id)``)."""
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, types: Sequence[type]) -> tuple | None:
    """The sort key inside ``cursor``, checked against ``types``; ``None`` for no cursor.

    Example:
        >>> decode_cursor(encode_cursor(-0.9, "r1"), (float, str))
        (-0.9, 'r1')
    """
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"cursor {cursor[:40]!r} is not one this server issued", where="after",
                         hint="pass the endCursor of a previous page unchanged") from exc
    if not isinstance(key, list) or len(key) != len(types) or not all(
            isinstance(v, t) or (t is float and isinstance(v, int))
            for v, t in zip(key, types, strict=False)):
        raise InputError(f"cursor {cursor[:40]!r} does not fit this list", where="after",
                         hint="a cursor only works for the list that issued it")
    return tuple(float(v) if t is float else v for v, t in zip(key, types, strict=True))


def check_first(first: int) -> int:
    """``first`` itself when it is a sensible page size (1..MAX_PAGE), else InputError."""
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise InputError(f"page size first={first!r} must be between 1 and {MAX_PAGE}", where="first")
    return first
