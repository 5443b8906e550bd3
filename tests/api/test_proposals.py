"""Proposals: only regional governments' own regions; everyone else's attempts are refused."""

from __future__ import annotations

from tests.api.conftest import Caller

SUBMIT = """mutation($input: ProposalInput!) { submitProposal(input: $input) {
  proposalId status householdOutcome members { index outcome personId flags enrolledIn } } }"""


def _household(village: str) -> dict[str, object]:
    return {"villageCode": village, "address": "Jl. Baru 1", "members": [
        {"fullName": "WARGA BARU", "relationship": "head", "birthDate": "1980-02-02", "sex": "L"}]}


def test_out_of_region_proposal_is_refused(bandung: Caller) -> None:
    result = bandung.run(SUBMIT, {"input": _household("3578010001")})
    assert result.data == {"submitProposal": None}
    assert result.codes() == ["FORBIDDEN"] and "outside the regions" in result.errors[0]["message"]


def test_malformed_village_code_is_bad_input(bandung: Caller) -> None:
    result = bandung.run(SUBMIT, {"input": _household("32.73.01")})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["where"] == "input.villageCode"


def test_ministries_cannot_submit_proposals(health: Caller) -> None:
    result = health.run(SUBMIT, {"input": _household("3273010001")})
    assert result.data == {"submitProposal": None} and result.codes() == ["FORBIDDEN"]
