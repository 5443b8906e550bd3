"""Contract: people, households, members, records and matches, under access rules."""

from __future__ import annotations

from datetime import date

from graph import FieldGroup, GraphStore, Verification, Visibility
from tests.graph._data import (
    BANDUNG,
    BARE,
    EDUCATION,
    EVERYTHING,
    HEALTH,
    KK_H1,
    NIK_P1,
    NIK_P2,
    NOWHERE,
    STEWARD_32,
    V_BDG1,
)


def test_person_with_every_group_has_every_property(published: GraphStore) -> None:
    p = published.get_persons(["P1"], EVERYTHING)["P1"]
    assert (p.nik, p.full_name, p.birth_date, p.sex, p.mother_name) == (
        NIK_P1, "SITI AMINAH", date(1980, 1, 1), "P", "FATIMAH")
    assert (p.village_code, p.verification, p.address, p.phone) == (V_BDG1, Verification.VERIFIED,
                                                                    "Jl. Merdeka 1", "6281200000001")
    assert (p.health, p.household_id, p.role, p.birth_place) == ({"pbi_class": "3"}, "H1", "head", "BANDUNG")


def test_without_nik_group_the_nik_is_masked_and_groups_are_projected(published: GraphStore) -> None:
    p = published.get_persons(["P1", "P3"], EDUCATION)
    assert p["P1"].nik == "3273********0001"
    assert p["P1"].full_name == "SITI AMINAH"
    assert (p["P1"].address, p["P1"].phone, p["P1"].health) == (None, None, {})
    assert p["P3"].education == {"school": "SDN 1 BANDUNG"}
    assert p["P3"].nik is None
    bare = published.get_persons(["P1"], BARE)["P1"]
    assert bare.nik == "3273********0001"
    assert (bare.full_name, bare.birth_date, bare.verification, bare.household_id, bare.role) == (None,) * 5
    health = published.get_persons(["P1", "P3"], HEALTH)
    assert health["P1"].nik == NIK_P1 and health["P1"].health == {"pbi_class": "3"}
    assert health["P3"].education == {}


def test_out_of_region_ids_behave_like_missing_ones(published: GraphStore) -> None:
    found = published.get_persons(["P1", "P2", "P4", "P5", "P6", "NOPE"], BANDUNG)
    assert sorted(found) == ["P1", "P2"]
    assert sorted(published.get_persons(["P1", "P4", "P5", "P6"], STEWARD_32)) == ["P1", "P5"]
    assert published.get_persons(["P1"], NOWHERE) == {}
    assert sorted(published.get_persons(["P6", "P4"], EVERYTHING)) == ["P4", "P6"]
    assert published.get_households(["H1", "H2", "H3", "HX"], BANDUNG).keys() == {"H1"}
    assert published.get_person_by_nik("3578010505500004", BANDUNG) is None


def test_person_by_nik_prefers_the_verified_holder_of_a_shared_nik(published: GraphStore) -> None:
    assert published.get_person_by_nik(NIK_P1, EVERYTHING).person_id == "P1"
    bogor_only = Visibility(("3201",), EVERYTHING.groups)
    assert published.get_person_by_nik(NIK_P1, bogor_only).person_id == "P5"
    assert published.get_person_by_nik(NIK_P2, HEALTH).nik == NIK_P2
    assert published.get_person_by_nik("0000000000000000", EVERYTHING) is None


def test_households_by_id_and_kk_with_projection(published: GraphStore) -> None:
    h = published.get_household_by_kk(KK_H1, EVERYTHING)
    assert (h.household_id, h.kk, h.village_code, h.address, h.welfare_decile, h.welfare) == (
        "H1", KK_H1, V_BDG1, "Jl. Merdeka 1", 1, {"floor_type": "tanah"})
    masked = published.get_households(["H1"], EDUCATION)["H1"]
    assert (masked.kk, masked.address, masked.welfare_decile, masked.welfare) == ("3273********0001", None,
                                                                                   None, {})
    assert published.get_households(["H1"], BANDUNG)["H1"].welfare_decile == 1
    no_household_group = Visibility(None, HEALTH.groups - {FieldGroup.HOUSEHOLD})
    assert published.get_households(["H1"], no_household_group) == {}
    assert published.get_household_by_kk(KK_H1, no_household_group) is None


def test_members_are_ordered_by_role_and_filtered_by_region(published: GraphStore) -> None:
    members = published.members_of_households(["H1", "H2", "H3"], EVERYTHING)
    assert [(m.person.person_id, m.role) for m in members["H1"]] == [("P1", "head"), ("P2", "spouse"),
                                                                     ("P3", "child")]
    assert [m.person.person_id for m in members["H2"]] == ["P4"]
    assert members["H1"][0].person.full_name == "SITI AMINAH"
    scoped = published.members_of_households(["H1", "H2"], BANDUNG)
    assert list(scoped) == ["H1"]
    assert scoped["H1"][1].person.nik == NIK_P2
    edu = published.members_of_households(["H1"], EDUCATION)["H1"]
    assert edu[1].person.nik == "3273********0002"


