"""Introspection shows each client only the types and fields its scopes allow."""

from __future__ import annotations

from tests.api.conftest import Caller

SCHEMA = ("{ __schema { queryType { fields { name } } mutationType { fields { name } } "
          "types { name fields { name } } } }")


def _shape(caller: Caller) -> tuple[set[str], dict[str, set[str]], set[str] | None]:
    result = caller.run(SCHEMA)
    assert result.errors == []
    schema = result.data["__schema"]
    types = {t["name"]: {f["name"] for f in t["fields"] or []} for t in schema["types"]}
    mutation = schema["mutationType"]
    return ({f["name"] for f in schema["queryType"]["fields"]}, types,
            {f["name"] for f in mutation["fields"]} if mutation else None)


def test_education_ministry_sees_only_what_it_may_use(education: Caller) -> None:
    query, types, mutation = _shape(education)
    assert {"me", "person", "persons", "household", "programOverlap", "targeting", "regionStats"} <= query
    assert not query & {"personByNik", "householdByKk", "reviewQueue", "linkageRuns", "accessHistory"}
    assert mutation is None
    assert "education" in types["Person"] and "fullName" in types["Person"]
    assert not types["Person"] & {"health", "records", "address", "phone"}
    assert not set(types) & {"HealthInfo", "SourceRecord", "ReviewItem", "Match", "LinkageRun", "AuditEntry"}
    assert not types["Household"] & {"welfareDecile", "address"}
    assert not types["TargetingReport"] & {"inclusionErrors", "exclusionList"}


def test_type_lookup_of_a_hidden_type_finds_nothing(education: Caller) -> None:
    result = education.run('{ __type(name: "HealthInfo") { name } person: __type(name: "Person") { '
                           'fields { name } } }')
    assert result.data["__type"] is None
    assert "health" not in {f["name"] for f in result.data["person"]["fields"]}


def test_regional_government_sees_welfare_and_proposals(bandung: Caller) -> None:
    _, types, mutation = _shape(bandung)
    assert "welfareDecile" in types["Household"] and "address" in types["Person"]
    assert "inclusionList" in types["TargetingReport"]
    assert mutation == {"submitProposal"}


def test_steward_sees_everything(steward: Caller) -> None:
    query, types, mutation = _shape(steward)
    assert {"reviewQueue", "linkageRuns", "accessHistory", "personByNik"} <= query
    assert {"health", "education", "records", "address"} <= types["Person"]
    assert mutation is not None and "decideReview" in mutation


def test_data_queries_run_on_the_full_schema_so_denials_are_explicit(education: Caller) -> None:
    # A field hidden from introspection is still answered as FORBIDDEN, never as "no such field".
    result = education.run('{ person(id: "P00011") { health { pbiClass } } }')
    assert result.codes() == ["FORBIDDEN"]
