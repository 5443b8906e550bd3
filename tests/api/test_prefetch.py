"""The look-ahead plans of root fields (resolvers/prefetch.py), read off real parsed documents.

Over HTTP, tests/api/test_n_plus_one.py counts the store calls; here the plan itself is
checked, since a wrong plan would still give right answers (through the DataLoaders),
only slower.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse

from auth import load_policy
from resolvers.prefetch import CONNECTION_PATHS, HouseholdPlan, PersonPlan, plan_of
from schema.build import HubSchema, build_schema


@pytest.fixture(scope="module")
def schema() -> HubSchema:
    return build_schema()


def _info(schema: HubSchema, document: str, scopes: frozenset[str]) -> Any:
    """What plan_of reads from strawberry's Info: the root field's nodes, fragments, requirements."""
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)}
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode)
    raw = SimpleNamespace(field_nodes=[root], fragments=fragments)
    return SimpleNamespace(_raw_info=raw, schema=schema, context=SimpleNamespace(scopes=scopes))


EVERY = frozenset(load_policy().scopes)
DEEP = PersonPlan(household=HouseholdPlan(members=PersonPlan(enrolments=True)), enrolments=True)


def test_the_hot_query_plans_every_level(schema: HubSchema) -> None:
    info = _info(schema, """{ personByNik(nik: "1") { id household { id members { role person {
        id enrolments { program { name } } } } } enrolments { program { name } } } }""", EVERY)
    assert plan_of(info, "person") == DEEP


def test_fragments_inline_fragments_and_aliases_give_the_same_plan(schema: HubSchema) -> None:
    info = _info(schema, """{ personByNik(nik: "1") { ...p } }
        fragment p on Person { home: household { ... on Household { people: members { person {
          ...e } } } } e2: enrolments { program { name } } }
        fragment e on Person { enrolments { program { name } } }""", EVERY)
    assert plan_of(info, "person") == DEEP


def test_a_field_the_scopes_do_not_allow_is_not_planned(schema: HubSchema) -> None:
    document = """{ personByNik(nik: "1") { household { members { person { id } } } enrolments { sourceId }
        records { id } } }"""
    narrow = frozenset({"person:identity", "person:nik"})
    assert plan_of(_info(schema, document, narrow), "person") == PersonPlan()
    health = frozenset(load_policy().profiles["health_ministry"].scopes)
    assert plan_of(_info(schema, document, health), "person") == PersonPlan(
        household=HouseholdPlan(members=PersonPlan()), enrolments=True)          # records need linkage:read
    assert plan_of(_info(schema, document, EVERY), "person") == PersonPlan(
        household=HouseholdPlan(members=PersonPlan()), enrolments=True, records=True)


def test_a_connection_plans_both_nodes_and_edges(schema: HubSchema) -> None:
    info = _info(schema, """{ persons(first: 5) { nodes { enrolments { program { name } } }
        edges { node { household { id } } } } }""", EVERY)
    assert plan_of(info, "person", CONNECTION_PATHS) == PersonPlan(household=HouseholdPlan(), enrolments=True)


def test_a_household_root_plans_its_members(schema: HubSchema) -> None:
    info = _info(schema, '{ householdByKk(kk: "1") { members { person { household { id } } } } }', EVERY)
    assert plan_of(info, "household") == HouseholdPlan(members=PersonPlan(household=HouseholdPlan()))
