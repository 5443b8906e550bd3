"""The schema refuses to build with an undeclared field; the requirement grammar."""

from __future__ import annotations

import pytest
import strawberry

from core.errors import ConfigError
from schema.build import HubSchema
from schema.requirements import PUBLIC, Requires, scoped

KNOWN = frozenset({"person:identity", "person:nik", "linkage:read"})


def _schema(query: type) -> HubSchema:
    return HubSchema(query, None, scopes=None, known_scopes=KNOWN, extensions=(), batching=1)


def test_a_field_without_a_declared_requirement_fails_the_build() -> None:
    @strawberry.type
    class Query:
        fine: str = scoped(PUBLIC, resolver=lambda: "x")
        forgotten: str = strawberry.field(resolver=lambda: "leak")

    with pytest.raises(ConfigError, match=r"Query.forgotten declares no required scopes"):
        _schema(Query)


def test_an_unknown_scope_fails_the_build() -> None:
    @strawberry.type
    class Query:
        typo: str = scoped([["person:identiy"]], resolver=lambda: "x")

    with pytest.raises(ConfigError, match="unknown scope"):
        _schema(Query)


def test_requirements_are_an_or_of_ands() -> None:
    rule = Requires.of([["person:identity", "person:nik"], ["linkage:read"]])
    assert rule.allows(frozenset({"person:identity", "person:nik"}))
    assert rule.allows(frozenset({"linkage:read"}))
    assert not rule.allows(frozenset({"person:identity"}))
    assert Requires.of(PUBLIC).allows(frozenset())
    assert rule.describe() == "person:identity AND person:nik OR linkage:read"
    for bad in ([], "person:identity", ["person:identity"]):
        with pytest.raises(ConfigError):
            Requires.of(bad)  # type: ignore[arg-type]

