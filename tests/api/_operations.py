"""Operations that reach every field of the schema, for every profile: the corpus the executor
and fast-path tests run through two paths and compare.
"""

from __future__ import annotations

from typing import Any

import graphql
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, is_leaf_type

from auth import Access, load_policy
from tests.api._expect import HOUSEHOLDS, PERSONS

__all__ = ["ACCESS", "access", "operations", "selection"]

HEAD = "P00011"


def selection(schema: GraphQLSchema, type_name: str, depth: int) -> str:
    """Every field of ``type_name`` without required arguments, objects to ``depth`` levels."""
    gtype = schema.get_type(type_name)
    assert isinstance(gtype, GraphQLObjectType)
    parts = []
    for name, field in gtype.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is graphql.Undefined
               for a in field.args.values()):
            continue
        named = field.type
        while isinstance(named, (GraphQLNonNull, GraphQLList)):
            named = named.of_type
        if is_leaf_type(named):
            parts.append(name)
        elif depth > 0 and isinstance(named, GraphQLObjectType):
            parts.append(f"{name} {{ {selection(schema, named.name, depth - 1)} }}")
    return " ".join(parts) or "__typename"


def operations(schema: GraphQLSchema) -> list[tuple[str, dict[str, Any] | None]]:
    head = PERSONS[HEAD]
    household = HOUSEHOLDS[head.household_id]
    every_person = selection(schema, "Person", 3)
    every_household = selection(schema, "Household", 3)
    return [
        (f'{{ person(id: "{HEAD}") {{ {every_person} }} }}', None),
        (f'{{ person(id: "P00361") {{ {every_person} }} }}', None),          # Surabaya: outside Bandung
        ("query($nik: String!) { personByNik(nik: $nik) { " + every_person + " } }", {"nik": head.nik}),
        ("query($nik: String!) { personByNik(nik: $nik) { id } }", {"nik": "not-a-nik"}),
        ("query($nik: String!) { personByNik(nik: $nik) { id } }", {"nik": 12}),      # variable type error
        ("query($nik: String!) { personByNik(nik: $nik) { id } }", {}),               # missing variable
        (f'{{ household(id: "{household.household_id}") {{ {every_household} }} }}', None),
        ("query($kk: String!) { householdByKk(kk: $kk) { " + every_household + " } }", {"kk": household.kk}),
        ("{ persons(first: 5) { " + selection(schema, "PersonConnection", 2) + " } }", None),
        ('{ persons(region: "3273", program: "PKH", first: 3) { edges { cursor node { id fullName nik } } '
         "pageInfo { hasNextPage endCursor } } }", None),
        ('{ programOverlap(programs: ["PKH", "PBI-JK"], first: 100) { nodes { id household { id } } } }',
         None),
        ('{ duplicateEnrolments(program: "PKH") { ' + selection(schema, "DuplicateEnrolmentConnection", 2)
         + " } }", None),
        ('{ targeting(program: "PKH") { ' + selection(schema, "TargetingReport", 2) + " } }", None),
        ('{ regionStats(code: "32") { ' + selection(schema, "RegionStats", 2) + " } }", None),
        ('{ regionStats(code: "3578") { persons { count suppressed } '
         "deciles { decile households { count } } } }", None),
        ("{ reviewQueue(first: 5) { " + selection(schema, "ReviewItemConnection", 2) + " } }", None),
        ("{ linkageRuns { " + selection(schema, "LinkageRun", 1) + " } }", None),
        ("{ me { " + selection(schema, "Client", 1) + " } }", None),
        (f'{{ accessHistory(personId: "{HEAD}") {{ nodes {{ operation fields }} }} }}', None),
        ('{ findPersons(identity: {fullName: "WARGA 1 1", birthDate: "1970-01-01"}) { '
         + selection(schema, "PersonCandidate", 2) + " } }", None),
        # aliases, fragments, inline fragments, __typename, the same field twice, nested loops
        (f'{{ a: person(id: "{HEAD}") {{ ...P n: nik ... on Person {{ health {{ pbiClass }} }} }} '
         f'b: person(id: "P00013") {{ __typename ...P }} }} '
         "fragment P on Person { id fullName nik __typename household { members { person { ...Q } } } } "
         "fragment Q on Person { id records { id person { id nik } } }", None),
        (f'{{ person(id: "{HEAD}") {{ id id fullName household {{ id }} household {{ kk }} }} }}', None),
        ('query One { me { clientId } } query Two { person(id: "P00012") { fullName } }', "Two"),
        (f'{{ person(id: "{HEAD}") {{ id }} missing: person(id: "P99999") {{ id }} }}', None),
        ("{ persons(first: 1000) { nodes { id } } }", None),                  # over the page limit
        # planned or not, the same answer: @include depends on variables, so this one is not planned
        ("query($all: Boolean!) { person(id: \"P00011\") { id nik @include(if: $all) } }", {"all": False}),
    ]


ACCESS = {
    "health": ("health_ministry", None, "health_insurance"),
    "education": ("education_ministry", None, "education_aid"),
    "bandung": ("regional_government", ("3273",), "social_assistance"),
    "steward": ("data_steward", None, "data_stewardship"),
}


def access(name: str) -> Access:
    profile_name, regions, purpose = ACCESS[name]
    policy = load_policy()
    profile = policy.profile(profile_name)
    scopes = frozenset(policy.scopes) if "*" in profile.scopes else frozenset(profile.scopes)
    return Access(f"{name}-client", profile.agency, profile_name, scopes, regions=regions, purpose=purpose)
