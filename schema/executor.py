"""GraphQL execution from a plan compiled once per document, instead of graphql-core's walk per request.

graphql-core's executor re-derives, for every request, what the document already fixes: which
fields each selection set groups under each response key, each field's definition, resolver
and return type, and how to complete that type. For the hub's typical operation (one
``personByNik`` with its household, members and enrolments: 30 fields) that bookkeeping cost
more than the store reads and the resolvers together. This module does it once per parsed
document (strawberry's ``ParserCache`` hands back the same document object for the same text)
and keeps a plan: a tree of the fields to resolve and the completion of each, which a request
then runs with its own variables, context and sources.

What stays the same, by construction:

* Every field is resolved by the resolver graphql-core would call (``GraphQLField.resolve``),
  with an ``info`` of strawberry's kind, so each field's scope check
  (:class:`schema.requirements.RequireScopes` and its lean ``guard``) runs as before: denial
  is still one mechanism, and a denied field's resolver still never runs.
* Arguments and variables are coerced by graphql-core's own ``get_argument_values`` and
  ``get_variable_values``; scalars and enums are serialised by their types; errors are
  located the same way, null propagates to the nearest nullable field, and errors under a
  nulled position are dropped, as graphql-core does.
* Awaitable results (the Neo4j store resolves in worker threads) are gathered per selection
  set and per list, as graphql-core does, so DataLoaders still batch.

Most of the hub's fields are lean resolvers that only read an attribute behind a scope check
(``schema._lean.AttributeRead``). For those the executor asks the same check
(:meth:`RequireScopes.allows <schema.requirements.RequireScopes.allows>`) and reads the
attribute itself: the ``Info`` only that resolver would see is never built. A denied field
takes the ordinary path, so its resolver raises the FORBIDDEN error as before. A String, ID or
Boolean leaf whose value is already a ``str`` or ``bool`` is returned as is (its scalar's
coercion is the identity there), and a leaf's response path is built only for an error.

A document is planned only when that is plainly equivalent: one query operation with no
directives (``@skip``/``@include`` depend on variables), no fragment variables, and no
interface or union types. Anything else, and any request with resolver middleware, goes to
graphql-core's ``execute`` unchanged; ``tests/api/test_executor.py`` runs the same operations
through both and compares the answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    default_field_resolver,
    is_leaf_type,
    located_error,
)
from graphql import (
    execute as graphql_execute,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path, Undefined, gather_with_cancel, inspect, is_iterable
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_string
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo as Info

from core.identity_cache import IdentityCache
from schema._lean import attribute_read

__all__ = ["execute", "execute_plan", "plan_of"]

Complete = Callable[[Any, "Planned", Any, Path, "Run"], Any]


@dataclass(slots=True)
class Planned:
    """One response key of a selection set: the field to resolve and how to complete its value."""

    key: str
    name: str
    nodes: list[FieldNode]
    definition: GraphQLField | None           # None for __typename
    parent: GraphQLObjectType
    resolve: Callable[..., Any]
    has_args: bool
    non_null: bool
    complete: Complete = field(repr=False, default=None)  # type: ignore[assignment]
    #: For a lean attribute read whose completion needs no ``Info``: the attribute the resolver reads,
    attribute: str | None = None
    #: ... and its scope check (None: public).
    allows: Callable[[frozenset[str]], bool] | None = field(repr=False, default=None)
    #: For a leaf: the Python type whose values its scalar outputs unchanged, if there is one.
    unchanged: type | None = None


@dataclass(slots=True)
class Plan:
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root: GraphQLObjectType
    fields: list[Planned]


@dataclass(slots=True)
class Run:
    """One request's execution state: its variables, context and collected errors."""

    plan: Plan
    schema: GraphQLSchema
    root_value: Any
    context: Any
    variables: Any                         # graphql-core's VariableValues
    is_awaitable: Callable[[Any], bool]
    extensions: dict[str, Any] | None
    errors: list[GraphQLError] = field(default_factory=list)
    nulled: set[Path | None] = field(default_factory=set)

    def info(self, planned: Planned, path: Path) -> Any:
        plan = self.plan
        return Info(planned.name, planned.nodes, planned.definition.type if planned.definition else None,
                    planned.parent, path, self.schema, plan.fragments, self.root_value, plan.operation,
                    self.variables.coerced, self.context, self.is_awaitable, None, None, self.extensions)

    def field_error(self, raw: Exception, non_null: bool, nodes: list[FieldNode], path: Path) -> None:
        """Raise (to null the parent) for a non-null position, else record the error once."""
        error = located_error(raw, nodes, path.as_list())
        if non_null:
            raise error
        self.add_error(error, path)

    def add_error(self, error: GraphQLError, path: Path | None) -> None:
        position: Path | None = path
        while position is not None:
            if position in self.nulled:
                return
            position = position.prev
        self.nulled.add(path)
        self.errors.append(error)


