"""The planned executor (``schema.executor``) answers exactly as graphql-core's does.

Every operation below runs twice on the same schema, store and caller: once from the plan,
once through graphql-core's ``execute``. Data, errors (message, path, locations,
extensions) and the people and households recorded for the audit entry must be identical.
The operations select every field of every type (to a depth), for every profile (so denied
fields, masked values and region scoping are all compared), with aliases, fragments, inline
fragments, ``__typename``, variables, bad input and errors; each runs with inline store
calls (embedded) and with store calls in worker threads (as on Neo4j), where resolvers
return awaitables.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import pytest
import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, parse

from graph import open_store
from resolvers.context import ApiConfig, RequestContext, Services
from schema import executor
from schema._lean import attribute_read, install_lean_resolvers
from schema.executor import plan_of
from schema.limits import Limits, limit_extensions
from schema.requirements import PUBLIC, scoped
from schema.visibility import SchemaRegistry
from tests.api._data import publication
from tests.api._operations import ACCESS, access, operations


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Services]]:
    path: Path = tmp_path_factory.mktemp("executor")
    store = open_store(str(path / "graph.sqlite"))
    store.publish(publication())
    try:
        yield {"inline": Services(store, None, ApiConfig(audit=False)),
               "threads": Services(store, None, ApiConfig(audit=False, offload=True))}
    finally:
        store.close()


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry(limit_extensions(Limits()))


def _run(registry: SchemaRegistry, services: Services, who: str, query: str, variables: Any,
         core: bool) -> tuple[Any, list[dict[str, Any]], list[str], list[str]]:
    schema = registry.full
    operation = variables if isinstance(variables, str) else None
    ctx = RequestContext(services, access(who))
    if core:
        schema._get_execute_function = lambda: graphql.execute  # type: ignore[method-assign]
    try:
        result = asyncio.run(schema.execute(query, variable_values=None if operation else variables,
                                            context_value=ctx, operation_name=operation))
    finally:
        schema.__dict__.pop("_get_execute_function", None)
    errors = [e.formatted for e in result.errors or []]
    return result.data, errors, sorted(ctx.person_ids), sorted(ctx.household_ids)


@pytest.mark.parametrize("calls", ["inline", "threads"])
@pytest.mark.parametrize("who", sorted(ACCESS))
def test_planned_answers_equal_graphql_cores(registry: SchemaRegistry, services: dict[str, Services],
                                             who: str, calls: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fell_back: list[str] = []

    def graphql_core(schema: Any, document: Any, *args: Any, **kwargs: Any) -> Any:
        fell_back.append(graphql.print_ast(document))
        return graphql.execute(schema, document, *args, **kwargs)

    monkeypatch.setattr(executor, "graphql_execute", graphql_core)
    for query, variables in operations(registry.full._schema):
        planned = _run(registry, services[calls], who, query, variables, core=False)
        core = _run(registry, services[calls], who, query, variables, core=True)
        if calls == "threads":
            # Awaited fields finish in the order their threads do, in either executor; GraphQL
            # gives errors no order, so compare them as a set.
            planned, core = (_errors_sorted(planned), _errors_sorted(core))
        assert planned == core, query
    # Only the @include operation went to graphql-core on the planned side; the rest were planned.
    assert len(fell_back) == 1 and "@include" in fell_back[0], fell_back


def _errors_sorted(answer: tuple[Any, list[dict[str, Any]], list[str], list[str]]) -> tuple[Any, ...]:
    data, errors, persons, households = answer
    return data, sorted(errors, key=repr), persons, households


def test_the_hubs_operations_are_planned_and_directives_are_not(registry: SchemaRegistry) -> None:
    """The comparison above must be of the planned path: every operation but the @include one
    (and the one whose variables fail) is planned; a mutation never is."""
    schema = registry.full._schema
    for query, variables in operations(schema):
        document = parse(query)
        name = variables if isinstance(variables, str) else None
        assert (plan_of(schema, document, name) is None) == ("@include" in query), query
    assert plan_of(schema, parse('mutation { decideReview(itemId: "x", decision: "same") { id } }'),
                   None) is None


# --- error handling, on a small schema whose resolvers fail where asked ---------------------------

FAULTS_SDL = """
type Query {
  item: Item  strict: Item!  items: [Item!]  strictItems: [Item!]!  looseItems: [Item]  later: Item
}
type Item {
  id: ID!  name: String  boom: String  strictBoom: String!  nothing: String!  child: Item  strictChild: Item!
  children: [Item]  strictChildren: [Item!]  tags: [String!]  looseTags: [String]  laterName: String
  laterBoom: String!  laterSoftBoom: String  odd: String  oddId: ID  oddFlag: Boolean
}
"""


class Boom(Exception):
    pass


def faults_schema() -> GraphQLSchema:
    schema = graphql.build_schema(FAULTS_SDL)

    def item(n: int) -> dict[str, Any]:
        return {"id": str(n), "name": None if n == 2 else f"item {n}", "n": n}

    def fail(_source: Any, _info: Any) -> Any:
        raise Boom("it broke")

    async def later(source: Any, _info: Any) -> Any:
        await asyncio.sleep(0)
        return item(9) if source is None else source["name"]

    async def later_boom(_source: Any, _info: Any) -> Any:
        await asyncio.sleep(0)
        raise Boom("it broke later")

    query, item_type = schema.query_type, schema.type_map["Item"]
    assert query is not None and isinstance(item_type, GraphQLObjectType)
    resolvers = {
        (query, "item"): lambda _s, _i: item(1), (query, "strict"): lambda _s, _i: item(1),
        (query, "items"): lambda _s, _i: [item(n) for n in range(1, 4)],
        (query, "strictItems"): lambda _s, _i: [item(n) for n in range(1, 4)],
        (query, "looseItems"): lambda _s, _i: [item(1), None, item(3)],
        (query, "later"): later,
        (item_type, "id"): lambda s, _i: s["id"], (item_type, "name"): lambda s, _i: s["name"],
        (item_type, "boom"): fail, (item_type, "strictBoom"): fail,
        (item_type, "nothing"): lambda _s, _i: None,
        (item_type, "child"): lambda s, _i: item(s["n"] + 1),
        (item_type, "strictChild"): lambda s, _i: item(2),
        (item_type, "children"): lambda s, _i: [item(1), item(2)],
        (item_type, "strictChildren"): lambda s, _i: [item(1), item(2)],
        (item_type, "tags"): lambda s, _i: ["a", None] if s["n"] == 2 else ["a"],
        (item_type, "looseTags"): lambda s, _i: ["a", None, 3],
        (item_type, "laterName"): later, (item_type, "laterBoom"): later_boom,
        (item_type, "laterSoftBoom"): later_boom,
        # values of the wrong type for the scalar: coerced for item 1, refused for items 2 and 3
        (item_type, "odd"): lambda s, _i: {1: 5, 2: [1], 3: {"a": 1}}[s["n"]],
        (item_type, "oddId"): lambda s, _i: {1: 7, 2: True, 3: 2.5}[s["n"]],
        (item_type, "oddFlag"): lambda s, _i: {1: 0, 2: "yes", 3: None}[s["n"]],
    }
    for (parent, name), resolve in resolvers.items():
        parent.fields[name].resolve = resolve
    return schema


FAULTS = [
    "{ item { id name boom } }",                                     # a nullable field fails
    "{ item { id strictBoom } }",                                    # a non-null one: its parent is null
    "{ strict { id strictBoom } }",                                  # ... up to the root: data is null
    "{ item { nothing } other: item { id } }",                       # null for non-null, sibling kept
    "{ items { id name strictBoom } }",                              # in a list of non-null items
    "{ looseItems { id nothing } }",                                 # list of nullable items
    "{ strictItems { strictBoom } item { id } }",                    # non-null list: up to the root
    "{ item { child { child { strictChild { strictBoom } } } } }",   # several levels up
    "{ item { strictChildren { strictBoom boom } children { nothing boom } } }",  # errors under a nulled one
    "{ items { tags looseTags } }",                                  # a null item in a non-null list
    "{ a: item { ...F } b: items { ...F } } fragment F on Item { id boom ... on Item { strictBoom } }",
    "{ later { id laterName laterBoom } items { laterName } }",      # awaited resolvers and their errors
    "{ item { laterName child { laterBoom } } strict { laterBoom } }",
    # an awaited sibling still running when a non-null error nulls the parent: its error is dropped
    "{ item { laterSoftBoom strictBoom } items { laterSoftBoom laterName strictBoom } }",
    "{ looseItems { laterSoftBoom } strictItems { laterSoftBoom child { laterBoom } } }",
    "{ items { odd } strict { oddId oddFlag } looseItems { oddId oddFlag } }",
]


@pytest.mark.parametrize("query", FAULTS)
def test_errors_are_located_and_propagate_as_graphql_core_does(query: str) -> None:
    schema = faults_schema()
    document = parse(query)
    assert plan_of(schema, document, None) is not None

    def answer(execute: Any) -> tuple[Any, list[dict[str, Any]]]:
        async def run() -> Any:
            result = execute(schema, document, is_awaitable=inspect.isawaitable)
            result = await result if inspect.isawaitable(result) else result
            await asyncio.sleep(0.01)           # what was left running may still add errors
            return result

        result = asyncio.run(run())
        return result.data, sorted((e.formatted for e in result.errors or []), key=repr)

    assert answer(executor.execute) == answer(graphql.execute)


# --- lean attribute reads, which the executor does itself (schema._lean.AttributeRead) -------------


class Source:
    """An object whose attributes come from ``values``; every read is logged, and a ``Boom`` raises."""

    def __init__(self, log: list[str], **values: Any) -> None:
        self._log = log
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._log.append(name)
        try:
            value = self._values[name]
        except KeyError:
            raise AttributeError(name) from None
        if value is Boom:
            raise Boom(f"{name} broke")
        return value


SECRET = [["secret:read"]]


@strawberry.type
class Thing:
    thing_id: strawberry.ID = scoped(PUBLIC, name="id")
    name: str | None = scoped(PUBLIC)
    strict_name: str = scoped(PUBLIC)
    flag: bool | None = scoped(PUBLIC)
    count: int | None = scoped(PUBLIC)
    tags: list[str] | None = scoped(PUBLIC)
    secret: str | None = scoped(SECRET)
    strict_secret: str = scoped(SECRET)
    child: Thing | None = scoped(PUBLIC)
    secret_child: Thing | None = scoped(SECRET)


#: Per thing: what each field's attribute holds (defaults below), including values of the wrong type.
THINGS: list[dict[str, Any]] = [
    {},
    {"thing_id": 7, "name": 5, "flag": 1, "count": True, "tags": ["a", 1]},   # coerced, not refused
    {"thing_id": True, "name": [1], "flag": "yes", "count": 2**40},            # refused by the scalars
    {"name": Boom, "strict_name": None},                                       # a raise; null for non-null
    {"name": ValueError("returned, not raised"), "tags": ["a", None], "child": "not an object"},
    {"strict_name": Boom, "secret": Boom, "child": None},
]
_DEFAULTS = {"thing_id": "1", "name": "a", "strict_name": "s", "flag": True, "count": 3, "tags": ["t"],
             "secret": "x", "strict_secret": "y"}


def _thing(log: list[str], depth: int, **values: Any) -> Source:
    child = _thing(log, depth - 1) if depth else None
    return Source(log, **{**_DEFAULTS, "child": child, "secret_child": child, **values})


@strawberry.type
class Things:
    things: list[Thing | None] = scoped(PUBLIC, resolver=lambda: [_thing(_READS, 1, **v) for v in THINGS])
    one: Thing | None = scoped(PUBLIC, resolver=lambda: _thing(_READS, 1))


_READS: list[str] = []

LEAN_QUERIES = [
    "{ things { id name strictName flag count tags } }",
    "{ things { name flag count tags } }",
    "{ things { label: name named: strictName } }",                # an error's path has the alias
    "{ things { id name child { id name strictName } } }",
    "{ one { secret strictSecret secretChild { id } } things { name secret } }",
    "{ things { strictSecret } one { id } }",
    "{ one { child { strictName secret } } things { child { id secret } } }",
]


@dataclass
class Caller:
    scopes: frozenset[str]
    client_id: str = "tester"


@pytest.mark.parametrize("scopes", [frozenset(), frozenset({"secret:read"})], ids=["denied", "allowed"])
@pytest.mark.parametrize("query", LEAN_QUERIES)
def test_lean_attribute_reads_answer_and_deny_as_graphql_core_does(query: str,
                                                                   scopes: frozenset[str]) -> None:
    built = strawberry.Schema(query=Things)
    assert install_lean_resolvers(built) > 0
    schema = built._schema
    assert attribute_read(schema.type_map["Thing"].fields["secret"].resolve) is not None
    document = parse(query)
    assert plan_of(schema, document, None) is not None

    def answer(execute: Any) -> tuple[Any, list[dict[str, Any]], list[str]]:
        _READS.clear()
        result = execute(schema, document, context_value=Caller(scopes), is_awaitable=inspect.isawaitable)
        errors = sorted((e.formatted for e in result.errors or []), key=repr)
        return result.data, errors, list(_READS)

    planned = answer(executor.execute)
    assert planned == answer(graphql.execute)
    if not scopes:         # a denied field's attribute is never read
        assert not {"secret", "strict_secret", "secret_child"} & set(planned[2])
