"""Look ahead from a root field and fetch what its nested fields will read, level by level.

A root resolver (``personByNik``, ``persons``, ``household`` ...) reads its own selection
in the parsed document and asks the store, once per level, for the households, members
and enrolments the nested fields will want. The nested resolvers then find their values in
:class:`Prefetched` and return them as plain values: graphql-core completes the whole tree
without creating a single awaitable, which costs several times less per field than
DataLoaders. Anything not fetched ahead (an unusual path, a fragment on another type) still
goes through the operation's DataLoaders, so correctness never depends on the look-ahead.

The look-ahead fetches only what the caller may read: a field is followed only when its
declared requirement (the same ``Requires`` that :class:`schema.requirements.RequireScopes`
enforces) allows the caller's scopes, and every store call runs under the caller's
visibility. ``@skip``/``@include`` are not evaluated: a skipped field may be fetched (it
is allowed anyway) but is never returned. Plans are cached per document node and scope set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode

from core.identity_cache import IdentityCache
from graph.views import EnrolmentView, HouseholdView, MemberView, PersonView, RecordView

if TYPE_CHECKING:
    from resolvers.context import RequestContext

__all__ = ["CONNECTION_PATHS", "HouseholdPlan", "PersonPlan", "Prefetched", "fetch_households",
           "fetch_persons", "plan_of"]

Allowed = Callable[[str, str], bool]


@dataclass(frozen=True, slots=True)
class HouseholdPlan:
    """What to fetch for households: ``members`` is the plan of the members' persons, or None."""

    members: PersonPlan | None = None


@dataclass(frozen=True, slots=True)
class PersonPlan:
    """What to fetch for persons."""

    household: HouseholdPlan | None = None
    enrolments: bool = False
    records: bool = False


@dataclass(slots=True)
class Prefetched:
    """One operation's values fetched ahead, keyed like the DataLoaders they stand in for."""

    households: dict[str, HouseholdView | None] = field(default_factory=dict)
    members: dict[str, list[MemberView]] = field(default_factory=dict)
    enrolments: dict[str, list[EnrolmentView]] = field(default_factory=dict)
    records: dict[str, list[RecordView]] = field(default_factory=dict)


Fragments = dict[str, FragmentDefinitionNode]


def _fields(nodes: Iterable[FieldNode], fragments: Fragments) -> dict[str, list[FieldNode]]:
    """Sub-fields of ``nodes`` by name, through fragments and inline fragments, aliases merged."""
    found: dict[str, list[FieldNode]] = {}
    stack = [s for n in nodes if n.selection_set is not None for s in n.selection_set.selections]
    while stack:
        selection = stack.pop()
        if isinstance(selection, FieldNode):
            found.setdefault(selection.name.value, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            stack.extend(selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:                  # validation already refused unknown fragments
                stack.extend(fragment.selection_set.selections)
    return found


def _person_plan(nodes: Sequence[FieldNode], fragments: Fragments,
                 allowed: Allowed) -> PersonPlan:
    sub = _fields(nodes, fragments)
    household = None
    if "household" in sub and allowed("Person", "household"):
        household = _household_plan(sub["household"], fragments, allowed)
    return PersonPlan(household=household,
                      enrolments="enrolments" in sub and allowed("Person", "enrolments"),
                      records="records" in sub and allowed("Person", "records"))


def _household_plan(nodes: Sequence[FieldNode], fragments: Fragments,
                    allowed: Allowed) -> HouseholdPlan:
    sub = _fields(nodes, fragments)
    if "members" not in sub or not allowed("Household", "members"):
        return HouseholdPlan()
    member = _fields(sub["members"], fragments)
    persons = member.get("person") if allowed("HouseholdMember", "person") else None
    return HouseholdPlan(members=_person_plan(persons, fragments, allowed) if persons else PersonPlan())


_PLANS: IdentityCache[PersonPlan | HouseholdPlan] = IdentityCache(maxsize=4096)


#: Where a connection's items sit below the connection field.
CONNECTION_PATHS: tuple[tuple[str, ...], ...] = (("nodes",), ("edges", "node"))


def plan_of(info: Any, kind: str, paths: tuple[tuple[str, ...], ...] = ((),)) -> Any:
    """The plan for the values a root field returns: ``kind`` is ``person`` or ``household``;
    ``paths`` lead from the field to them (:data:`CONNECTION_PATHS` for a connection)."""
    raw = info._raw_info
    nodes = raw.field_nodes
    scopes = info.context.scopes
    key = (kind, paths, scopes)
    hit = _PLANS.get(key, nodes[0])
    if hit is not None:
        return hit
    rules = info.schema.requirements

    def allowed(type_name: str, field_name: str) -> bool:
        rule = rules.get((type_name, field_name))
        return rule is None or rule.allows(scopes)

    fragments = raw.fragments
    targets: list[FieldNode] = []
    for path in paths:
        found: list[FieldNode] = list(nodes)
        for step in path:
            found = _fields(found, fragments).get(step, [])
        targets += found
    plan: PersonPlan | HouseholdPlan
    if kind == "person":
        plan = _person_plan(targets, fragments, allowed) if targets else PersonPlan()
    else:
        plan = _household_plan(targets, fragments, allowed) if targets else HouseholdPlan()
    _PLANS.put(plan, key, nodes[0])
    return plan


def fetch_persons(ctx: RequestContext, persons: Sequence[PersonView], plan: PersonPlan) -> None:
    """Fetch, one store call per kind, what ``plan`` says nested fields of ``persons`` will read."""
    if not persons:
        return
    store, visibility, cache = ctx.store, ctx.visibility, ctx.prefetched
    if plan.enrolments:
        _fill(cache.enrolments, [p.person_id for p in persons], store.enrolments_of_persons, visibility, list)
    if plan.records:
        _fill(cache.records, [p.person_id for p in persons], store.records_of_persons, visibility, list)
    if plan.household is not None:
        ids = [p.household_id for p in persons if p.household_id is not None]
        _fill(cache.households, ids, store.get_households, visibility, _none)
        households = [h for h in (cache.households[i] for i in dict.fromkeys(ids)) if h is not None]
        fetch_households(ctx, households, plan.household)


def fetch_households(ctx: RequestContext, households: Sequence[HouseholdView], plan: HouseholdPlan) -> None:
    """Fetch the members (and what their persons' fields need) of ``households``."""
    if not households or plan.members is None:
        return
    cache = ctx.prefetched
    ids = [h.household_id for h in households]
    _fill(cache.members, ids, ctx.store.members_of_households, ctx.visibility, list)
    fetch_persons(ctx, [m.person for i in dict.fromkeys(ids) for m in cache.members[i]], plan.members)


def _none() -> None:
    return None


def _fill(cache: dict[str, Any], ids: Iterable[str], batch: Callable[..., dict[str, Any]], visibility: Any,
          missing: Callable[[], Any]) -> None:
    """One store call for the ids not in ``cache`` yet; an id the store did not return gets ``missing()``."""
    wanted = [i for i in dict.fromkeys(ids) if i not in cache]
    if not wanted:
        return
    found = batch(wanted, visibility)
    for key in wanted:
        value = found.get(key)
        cache[key] = missing() if value is None else value
