"""The one place a field's required scopes are declared, and the one extension that enforces them.

A requirement is an OR of ANDs, like Apollo's ``@requiresScopes``:
``requires=[["person:identity", "person:nik"], ["linkage:read"]]`` lets a caller in who
holds both identity and nik, or linkage:read. ``PUBLIC`` (``[[]]``) lets in any
authenticated caller. Every field in the schema is declared with :func:`scoped`; a field
declared any other way makes :func:`check_declared` (run while the schema is built) fail,
so a forgotten requirement is a start-up error, not a leak.

Denial follows Apollo Router's default: :class:`RequireScopes` answers a denied field with
``null`` and one error whose ``extensions.code`` is ``FORBIDDEN`` for that path; the rest of
the operation runs. The resolver behind a denied field is never called, so nothing it would
have fetched is fetched.

Example:
    >>> Requires.of([["person:identity", "person:nik"], ["linkage:read"]]).allows(
    ...     frozenset({"linkage:read"}))
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField

from core.errors import ConfigError

__all__ = ["PUBLIC", "REQUIRES_KEY", "RequireScopes", "Requires", "check_declared", "forbidden", "scoped"]

#: Key under which a field's :class:`Requires` sits in its strawberry metadata.
REQUIRES_KEY = "dtsen.requires"


@dataclass(frozen=True, slots=True)
class Requires:
    """Scopes a field needs: any one of ``alternatives``, each a set that must all be held."""

    alternatives: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, spec: Sequence[Sequence[str]]) -> Requires:
        """Build from the declaration grammar; an empty outer list is a mistake, not 'public'."""
        if isinstance(spec, str) or not spec or any(isinstance(alt, str) for alt in spec):
            raise ConfigError(f"requires={spec!r} is not a list of lists of scopes",
                              where="schema field declaration",
                              hint='write requires=[["person:identity"]] (OR of ANDs), or PUBLIC')
        return cls(tuple(frozenset(alt) for alt in spec))

    @property
    def public(self) -> bool:
        return any(not alt for alt in self.alternatives)

    @property
    def scopes(self) -> frozenset[str]:
        """Every scope this requirement mentions."""
        return frozenset().union(*self.alternatives)

    def allows(self, scopes: frozenset[str]) -> bool:
        return any(alt <= scopes for alt in self.alternatives)

    def describe(self) -> str:
        """``person:identity AND person:nik OR linkage:read``, for error messages and docs."""
        return " OR ".join(" AND ".join(sorted(alt)) or "(authenticated)" for alt in self.alternatives)


PUBLIC: list[list[str]] = [[]]


def forbidden(path_label: str, requires: Requires, client_id: str | None) -> GraphQLError:
    """The FORBIDDEN error of one denied path."""
    return GraphQLError(
        f"{path_label} needs scope {requires.describe()}; client {client_id!r} lacks it",
        extensions={"code": "FORBIDDEN", "requires": [sorted(a) for a in requires.alternatives],
                    "hint": "ask for a token with that scope, if your profile allows it"})


class RequireScopes(FieldExtension):
    """Null plus FORBIDDEN for a caller without the field's scopes; otherwise the resolver runs.

    The caller's scopes come from ``info.context.scopes`` (see ``resolvers.RequestContext``).
    The decision depends only on the scope set, so it is remembered per set (a few profiles
    in practice), and a field resolved many times per operation pays a dict lookup.
    :meth:`guard` puts the same check around a plain resolver for fields the schema
    resolves without strawberry's per-field machinery (``schema._lean``).
    """

    def __init__(self, requires: Requires) -> None:
        self.requires = requires
        self._decided: dict[frozenset[str], bool] = {}

    def allows(self, scopes: frozenset[str]) -> bool:
        """Whether ``scopes`` pass this check: the one decision :meth:`resolve`, :meth:`guard` and
        ``schema.executor`` (for a lean attribute read) all take."""
        decided = self._decided.get(scopes)
        if decided is None:
            decided = self.requires.allows(scopes)
            if len(self._decided) >= 256:          # bounded: scope sets come from tokens
                self._decided.clear()
            self._decided[scopes] = decided
        return decided

    def _deny(self, info: Any) -> GraphQLError | None:
        context = info.context
        if self.allows(context.scopes):
            return None
        label = f"{info.path.typename}.{info.field_name}"
        return forbidden(label, self.requires, context.client_id)

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        error = self._deny(info)
        if error is not None:
            raise error
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        error = self._deny(info)
        if error is not None:
            raise error
        result = next_(source, info, **kwargs)
        if hasattr(result, "__await__"):
            return await result
        return result

    def guard(self, resolve: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        """A graphql-core resolver: this check, then ``resolve(source, info)``."""
        deny = self._deny

        def guarded(source: Any, info: Any) -> Any:
            error = deny(info)
            if error is not None:
                raise error
            return resolve(source, info)

        return guarded


def scoped(requires: Sequence[Sequence[str]], *, resolver: Any = None, name: str | None = None,
           description: str | None = None, graphql_type: Any = None) -> Any:
    """Declare a schema field with its required scopes (the only way fields are declared).

    Public fields carry no extension at all (nothing to check, nothing to pay per value).
    """
    rule = Requires.of(requires)
    extensions: list[FieldExtension] = [] if rule.public else [RequireScopes(rule)]
    kwargs: dict[str, Any] = {"name": name, "description": description, "extensions": extensions,
                              "metadata": {REQUIRES_KEY: rule}}
    if graphql_type is not None:
        kwargs["graphql_type"] = graphql_type
    if resolver is not None:
        return strawberry.field(resolver=resolver, **kwargs)
    return strawberry.field(**kwargs)


def requirement_of(field: StrawberryField) -> Requires | None:
    rule = (field.metadata or {}).get(REQUIRES_KEY)
    return rule if isinstance(rule, Requires) else None


def check_declared(type_name: str, fields: Iterable[StrawberryField], known_scopes: frozenset[str]) -> None:
    """Fail (ConfigError) when a field has no declared requirement or names an unknown scope."""
    for field in fields:
        rule = requirement_of(field)
        if rule is None:
            raise ConfigError(f"field {type_name}.{field.python_name} declares no required scopes",
                              where="schema", hint="declare it with schema.requirements.scoped(requires=...)")
        unknown = sorted(rule.scopes - known_scopes)
        if unknown:
            raise ConfigError(f"field {type_name}.{field.python_name} requires unknown scope(s) "
                              f"{', '.join(unknown)}", where="schema",
                              hint="scopes are defined in auth/policy.toml")
