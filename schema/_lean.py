"""Lean resolvers: fields that take no arguments and no ``Info`` skip strawberry's per-field wrapper.

For every field with a resolver or a field extension, strawberry builds an ``Info`` object,
converts arguments and chains the extensions on each resolution, which costs several times
more than reading an attribute. Most of the hub's fields need none of that: they read an
attribute of the parent (``fullName``), or call a small function of the parent and perhaps
its ``Info`` (``HouseholdMember.person``, ``Person.household``), and their only extension
is the scope check. For those, the built graphql-core schema gets a plain resolver instead:
the same :class:`schema.requirements.RequireScopes` check (its :meth:`~RequireScopes.guard`),
then the attribute or the function (given the same strawberry ``Info`` it would get).
Fields with arguments, or any other extension, keep strawberry's resolver unchanged.

A lean resolver that only reads an attribute carries an :class:`AttributeRead` saying so
(:func:`attribute_read`), so ``schema.executor`` can read the attribute itself behind the same
check, without building the ``Info`` nobody would look at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from schema.requirements import RequireScopes

__all__ = ["AttributeRead", "attribute_read", "install_lean_resolvers"]


def install_lean_resolvers(schema: Any) -> int:
    """Replace the resolvers of eligible fields of ``schema`` (a strawberry schema); returns how many."""
    count = 0
    info_class = schema.config.info_class
    for name, gtype in schema._schema.type_map.items():
        if not isinstance(gtype, GraphQLObjectType) or name.startswith("__"):
            continue
        for gfield in gtype.fields.values():
            definition = (gfield.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            lean = _lean(definition, info_class) if isinstance(definition, StrawberryField) else None
            if lean is not None:
                gfield.resolve = lean
                count += 1
    return count


Reader = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True)
class AttributeRead:
    """What a lean resolver does when all it does is read ``attribute`` of its source.

    ``check`` is the field's scope check (None for a public field): the resolver raises its
    FORBIDDEN error when ``check`` denies the caller's scopes, and reads the attribute otherwise.
    """

    attribute: str
    check: RequireScopes | None


_MARK = "dtsen_attribute_read"


def attribute_read(resolve: Any) -> AttributeRead | None:
    """The :class:`AttributeRead` of a lean resolver that only reads an attribute, else None."""
    mark = getattr(resolve, _MARK, None)
    return mark if isinstance(mark, AttributeRead) else None


def _lean(field: StrawberryField, info_class: Any) -> Reader | None:
    checks = list(field.extensions)
    if field.arguments or len(checks) > 1 or any(not isinstance(e, RequireScopes) for e in checks):
        return None
    read = _reader(field, info_class)
    if read is None:
        return None
    check = checks[0] if checks else None
    lean = read if check is None else check.guard(read)
    if field.base_resolver is None:
        setattr(lean, _MARK, AttributeRead(field.python_name, check))
    return lean


def _reader(field: StrawberryField, info_class: Any) -> Reader | None:
    """``(source, info) -> value`` as strawberry computes it, or None for what needs more."""
    resolver = field.base_resolver
    if resolver is None:
        name = field.python_name
        return lambda source, _info: getattr(source, name)
    func = resolver.wrapped_func
    kwargs: dict[str, Callable[[Any, Any], Any]] = {}
    for param in (resolver.root_parameter, resolver.parent_parameter):
        if param is not None:
            kwargs[param.name] = _source
    if resolver.info_parameter is not None:
        kwargs[resolver.info_parameter.name] = lambda _s, info: info_class(_raw_info=info, _field=field)
    by_self = resolver.self_parameter is not None
    if not kwargs:
        return (lambda source, _info: func(source)) if by_self else (lambda _source, _info: func())
    if by_self:
        return None
    if len(kwargs) == 1:
        (key, make), = kwargs.items()
        return lambda source, info: func(**{key: make(source, info)})
    return lambda source, info: func(**{k: make(source, info) for k, make in kwargs.items()})


def _source(source: Any, _info: Any) -> Any:
    return source
