"""One scenario per kind of user, over real HTTP with gql and OAuth tokens from /oauth/token."""

from __future__ import annotations

from tests.api._expect import (
    HOUSEHOLDS,
    PERSONS,
    enrolled,
    exclusion_errors,
    inclusion_errors,
    masked,
    people_in,
)
from tests.api.conftest import Caller

HEAD = "P00011"          # H0001's head: Bandung, decile 2, deceased, PKH and PBI-JK
CHILD = "P00013"
SBY = "P00361"           # a Surabaya head (regency 3578)

PERSON = """query P($nik: String!) {
  personByNik(nik: $nik) {
    id nik fullName verification
    household { id kk members { role person { id fullName } } }
    enrolments { program { name } dataset { name agency } }
    health { pbiClass }
  }
}"""


def test_health_ministry_reads_identity_nik_health_and_households(health: Caller) -> None:
    head = PERSONS[HEAD]
    result = health.run(PERSON, {"nik": head.nik})
    assert result.errors == []
    person = result.data["personByNik"]
    assert person["id"] == HEAD and person["nik"] == head.nik and person["fullName"] == head.full_name
    assert person["verification"] == "deceased"
    assert person["household"]["kk"] == HOUSEHOLDS["H0001"].kk                 # full KK with person:nik
    assert [m["person"]["id"] for m in person["household"]["members"]] == ["P00011", "P00012", "P00013"]
    assert sorted(e["program"]["name"] for e in person["enrolments"]) == ["PBI-JK", "PKH"]
    assert {e["dataset"]["agency"] for e in person["enrolments"]} == {"kemensos", "kemenkes"}
    assert person["health"] == {"pbiClass": "3"}


def test_health_ministry_denied_fields_are_null_with_one_forbidden_error_each(health: Caller) -> None:
    result = health.run('{ person(id: "P00011") { id fullName address phone education { school } '
                        'records { id } } me { profile } }')
    assert result.data["person"]["fullName"] == PERSONS[HEAD].full_name
    assert result.data["me"]["profile"] == "health_ministry"                  # the rest is answered
    for field in ("address", "phone", "education", "records"):
        assert result.data["person"][field] is None
    assert sorted(map(tuple, result.paths())) == sorted(
        ("person", f) for f in ("address", "phone", "education", "records"))
    assert result.codes() == ["FORBIDDEN"] * 4


def test_health_ministry_program_analyses(health: Caller) -> None:
    result = health.run('{ programOverlap(programs: ["PKH", "PBI-JK"], first: 100) { nodes { id } } '
                        'duplicateEnrolments(program: "PKH") { nodes { person { id } '
                        'enrolments { sourceId } } } '
                        'targeting(program: "PKH") { ceiling deceasedEnrolled inclusionErrors } }')
    overlap = sorted(n["id"] for n in result.data["programOverlap"]["nodes"])
    assert overlap == sorted(enrolled("PKH") & enrolled("PBI-JK"))
    dupes = result.data["duplicateEnrolments"]["nodes"]
    assert [d["person"]["id"] for d in dupes] == ["P00021"] and len(dupes[0]["enrolments"]) == 2
    targeting = result.data["targeting"]
    assert targeting["ceiling"] == 4 and targeting["deceasedEnrolled"] == 1
    # Inclusion errors are judged by welfare decile: the health ministry lacks household:welfare.
    assert targeting["inclusionErrors"] is None and result.paths() == [["targeting", "inclusionErrors"]]


def test_education_ministry_sees_masked_nik_and_education_only(education: Caller) -> None:
    child = PERSONS[CHILD]
    result = education.run('{ person(id: "P00013") { nik fullName education { school grade } '
                           'household { kk } health { pbiClass } } }')
    person = result.data["person"]
    assert person["nik"] == masked(child.nik) and "*" in person["nik"]
    assert person["household"]["kk"] == masked(HOUSEHOLDS["H0001"].kk)
    assert person["education"] == {"school": "SDN 1", "grade": "5"}
    assert person["health"] is None and result.paths() == [["person", "health"]]


def test_education_ministry_cannot_look_people_up_by_nik(education: Caller) -> None:
    result = education.run(PERSON, {"nik": PERSONS[HEAD].nik})
    assert result.data == {"personByNik": None}
    assert result.paths() == [["personByNik"]]