# --- running a plan ------------------------------------------------------------------------------


#: Types none of whose values is awaitable, whatever ``is_awaitable`` the request uses.
_PLAIN = frozenset({str, int, bool, float, type(None), list, dict})


def _execute_fields(fields: list[Planned], source: Any, path: Path | None, run: Run) -> Any:
    out: dict[str, Any] = {}
    pending: list[str] | None = None
    try:
        for planned in fields:
            value = _execute_field(planned, source, path, run)
            out[planned.key] = value
            if type(value) not in _PLAIN and run.is_awaitable(value):
                (pending := pending if pending is not None else []).append(planned.key)
    except Exception:
        if pending:
            _settle_in_background([out[k] for k in pending])
        raise
    if pending is None:
        return out
    return _gather_object(out, pending)


_BACKGROUND: set[Any] = set()


def _settle_in_background(awaitables: list[Any]) -> None:
    """Let siblings of a field whose error nulled their parent finish, as graphql-core does.

    Their errors then meet the nulled position and are dropped, and no coroutine is left
    never awaited.
    """
    future = asyncio.gather(*awaitables, return_exceptions=True)
    _BACKGROUND.add(future)
    future.add_done_callback(_BACKGROUND.discard)


async def _gather_object(out: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    values = await gather_with_cancel(*(out[k] for k in keys))
    for key, value in zip(keys, values, strict=True):
        out[key] = value
    return out


def _execute_field(planned: Planned, source: Any, parent_path: Path | None, run: Run) -> Any:
    if planned.attribute is not None:
        value = _read_field(planned, planned.attribute, source, parent_path, run)
        if value is not _DENIED:
            return value
    path = Path(parent_path, planned.key, planned.parent.name)
    if planned.definition is None:                      # __typename
        return planned.parent.name
    info = run.info(planned, path)
    try:
        args = (get_argument_values(planned.definition, planned.nodes[0], run.variables)
                if planned.has_args else {})
        result = planned.resolve(source, info, **args)
        if type(result) is planned.unchanged:
            return result
        if run.is_awaitable(result):
            return _await_field(planned, info, path, result, run)
        completed = planned.complete(result, planned, info, path, run)
        if run.is_awaitable(completed):
            return _await_completed(planned, path, completed, run)
        return completed
    except Exception as raw:
        run.field_error(raw, planned.non_null, planned.nodes, path)
        return None


_DENIED = object()


def _read_field(planned: Planned, attribute: str, source: Any, parent_path: Path | None, run: Run) -> Any:
    """What the lean resolver reading ``attribute`` and then completion give, or _DENIED.

    Completion here needs no ``Info`` (planning made sure); a denied field is left to the
    ordinary path, where the resolver raises the FORBIDDEN error.
    """
    try:
        allows = planned.allows
        if allows is not None and not allows(run.context.scopes):
            return _DENIED
        value = getattr(source, attribute)
        if type(value) is planned.unchanged:
            return value
        path = Path(parent_path, planned.key, planned.parent.name)
        completed = planned.complete(value, planned, None, path, run)
        if run.is_awaitable(completed):
            return _await_completed(planned, path, completed, run)
        return completed
    except Exception as raw:
        path = Path(parent_path, planned.key, planned.parent.name)
        run.field_error(raw, planned.non_null, planned.nodes, path)
        return None


async def _await_field(planned: Planned, info: Any, path: Path, result: Any, run: Run) -> Any:
    try:
        completed = planned.complete(await result, planned, info, path, run)
        if run.is_awaitable(completed):
            return await completed
        return completed
    except Exception as raw:
        run.field_error(raw, planned.non_null, planned.nodes, path)
        return None


async def _await_completed(planned: Planned, path: Path, completed: Any, run: Run) -> Any:
    try:
        return await completed
    except Exception as raw:
        run.field_error(raw, planned.non_null, planned.nodes, path)
        return None


# --- completions, built once per field from its return type --------------------------------------


def _completion(return_type: Any, sub_fields: Callable[[GraphQLObjectType], list[Planned]]) -> Complete:
    if isinstance(return_type, GraphQLNonNull):
        inner = _completion(return_type.of_type, sub_fields)

        def non_null(value: Any, planned: Planned, info: Any, path: Path, run: Run) -> Any:
            completed = inner(value, planned, info, path, run)
            if completed is None:       # an awaitable here completes an object: never None
                raise TypeError(f"Cannot return null for non-nullable field {planned.parent}.{planned.name}.")
            return completed

        return non_null
    if isinstance(return_type, GraphQLList):
        return _list_completion(return_type.of_type, sub_fields)
    if is_leaf_type(return_type):
        coerce = return_type.coerce_output_value

        def leaf(value: Any, planned: Planned, info: Any, path: Path, run: Run) -> Any:
            if _absent(value):
                return None
            coerced = coerce(value)
            if coerced is Undefined or coerced is None:
                raise TypeError(f"Expected `{inspect(return_type)}.coerce_output_value({inspect(value)})` to "
                                f"return non-nullable value, returned: {inspect(coerced)}")
            return coerced

        return leaf
    assert isinstance(return_type, GraphQLObjectType)       # planning refuses abstract types
    object_type = return_type
    fields = sub_fields(object_type)
    is_type_of = object_type.is_type_of

    def obj(value: Any, planned: Planned, info: Any, path: Path, run: Run) -> Any:
        if _absent(value):
            return None
        if is_type_of is not None and not is_type_of(value, info):
            raise GraphQLError(f"Expected value of type '{object_type.name}' but got: {inspect(value)}.",
                               planned.nodes)
        return _execute_fields(fields, value, path, run)

    return obj


def _list_completion(item_type: Any, sub_fields: Callable[[GraphQLObjectType], list[Planned]]) -> Complete:
    item = _completion(item_type, sub_fields)
    item_non_null = isinstance(item_type, GraphQLNonNull)

    def complete_list(value: Any, planned: Planned, info: Any, path: Path, run: Run) -> Any:
        if _absent(value):
            return None
        if not is_iterable(value):
            raise GraphQLError("Expected Iterable, but did not find one for field"
                               f" '{planned.parent}.{planned.name}'.")
        out: list[Any] = []
        pending: list[int] | None = None
        for index, entry in enumerate(value):
            item_path = Path(path, index, None)
            try:
                completed = item(entry, planned, info, item_path, run)
                if run.is_awaitable(completed):
                    (pending := pending if pending is not None else []).append(index)
                    completed = _await_item(completed, item_non_null, planned, item_path, run)
            except Exception as raw:
                run.field_error(raw, item_non_null, planned.nodes, item_path)
                completed = None
            out.append(completed)
        if pending is None:
            return out
        return _gather_list(out, pending)

    return complete_list


def _absent(value: Any) -> bool:
    """Whether a resolved value is null; a returned exception is raised, as graphql-core does."""
    if isinstance(value, Exception):
        raise value
    return value is None or value is Undefined


async def _await_item(completed: Any, non_null: bool, planned: Planned, path: Path, run: Run) -> Any:
    try:
        return await completed
    except Exception as raw:
        run.field_error(raw, non_null, planned.nodes, path)
        return None


async def _gather_list(out: list[Any], indexes: list[int]) -> list[Any]:
    values = await gather_with_cancel(*(out[i] for i in indexes))
    for index, value in zip(indexes, values, strict=True):
        out[index] = value
    return out


# --- planning ---------------------------------------------------------------------------------------


class _NotPlannable(Exception):
    """The document uses something this executor leaves to graphql-core."""


def _plan(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if operation_name is None:
        if len(operations) != 1:
            return None
        operation = operations[0]
    else:
        named = [o for o in operations if o.name and o.name.value == operation_name]
        if len(named) != 1:
            return None
        operation = named[0]
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    if any(f.variable_definitions or f.directives for f in fragments.values()):
        return None
    root = schema.query_type
    if root is None:
        return None
    planner = _Planner(schema, fragments)
    try:
        fields = planner.fields(root, [operation.selection_set])
    except _NotPlannable:
        return None
    return Plan(operation, fragments, root, fields)


class _Planner:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def fields(self, parent: GraphQLObjectType, selection_sets: list[SelectionSetNode]) -> list[Planned]:
        grouped: dict[str, list[FieldNode]] = {}
        for selection_set in selection_sets:
            self._collect(parent, selection_set, grouped, set())
        return [self._field(parent, key, nodes) for key, nodes in grouped.items()]

    def _collect(self, parent: GraphQLObjectType, selection_set: SelectionSetNode,
                 grouped: dict[str, list[FieldNode]], visited: set[str]) -> None:
        for node in selection_set.selections:
            if node.directives:
                raise _NotPlannable
            if isinstance(node, FieldNode):
                key = node.alias.value if node.alias else node.name.value
                grouped.setdefault(key, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                if node.type_condition is None or node.type_condition.name.value == parent.name:
                    self._collect(parent, node.selection_set, grouped, visited)
                elif not isinstance(self.schema.get_type(node.type_condition.name.value), GraphQLObjectType):
                    raise _NotPlannable
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if fragment is None:
                    raise _NotPlannable
                condition = fragment.type_condition.name.value
                if condition == parent.name:
                    self._collect(parent, fragment.selection_set, grouped, visited)
                elif not isinstance(self.schema.get_type(condition), GraphQLObjectType):
                    raise _NotPlannable

    def _field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> Planned:
        name = nodes[0].name.value
        if name == "__typename":
            return Planned(key, name, nodes, None, parent, default_field_resolver, False, True)
        definition = parent.fields.get(name)
        if definition is None or name.startswith("__"):
            raise _NotPlannable
        named = definition.type
        while isinstance(named, (GraphQLNonNull, GraphQLList)):
            named = named.of_type
        if not (is_leaf_type(named) or isinstance(named, GraphQLObjectType)):
            raise _NotPlannable                          # interfaces and unions
        resolve = definition.resolve or default_field_resolver
        has_args = bool(definition.args or nodes[0].arguments)
        planned = Planned(key, name, nodes, definition, parent, resolve, has_args,
                          isinstance(definition.type, GraphQLNonNull))
        sub_sets = [n.selection_set for n in nodes if n.selection_set is not None]
        planned.complete = _completion(definition.type, lambda inner: self.fields(inner, sub_sets))
        nullable = definition.type.of_type if planned.non_null else definition.type
        if is_leaf_type(nullable):
            planned.unchanged = _UNCHANGED.get(nullable.coerce_output_value)
        read = attribute_read(resolve)
        # Completing a leaf or an object without is_type_of never looks at the Info.
        if read is not None and not has_args and (is_leaf_type(named) or named.is_type_of is None):
            planned.attribute = read.attribute
            planned.allows = read.check.allows if read.check is not None else None
        return planned


#: Output coercions that return a value of this Python type unchanged.
_UNCHANGED: dict[Callable[[Any], Any], type] = {serialize_string: str, serialize_id: str,
                                                 serialize_boolean: bool}


# (plan,): a document that cannot be planned is remembered too, as (None,)
_PLANS: IdentityCache[tuple[Plan | None]] = IdentityCache(maxsize=1024)


def plan_of(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Plan | None:
    """The plan of ``document`` on ``schema`` (cached), or None where graphql-core must execute it."""
    found = _PLANS.get(operation_name, schema, document)
    if found is not None:
        return found[0]
    plan = _plan(schema, document, operation_name)
    _PLANS.put((plan,), operation_name, schema, document)
    return plan


def execute(schema: GraphQLSchema, document: DocumentNode, root_value: Any = None, context_value: Any = None,
            variable_values: dict[str, Any] | None = None, operation_name: str | None = None,
            middleware: Any = None, is_awaitable: Callable[[Any], bool] | None = None,
            operation_extensions: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """graphql-core's ``execute``, from a cached plan where the document allows one."""
    plan = plan_of(schema, document, operation_name)
    if plan is None or is_awaitable is None or getattr(middleware, "middlewares", None) or kwargs.get(
            "field_resolver") or kwargs.get("type_resolver"):
        return graphql_execute(schema, document, root_value=root_value, context_value=context_value,
                               variable_values=variable_values, operation_name=operation_name,
                               middleware=middleware, is_awaitable=is_awaitable,
                               operation_extensions=operation_extensions, **kwargs)
    return execute_plan(plan, schema, root_value, context_value, variable_values, is_awaitable,
                        operation_extensions)


def execute_plan(plan: Plan, schema: GraphQLSchema, root_value: Any, context_value: Any,
                 variable_values: dict[str, Any] | None, is_awaitable: Callable[[Any], bool],
                 operation_extensions: dict[str, Any] | None) -> Any:
    """Run ``plan`` (from :func:`plan_of`) for one request: an ExecutionResult or an awaitable of one."""
    coerced = get_variable_values(schema, plan.operation.variable_definitions or (), variable_values or {},
                                  max_errors=50)
    if isinstance(coerced, list):
        return ExecutionResult(None, coerced)
    run = Run(plan, schema, root_value, context_value, coerced, is_awaitable, operation_extensions)
    try:
        data = _execute_fields(plan.fields, root_value, None, run)
    except GraphQLError as error:
        run.add_error(error, None)
        return ExecutionResult(None, run.errors)
    if is_awaitable(data):
        return _finish(data, run)
    return ExecutionResult(data, run.errors or None)


async def _finish(data: Any, run: Run) -> ExecutionResult:
    try:
        return ExecutionResult(await data, run.errors or None)
    except GraphQLError as error:
        run.add_error(error, None)
        return ExecutionResult(None, run.errors)