def test_records_need_linkage_and_follow_their_persons_region(published: GraphStore) -> None:
    recs = published.records_of_persons(["P1", "P4", "P6"], EVERYTHING)
    assert [r.record_key for r in recs["P1"]] == ["bpnt_2025:B1", "dukcapil:D1", "pkh_2025:K1", "pkh_2025:K2"]
    k1 = published.get_records(["pkh_2025:K1"], EVERYTHING)["pkh_2025:K1"]
    assert (k1.dataset, k1.source_id, k1.agency, k1.program, k1.nik, k1.kk) == (
        "pkh_2025", "K1", "kemensos", "PKH", NIK_P1, KK_H1)
    assert k1.attributes == {"floor_type": "tanah", "kis": "A1", "welfare_decile": "1"}
    assert k1.original == {"address": "Jl Merdeka 1", "full_name": "Siti Aminah", "nik": NIK_P1}
    assert k1.flags == ["birth_date_placeholder"]
    assert published.records_of_persons(["P1"], HEALTH) == {}
    steward = published.records_of_persons(["P1", "P4"], STEWARD_32)
    assert list(steward) == ["P1"]
    assert published.get_records(["bpnt_2025:B2", "pkh_2025:K5"], STEWARD_32).keys() == {"pkh_2025:K5"}


def test_record_projection_splits_attributes_and_raw_values_by_group(published: GraphStore) -> None:
    linkage_only = Visibility(None, frozenset({FieldGroup.LINKAGE}))
    k1 = published.get_records(["pkh_2025:K1"], linkage_only)["pkh_2025:K1"]
    assert k1.nik == "3273********0001" and k1.kk == "3273********0001"
    assert (k1.full_name, k1.address, k1.village_code) == (None, None, None)
    assert k1.attributes == {"kis": "A1"}
    assert k1.original == {}
    j3 = published.get_records(["pbi_2025:J3"], EVERYTHING)["pbi_2025:J3"]
    assert j3.attributes == {"pbi_class": "3", "school": "SDN 1 BANDUNG"}


def test_matches_need_both_ends_visible(published: GraphStore) -> None:
    m = published.matches_of_records(["dukcapil:D1", "pkh_2025:K2"], EVERYTHING)
    assert [(x.left_key, x.right_key, x.probability) for x in m["dukcapil:D1"]] == [
        ("pkh_2025:K1", "dukcapil:D1", 0.99), ("bpnt_2025:B1", "dukcapil:D1", 0.95),
        ("pkh_2025:K5", "dukcapil:D1", 0.4)]
    assert m["dukcapil:D1"][0].weights == {"nik": 8.0} and m["dukcapil:D1"][0].run_id == "run-1"
    assert [x.left_key for x in m["pkh_2025:K2"]] == ["pkh_2025:K2"]
    bandung_linkage = Visibility(("3273",), EVERYTHING.groups)
    scoped = published.matches_of_records(["dukcapil:D1", "pkh_2025:K5"], bandung_linkage)
    assert list(scoped) == ["dukcapil:D1"]
    assert [x.left_key for x in scoped["dukcapil:D1"]] == ["pkh_2025:K1", "bpnt_2025:B1"]
    assert published.matches_of_records(["dukcapil:D1"], HEALTH) == {}


def test_enrolments_one_per_enrolling_record(published: GraphStore) -> None:
    e = published.enrolments_of_persons(["P1", "P2", "P4", "P9"], EVERYTHING)
    assert [(x.program, x.dataset, x.source_id) for x in e["P1"]] == [
        ("BPNT", "bpnt_2025", "B1"), ("PKH", "pkh_2025", "K1"), ("PKH", "pkh_2025", "K2")]
    assert e["P2"] == [] and "P9" not in e
    assert e["P1"][0].agency == "kemensos"
    assert published.enrolments_of_persons(["P1", "P4"], BANDUNG).keys() == {"P1"}
    assert published.enrolments_of_persons(["P1"], BARE) == {}


def test_batch_lists_map_every_visible_id(published: GraphStore) -> None:
    assert published.records_of_persons(["P2", "P4", "NOPE"], BANDUNG) == {}          # no LINKAGE
    steward = published.records_of_persons(["P2", "P4", "NOPE"], STEWARD_32)
    assert list(steward) == ["P2"] and [r.record_key for r in steward["P2"]] == ["dukcapil:D2"]
    assert published.matches_of_records(["dukcapil:D2"], EVERYTHING) == {"dukcapil:D2": []}
    assert published.enrolments_of_persons(["P2"], BANDUNG) == {"P2": []}
