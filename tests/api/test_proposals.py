"""Proposals and identity lookups with the real-time matcher (a model trained on the test data).

Regional governments propose only inside their regions; matched members come back with their
person id, flags and programs; the household outcome says whether the family is known.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api._data import publication
from tests.api._expect import PERSONS
from tests.api._matcher import write_matcher_files
from tests.api.conftest import STORES, Caller, Hub, make_store, start_hub

SUBMIT = """mutation($input: ProposalInput!) { submitProposal(input: $input) {
  proposalId status householdOutcome householdId
  members { index outcome personId probability flags enrolledIn } } }"""


@pytest.fixture(scope="session")
def matcher_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("matcher")
    write_matcher_files(publication(), path)
    return path


@pytest.fixture(scope="module", params=STORES)
def proposal_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 matcher_dir: Path) -> Iterator[Hub]:
    tmp: Path = tmp_path_factory.mktemp("proposals")
    for name in ("model.json", "linked.parquet"):
        shutil.copy(matcher_dir / name, tmp / name)
    store = make_store(request.param, request, tmp)
    try:
        yield from start_hub(tmp, store, graphql_rate=0)
    finally:
        store.close()


@pytest.fixture(scope="module")
def pemkot(proposal_hub: Hub) -> Caller:
    return proposal_hub.caller("regional_government", regions=["3273"], purpose="regional_planning")


def _member(pid: str, **overrides: object) -> dict[str, object]:
    p = PERSONS[pid]
    member = {"fullName": p.full_name, "relationship": p.role, "nik": p.nik,
              "birthDate": p.birth_date.isoformat(), "sex": p.sex, "motherName": p.mother_name}
    member.update(overrides)
    return {k: v for k, v in member.items() if v is not None}


def test_proposal_matches_known_members_and_flags_the_rest(pemkot: Caller) -> None:
    known = _member("P00031")                                        # H0003's head: PBI-JK and PKH
    stranger = {"fullName": "SITI BARU SEKALI", "relationship": "spouse", "birthDate": "1991-07-17",
                "sex": "P", "nik": PERSONS["P00011"].nik}            # someone else's NIK
    bad_nik = {"fullName": "ANAK BARU", "relationship": "child", "birthDate": "2015-03-03", "nik": "12345"}
    result = pemkot.run(SUBMIT, {"input": {"villageCode": "3273010001", "kk": PERSONS["P00031"].nik[:6] + "1",
                                           "members": [known, stranger, bad_nik]}})
    assert result.errors == []
    outcome = result.data["submitProposal"]
    head, spouse, child = outcome["members"]
    assert head["outcome"] == "matched" and head["personId"] == "P00031" and head["probability"] > 0.9
    assert head["enrolledIn"] == ["PBI-JK", "PKH"] and "already_enrolled" in head["flags"]
    assert spouse["outcome"] != "matched" and spouse["personId"] is None
    assert "nik_of_another" in spouse["flags"]
    assert "invalid_nik" in child["flags"] and child["personId"] is None
    assert outcome["householdOutcome"] == "existing" and outcome["householdId"] == "H0003"
    assert outcome["proposalId"].startswith("PR") and outcome["status"] == "new_person"


def test_proposed_new_people_are_findable_afterwards(pemkot: Caller, proposal_hub: Hub) -> None:
    newcomer = {"fullName": "BUDI PENDATANG", "relationship": "head", "birthDate": "1985-05-05", "sex": "L"}
    first = pemkot.run(SUBMIT, {"input": {"villageCode": "3273010002", "members": [newcomer]}})
    assert first.data["submitProposal"]["members"][0]["outcome"] == "new"
    assert first.data["submitProposal"]["householdOutcome"] == "new"
    listed = pemkot.run('{ persons(region: "3273010002", first: 100) { nodes { fullName } } }')
    assert "BUDI PENDATANG" in [n["fullName"] for n in listed.data["persons"]["nodes"]]


def test_out_of_region_proposal_is_refused(pemkot: Caller) -> None:
    result = pemkot.run(SUBMIT, {"input": {"villageCode": "3578010001", "members": [_member("P00361")]}})
    assert result.data == {"submitProposal": None}
    assert result.codes() == ["FORBIDDEN"] and "outside the regions" in result.errors[0]["message"]


def test_malformed_village_code_is_bad_input(pemkot: Caller) -> None:
    result = pemkot.run(SUBMIT, {"input": {"villageCode": "32.73.01", "members": [_member("P00031")]}})
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["where"] == "input.villageCode"


def test_ministries_cannot_submit_proposals(proposal_hub: Hub) -> None:
    health = proposal_hub.caller("health_ministry", purpose="health_insurance")
    result = health.run(SUBMIT, {"input": {"villageCode": "3273010001", "members": [_member("P00031")]}})
    assert result.data == {"submitProposal": None} and result.codes() == ["FORBIDDEN"]


FIND = """query($who: IdentityInput!) { findPersons(identity: $who, first: 3) {
  person { id fullName } probability explanation { comparison level weight } } }"""


def test_find_persons_ranks_the_right_person_first(proposal_hub: Hub) -> None:
    health = proposal_hub.caller("health_ministry", purpose="health_insurance")
    p = PERSONS["P00052"]
    result = health.run(FIND, {"who": {"fullName": p.full_name, "birthDate": p.birth_date.isoformat(),
                                       "motherName": p.mother_name, "villageCode": p.village_code}})
    assert result.errors == []
    top = result.data["findPersons"][0]
    assert top["person"]["id"] == "P00052" and top["probability"] > 0.5
    assert {e["comparison"] for e in top["explanation"]}


def test_find_persons_never_returns_people_outside_the_callers_regions(pemkot: Caller) -> None:
    p = PERSONS["P00361"]                                              # Surabaya
    result = pemkot.run(FIND, {"who": {"fullName": p.full_name, "birthDate": p.birth_date.isoformat(),
                                       "nik": p.nik}})
    assert result.errors == []
    assert all(c["person"]["id"].startswith("P00") and c["person"]["id"] != "P00361"
               for c in result.data["findPersons"])
