"""Lean resolvers (schema/_lean.py): the same scope check and the same values as strawberry's path."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import GraphQLError

from graph.views import MemberView
from schema.build import HubSchema, build_schema


@pytest.fixture(scope="module")
def schema() -> HubSchema:
    return build_schema()


def _info(type_name: str, field: str, scopes: set[str]) -> Any:
    return SimpleNamespace(context=SimpleNamespace(scopes=frozenset(scopes), client_id="c1"),
                           path=SimpleNamespace(typename=type_name), field_name=field)


def _resolve(schema: HubSchema, type_name: str, field: str) -> Any:
    return schema._schema.type_map[type_name].fields[field].resolve  # type: ignore[union-attr]


def test_a_scoped_attribute_is_checked_then_read(schema: HubSchema) -> None:
    resolve = _resolve(schema, "Person", "fullName")
    person = SimpleNamespace(full_name="WARGA 1 1")
    assert resolve(person, _info("Person", "fullName", {"person:identity"})) == "WARGA 1 1"
    with pytest.raises(GraphQLError) as denied:
        resolve(person, _info("Person", "fullName", {"person:nik"}))
    assert denied.value.extensions["code"] == "FORBIDDEN"
    assert "Person.fullName" in denied.value.message


def test_a_resolver_of_the_parent_gets_the_parent(schema: HubSchema) -> None:
    member = MemberView("H1", "head", "the person")  # type: ignore[arg-type]
    resolve = _resolve(schema, "HouseholdMember", "person")
    assert resolve(member, _info("HouseholdMember", "person", set())) == "the person"


def test_fields_with_arguments_keep_strawberrys_resolver(schema: HubSchema) -> None:
    for type_name, field in (("Query", "personByNik"), ("Query", "persons")):
        resolve = _resolve(schema, type_name, field)
        assert resolve.__module__.startswith("strawberry"), (type_name, field)
