"""The root ``Mutation``: steward decisions and regional proposals."""

from __future__ import annotations

import strawberry

from schema.requirements import scoped
from schema.scopes import REVIEW

__all__ = ["Mutation"]


def _noop() -> bool:
    return True


@strawberry.type(description="Change the graph: decide review items, submit proposals.")
class Mutation:
    ping: bool | None = scoped(REVIEW, resolver=_noop)
