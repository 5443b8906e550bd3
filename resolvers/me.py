"""``me`` and ``accessHistory``: the caller's own identity, and who saw a person's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from core.errors import NotFoundError
from resolvers.paging import Slice, check_page_size, slice_from_list

__all__ = ["AuditRecord", "ClientInfo", "access_history", "me"]


@dataclass(frozen=True, slots=True)
class ClientInfo:
    client_id: str
    agency: str
    profile: str
    scopes: list[str]
    regions: list[str] | None
    purpose: str | None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    time: datetime
    client_id: str
    agency: str
    purpose: str | None
    operation: str
    fields: list[str]
    outcome: str
    hash: str


def me(info: Info) -> ClientInfo:
    a = info.context.access
    return ClientInfo(a.client_id, a.agency, a.profile, sorted(a.scopes),
                      list(a.regions) if a.regions is not None else None, a.purpose)


async def access_history(info: Info, person_id: strawberry.ID, first: int | None = None,
                         after: str | None = None) -> Slice[AuditRecord]:
    """Who accessed this person's data, newest first. The person must be visible to the caller."""
    ctx = info.context
    size = check_page_size(first, ctx.config.max_page, default=20)
    if ctx.services.audit_log is None:
        raise NotFoundError("this server keeps no audit log", where="accessHistory")
    visible = await ctx.loaders.persons.load(person_id)
    if visible is None:
        return slice_from_list([], lambda r: "", False)
    page = await ctx.call(ctx.services.audit_log.history, person_id, first=size, after=after)
    cursors = {e.seq: e.cursor for e in page.entries}
    rows = [AuditRecord(e.seq, datetime.fromtimestamp(e.entry.time, UTC), e.entry.client_id, e.entry.agency,
                        e.entry.purpose, e.entry.operation, list(e.entry.fields), e.entry.outcome, e.hash)
            for e in page.entries]
    return slice_from_list(rows, lambda r: cursors[r.seq], page.has_next_page)
