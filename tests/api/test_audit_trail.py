"""Every operation writes one audit entry: fields returned, ids returned, outcome."""

from __future__ import annotations

import httpx

from auth import AuditEntry
from tests.api.conftest import Hub


def _entries(hub: Hub, client_id: str) -> list[AuditEntry]:
    return [e.entry for e in hub.app.state.audit.entries(limit=100_000) if e.entry.client_id == client_id]


def test_one_entry_per_operation_with_fields_ids_and_outcome(hub: Hub) -> None:
    caller = hub.caller("education_ministry", purpose="education_aid")
    caller.run('query Look { household(id: "H0002") { kk members { person { fullName '
               'health { pbiClass } } } } }')
    [entry] = _entries(hub, caller.client_id)
    assert entry.operation == "Look" and entry.purpose == "education_aid" and entry.agency
    assert entry.fields == ("Query.household", "Household.kk", "Household.members", "HouseholdMember.person",
                            "Person.fullName")                  # the denied Person.health is not listed
    assert entry.household_ids == ("H0002",)
    assert entry.person_ids == ("P00021", "P00022", "P00023")
    assert entry.outcome == "partial_forbidden"


def test_batches_write_one_entry_each_and_refusals_are_logged(hub: Hub) -> None:
    caller = hub.caller("health_ministry", purpose="health_insurance")
    caller.batch(['{ person(id: "P00011") { id } }', '{ person(id: "P00012") { id } }'])
    httpx.post(hub.graphql_url, headers=caller.headers(), json={"query": "{ me { clientId "})  # syntax
    caller.run('{ person(id: "P00011") { nosuchfield } }')       # a validation error
    entries = _entries(hub, caller.client_id)
    # Operations of one batch run concurrently: one entry each, in whatever order they finish.
    assert sorted(e.person_ids for e in entries[:2]) == [("P00011",), ("P00012",)]
    assert [e.outcome for e in entries] == ["ok", "ok", "rejected", "rejected"]
    assert hub.app.state.audit.verify().ok
