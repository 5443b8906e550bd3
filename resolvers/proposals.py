"""``findPersons`` and ``submitProposal``: real-time matching for service points and Pemda.

A proposal is a household with its members, from a regional government, inside its own
regions. Each member is standardised as intake would, scored against everyone already
linked, and answered with: the person it matched (or ``new``), flags (invalid NIK, NIK
belonging to someone else, already enrolled in programs) and the household outcome. The
proposal is stored, and its records attached to the graph until the next linkage run reads
proposals as a source. Checks that look beyond the caller's regions (whose is this NIK?)
only ever answer with a flag, never with the other person's data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from strawberry.types import Info

from core.errors import ForbiddenError, InputError
from graph.model import DatasetRow, FieldGroup, HouseholdRow, PersonRow, RecordRow, Visibility
from graph.views import PersonView, ProposalRow
from resolvers.matching import standardise
from resolvers.records import Comparison

__all__ = ["Candidate", "MemberOutcome", "ProposalOutcome", "find_persons", "submit_proposal"]

#: Internal checks only (the owner of a NIK, a matched person's enrolments): never returned.
_NATIONAL = Visibility(None, frozenset({FieldGroup.IDENTITY, FieldGroup.NIK, FieldGroup.HOUSEHOLD,
                                        FieldGroup.PROGRAM}))
_REVIEW_FLOOR = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    person: PersonView
    probability: float
    match_weight: float
    explanation: list[Comparison]


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    index: int
    full_name: str | None
    outcome: str                         # matched, new, needs_review, known_outside_region
    person_id: str | None
    probability: float | None
    flags: list[str] = field(default_factory=list)
    enrolled_in: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProposalOutcome:
    proposal_id: str
    status: str
    household_outcome: str               # existing, new, mixed
    household_id: str | None
    members: list[MemberOutcome]


def _explain(candidate: Any) -> list[Comparison]:
    return [Comparison(c.name, c.level, c.match_weight) for c in candidate.explanation]


async def find_persons(info: Info, identity: dict[str, Any], first: int = 10) -> list[Candidate]:
    """Ranked people the typed-in identity may be; people outside the caller's regions are left out."""
    ctx = info.context
    if not 1 <= first <= ctx.config.max_page:
        raise InputError(f"first={first} is outside 1..{ctx.config.max_page}", where="first")
    values, _ = standardise(identity, "identity")
    matcher = await ctx.services.matcher.get()
    ranked = await anyio.to_thread.run_sync(lambda: matcher.candidates(values, first=first))
    visible = await ctx.call(ctx.store.get_persons, [c.person_id for c in ranked], ctx.visibility)
    ctx.saw_persons(visible)
    return [Candidate(visible[c.person_id], c.probability, c.match_weight, _explain(c))
            for c in ranked if c.person_id in visible]


async def submit_proposal(info: Info, household: dict[str, Any], members: list[dict[str, Any]],
                          programs: list[str]) -> ProposalOutcome:
    ctx = info.context
    village = str(household.get("village_code") or "")
    if not (village.isdigit() and len(village) == 10):
        raise InputError(f"village code {village!r} is not 10 digits", where="input.villageCode",
                         hint="use the 10-digit Kemendagri village code, without dots")
    if not ctx.access.in_region(village):
        raise ForbiddenError(f"village {village} is outside the regions of client {ctx.client_id!r}",
                             where="input.villageCode", hint="propose inside your regions")
    if not members:
        raise InputError("a proposal needs at least one member", where="input.members")
    shared = {"village_code": village, "kk": household.get("kk"), "address": household.get("address")}
    standardised = [standardise({**shared, **m}, f"input.members[{i}]") for i, m in enumerate(members)]
    values = [v for v, _ in standardised]
    matcher = await ctx.services.matcher.get()
    ranked = await anyio.to_thread.run_sync(lambda: matcher.candidates_many(values, first=3))
    outcomes = []
    for i, (raw, (canon, flags), cands) in enumerate(zip(members, standardised, ranked, strict=True)):
        outcomes.append(await _member(ctx, i, raw, canon, flags, cands, matcher.best(cands)))
    homes = {c[0].household_id for c, o in zip(ranked, outcomes, strict=True)
             if o.outcome in ("matched", "known_outside_region") and c}
    household_outcome = "new" if not homes else ("existing" if len(homes) == 1 else "mixed")
    household_id = next(iter(homes)) if household_outcome == "existing" else None
    doubtful = household_outcome == "mixed" or any(o.outcome == "needs_review" for o in outcomes)
    status = ("matched" if all(o.outcome == "matched" for o in outcomes) else
              "needs_review" if doubtful else "new_person")
    proposal_id = f"PR{uuid.uuid4().hex[:16]}"
    result = ProposalOutcome(proposal_id, status, household_outcome, household_id, outcomes)
    await ctx.call(_store, ctx, proposal_id, village, household, members, values, programs, result)
    return result


