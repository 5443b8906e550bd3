"""The caller (``me``) and audit entries (``accessHistory``)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.requirements import scoped
from schema.scopes import PUBLIC

__all__ = ["AuditEntry", "Client"]


@strawberry.type(description="The OAuth client behind this request.")
class Client:
    client_id: str = scoped(PUBLIC)
    agency: str = scoped(PUBLIC)
    profile: str = scoped(PUBLIC)
    scopes: list[str] = scoped(PUBLIC)
    regions: list[str] | None = scoped(PUBLIC, description="Kemendagri prefixes; null means national.")
    purpose: str | None = scoped(PUBLIC)


@strawberry.type(description="One access to a person's data, from the hash-chained audit log.")
class AuditEntry:
    seq: int = scoped(PUBLIC)
    time: datetime = scoped(PUBLIC)
    client_id: str = scoped(PUBLIC)
    agency: str = scoped(PUBLIC)
    purpose: str | None = scoped(PUBLIC)
    operation: str = scoped(PUBLIC)
    fields: list[str] = scoped(PUBLIC)
    outcome: str = scoped(PUBLIC)
    hash: str = scoped(PUBLIC)