def test_regional_government_sees_only_its_regions(bandung: Caller) -> None:
    seen, after = [], None
    while True:
        page = bandung.run("query($after: String) { persons(first: 30, after: $after) { "
                           "nodes { id villageCode address household { welfareDecile } } "
                           "pageInfo { hasNextPage endCursor } } }", {"after": after})
        assert page.errors == []
        seen += page.data["persons"]["nodes"]
        if not page.data["persons"]["pageInfo"]["hasNextPage"]:
            break
        after = page.data["persons"]["pageInfo"]["endCursor"]
    assert [p["id"] for p in seen] == people_in("3273")
    assert all(p["villageCode"].startswith("3273") and p["address"] for p in seen)
    assert all(p["household"]["welfareDecile"] is not None for p in seen)


def test_regional_government_out_of_region_is_silently_missing(bandung: Caller) -> None:
    sby = PERSONS[SBY]
    result = bandung.run('query($nik: String!, $kk: String!) { person(id: "P00361") { id } '
                         'personByNik(nik: $nik) { id } household(id: "H0036") { id } '
                         'householdByKk(kk: $kk) { id } regionStats(code: "3578") { code } }',
                         {"nik": sby.nik, "kk": HOUSEHOLDS["H0036"].kk})
    assert result.errors == []
    assert result.data == {"person": None, "personByNik": None, "household": None, "householdByKk": None,
                           "regionStats": None}


def test_regional_government_targeting_lists(bandung: Caller) -> None:
    result = bandung.run('{ targeting(program: "PKH") { inclusionErrors exclusionErrors '
                         'inclusionList(first: 100) { nodes { id } } exclusionList(first: 5) { nodes { id } '
                         'pageInfo { hasNextPage } } deceasedList { nodes { id } } } }')
    assert result.errors == []
    report = result.data["targeting"]
    assert report["inclusionErrors"] == len(inclusion_errors("PKH", 4, "3273"))
    assert [n["id"] for n in report["inclusionList"]["nodes"]] == inclusion_errors("PKH", 4, "3273")
    assert report["exclusionErrors"] == len(exclusion_errors("PKH", 4, "3273"))
    assert [n["id"] for n in report["exclusionList"]["nodes"]] == exclusion_errors("PKH", 4, "3273")[:5]
    assert report["exclusionList"]["pageInfo"]["hasNextPage"] is True
    assert [n["id"] for n in report["deceasedList"]["nodes"]] == [HEAD]


def test_steward_sees_records_matches_runs_and_the_queue(steward: Caller) -> None:
    result = steward.run('{ person(id: "P00021") { records { id dataset { name agency } matches { '
                         'probability explanation { comparison level weight } } } } '
                         'reviewQueue(first: 10) { nodes { id kind left { id } person { id } } } '
                         'linkageRuns { id current model } }')
    assert result.errors == []
    records = result.data["person"]["records"]
    assert [r["id"] for r in records] == ["dukcapil:DP00021", "pbi_2025:JP00021", "pkh_2025:KP000210",
                                          "pkh_2025:KP000211"]
    pkh = records[2]
    assert pkh["matches"][0]["explanation"] == [{"comparison": "full_name", "level": "exact", "weight": 2.5},
                                                {"comparison": "nik", "level": "exact", "weight": 8.0}]
    assert [i["id"] for i in result.data["reviewQueue"]["nodes"]] == ["R1", "R2"]
    assert result.data["linkageRuns"] == [{"id": "run-api-1", "current": True,
                                           "model": {"model": "api-test"}}]


def test_steward_access_history_shows_who_saw_a_person(hub, steward: Caller) -> None:
    reader = hub.caller("health_ministry", purpose="health_insurance")
    assert reader.run('{ person(id: "P00022") { fullName } }').errors == []
    history = steward.run('{ accessHistory(personId: "P00022") { '
                          'nodes { clientId purpose fields outcome } } }')
    entries = history.data["accessHistory"]["nodes"]
    assert entries[0] == {"clientId": reader.client_id, "purpose": "health_insurance",
                          "fields": ["Query.person", "Person.fullName"], "outcome": "ok"}