async def _member(ctx: Any, index: int, raw: dict[str, Any], canon: dict[str, Any], intake_flags: list[str],
                  cands: list[Any], best: Any) -> MemberOutcome:
    flags: list[str] = [f for f in intake_flags if f != "nik_missing"]
    if raw.get("nik") and (not canon.get("nik") or canon.get("nik_valid") is False):
        flags.append("invalid_nik")
    if canon.get("nik"):
        owner = await ctx.call(ctx.store.get_person_by_nik, canon["nik"], _NATIONAL)
        if owner is not None and (best is None or owner.person_id != best.person_id):
            flags.append("nik_of_another")
    enrolled: list[str] = []
    if best is not None:
        found = await ctx.call(ctx.store.enrolments_of_persons, [best.person_id], _NATIONAL)
        enrolled = sorted({e.program for e in found.get(best.person_id, [])})
        if enrolled:
            flags.append("already_enrolled")
        visible = await ctx.call(ctx.store.get_persons, [best.person_id], ctx.visibility)
        if best.person_id not in visible:
            return MemberOutcome(index, canon.get("full_name"), "known_outside_region", None,
                                 best.probability, [*flags, "known_outside_region"], enrolled)
        ctx.saw_persons((best.person_id,))
        return MemberOutcome(index, canon.get("full_name"), "matched", best.person_id, best.probability,
                             flags, enrolled)
    top = cands[0].probability if cands else None
    outcome = "needs_review" if top is not None and top >= _REVIEW_FLOOR else "new"
    return MemberOutcome(index, canon.get("full_name"), outcome, None, top, flags, [])


def _store(ctx: Any, proposal_id: str, village: str, household: dict[str, Any], members: list[dict[str, Any]],
           values: list[dict[str, Any]], programs: list[str], result: ProposalOutcome) -> None:
    """Keep the proposal, and attach its records so the next real-time match already sees them."""
    store, access = ctx.store, ctx.access
    store.save_proposal(ProposalRow(
        proposal_id, access.client_id, village, datetime.now(UTC), result.status,
        payload={"household": household, "members": members, "programs": programs},
        result={"household_outcome": result.household_outcome, "household_id": result.household_id,
                "members": [_as_dict(o) for o in result.members]}))
    dataset = DatasetRow("proposals", access.agency, None, False)
    new_home = None if result.household_id else HouseholdRow(f"HN{proposal_id}", household.get("kk"), village,
                                                             household.get("address"))
    home_id = result.household_id or (new_home.household_id if new_home else None)
    for outcome, canon in zip(result.members, values, strict=True):
        key = f"proposals:{proposal_id}-{outcome.index}"
        person_id = outcome.person_id or f"PN{proposal_id}-{outcome.index}"
        record = RecordRow(key, "proposals", f"{proposal_id}-{outcome.index}", person_id, None,
                           canon.get("nik"), canon.get("kk"), canon.get("full_name"), canon.get("birth_date"),
                           canon.get("birth_place"), canon.get("sex"), canon.get("mother_name"),
                           canon.get("relationship"), canon.get("address"), village, canon.get("phone"),
                           flags=list(outcome.flags))
        person = None if outcome.person_id else PersonRow(
            person_id, home_id, canon.get("relationship"), canon.get("nik"), canon.get("full_name"),
            canon.get("birth_date"), canon.get("sex"), canon.get("birth_place"), canon.get("mother_name"),
            canon.get("address"), canon.get("phone"), village)
        store.attach_record(record, person=person, household=new_home if person else None, dataset=dataset)


def _as_dict(outcome: MemberOutcome) -> dict[str, Any]:
    return {f: getattr(outcome, f) for f in MemberOutcome.__slots__}  # type: ignore[attr-defined]
