"""The contract suite's one publication, small enough to reason about by hand.

Three regencies in two provinces (3273 Kota Bandung and 3201 Kab. Bogor in
province 32, 3578 Kota Surabaya in 35), a national-only person without a
village, a legacy duplicated NIK, a deceased person still enrolled, a
duplicate PKH enrolment, and 40 plain PKH persons (``Q000``-``Q039``) for
pagination. The expected answers in the tests are written from this text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from graph import (
    DatasetRow,
    FieldGroup,
    HouseholdRow,
    LineageRow,
    LinkageRunRow,
    MatchRow,
    PersonRow,
    Publication,
    RecordRow,
    ReviewItemRow,
    Verification,
    Visibility,
)

NIK_P1 = "3273014101800001"
NIK_P2 = "3273011212780002"
KK_H1 = "3273011501200001"
V_BDG1, V_BDG2, V_SBY, V_BGR = "3273010001", "3273010002", "3578010001", "3201010001"
BULK = [f"Q{i:03d}" for i in range(40)]          # in V_BDG2, PKH; every third also BPNT

G = FieldGroup
EVERYTHING = Visibility.everything()
BARE = Visibility(None, frozenset())
HEALTH = Visibility(None, frozenset({G.IDENTITY, G.NIK, G.HEALTH, G.HOUSEHOLD, G.PROGRAM}))
EDUCATION = Visibility(None, frozenset({G.IDENTITY, G.EDUCATION, G.HOUSEHOLD, G.PROGRAM}))
BANDUNG = Visibility(("3273",), frozenset({G.IDENTITY, G.NIK, G.CONTACT, G.HOUSEHOLD, G.WELFARE, G.PROGRAM}))
STEWARD_32 = Visibility(("32",), frozenset(FieldGroup))
NOWHERE = Visibility(("99",), frozenset(FieldGroup))


def _run(run_id: str, day: int) -> LinkageRunRow:
    return LinkageRunRow(run_id, datetime(2026, 1, day, 1, tzinfo=UTC), datetime(2026, 1, day, 2, tzinfo=UTC),
                         0.9, '{"model": "' + run_id + '"}', {"records": 0})


def _rec(key: str, person: str, program: str | None = None, **kw: object) -> RecordRow:
    dataset, source_id = key.split(":")
    return RecordRow(record_key=key, dataset=dataset, source_id=source_id, person_id=person, program=program,
                     **kw)  # type: ignore[arg-type]


def publication(run_id: str = "run-1", day: int = 1) -> Publication:
    datasets = [DatasetRow("dukcapil", "dukcapil", None, True),
                DatasetRow("pkh_2025", "kemensos", "PKH", False),
                DatasetRow("bpnt_2025", "kemensos", "BPNT", False),
                DatasetRow("pbi_2025", "kemenkes", "PBI-JK", False)]
    households = [
        HouseholdRow("H1", KK_H1, V_BDG1, "Jl. Merdeka 1", 1, {"floor_type": "tanah"}),
        HouseholdRow("H2", "3578012002200002", V_SBY, "Jl. Pemuda 2", 7),
        HouseholdRow("H3", "3201010303200003", V_BGR, None, None),
    ]
    persons = [
        PersonRow("P1", "H1", "head", NIK_P1, "SITI AMINAH", date(1980, 1, 1), "P", "BANDUNG", "FATIMAH",
                  "Jl. Merdeka 1", "6281200000001", V_BDG1, Verification.VERIFIED, health={"pbi_class": "3"}),
        PersonRow("P2", "H1", "spouse", NIK_P2, "AHMAD", date(1978, 12, 12), "L", "BANDUNG", None,
                  "Jl. Merdeka 1", None, V_BDG1, Verification.VERIFIED),
        PersonRow("P3", "H1", "child", None, "BUDI", date(2012, 5, 5), "L", village_code=V_BDG1,
                  verification=Verification.NO_NIK, education={"school": "SDN 1 BANDUNG"}),
        PersonRow("P4", "H2", "head", "3578010505500004", "SUPARMAN", date(1950, 5, 5), "L",
                  village_code=V_SBY, verification=Verification.DECEASED, death_date=date(2024, 5, 1)),
        PersonRow("P5", "H3", "head", NIK_P1, "SITI AMINA", date(1980, 1, 1), "P", village_code=V_BGR,
                  verification=Verification.NIK_OF_ANOTHER),
        PersonRow("P6", None, None, "9999010101010006", "JOHN", None, None),
        *[PersonRow(q, None, None, f"32730101010{i:05d}", f"WARGA {q}", date(1990, 1, 1), "P",
                    village_code=V_BDG2, verification=Verification.VERIFIED) for i, q in enumerate(BULK)],
    ]
    records = [
        _rec("dukcapil:D1", "P1", nik=NIK_P1, kk=KK_H1, full_name="SITI AMINAH", village_code=V_BDG1),
        _rec("dukcapil:D2", "P2", nik=NIK_P2, kk=KK_H1, full_name="AHMAD", village_code=V_BDG1),
        _rec("dukcapil:D4", "P4", nik="3578010505500004", full_name="SUPARMAN", village_code=V_SBY),
        _rec("pkh_2025:K1", "P1", "PKH", nik=NIK_P1, kk=KK_H1, full_name="SITI AMINAH",
             address="Jl Merdeka 1", village_code=V_BDG1,
             attributes={"welfare_decile": "1", "floor_type": "tanah", "kis": "A1"},
             original={"nik": NIK_P1, "full_name": "Siti Aminah", "address": "Jl Merdeka 1"},
             flags=["birth_date_placeholder"]),
        _rec("pkh_2025:K2", "P1", "PKH", nik=NIK_P1, full_name="SITI AMINAH", village_code=V_BDG1),
        _rec("bpnt_2025:B1", "P1", "BPNT", nik=NIK_P1, full_name="SITI AMINAH", village_code=V_BDG1),
        _rec("bpnt_2025:B2", "P4", "BPNT", full_name="SUPARMAN", village_code=V_SBY),
        _rec("pkh_2025:K4", "P4", "PKH", full_name="SUPARMAN", village_code=V_SBY),
        _rec("pbi_2025:J3", "P3", "PBI-JK", full_name="BUDI", village_code=V_BDG1,
             attributes={"pbi_class": "3", "school": "SDN 1 BANDUNG"}),
        _rec("pkh_2025:K5", "P5", "PKH", nik=NIK_P1, full_name="SITI AMINA", village_code=V_BGR),
        _rec("bpnt_2025:B6", "P6", "BPNT", full_name="JOHN"),
        *[_rec(f"pkh_2025:{q}", q, "PKH", full_name=f"WARGA {q}", village_code=V_BDG2) for q in BULK],
        *[_rec(f"bpnt_2025:{q}", q, "BPNT", full_name=f"WARGA {q}", village_code=V_BDG2) for q in BULK[::3]],
    ]
    matches = [MatchRow("pkh_2025:K1", "dukcapil:D1", 0.99, 12.0, {"nik": 8.0}, {"nik": "exact"}),
               MatchRow("pkh_2025:K2", "pkh_2025:K1", 0.97, 9.0),
               MatchRow("bpnt_2025:B1", "dukcapil:D1", 0.95, 7.5),
               MatchRow("pkh_2025:K5", "dukcapil:D1", 0.4, -0.5)]
    review = [
        ReviewItemRow("R1", "uncertain_pair", "pkh_2025:K5", "dukcapil:D1", None, V_BGR, 0.4, 0.9,
                      {"nik": "exact"}, programs=["PKH"]),
        ReviewItemRow("R2", "uncertain_pair", "pkh_2025:K2", "pkh_2025:K1", "P1", V_BDG1, 0.97, 0.5,
                      programs=["PKH"]),
        ReviewItemRow("R3", "uncertain_pair", "bpnt_2025:B2", "dukcapil:D4", "P4", V_SBY, 0.6, 0.7,
                      programs=["BPNT"]),
        ReviewItemRow("R4", "conflicting_nik", None, None, "P5", V_BGR, None, 0.7),
    ]
    lineage = [LineageRow("person", "OLD1", ["P1", "P4"], run_id),
               LineageRow("household", "HOLD", ["H3"], run_id)]
    return Publication(_run(run_id, day), datasets, records, persons, households, matches, review, lineage)


def second_publication() -> Publication:
    """Run 2: P6 and its record are gone, P7 joins H2, Q039 moved to Surabaya."""
    pub = publication("run-2", 2)
    pub.persons = [p for p in pub.persons if p.person_id != "P6"]
    pub.records = [r for r in pub.records if r.person_id != "P6"]
    pub.persons.append(PersonRow("P7", "H2", "child", None, "SRI", date(2000, 2, 2), "P", village_code=V_SBY))
    pub.records.append(_rec("pkh_2025:K7", "P7", "PKH", full_name="SRI", village_code=V_SBY))
    for p in pub.persons:
        if p.person_id == "Q039":
            p.village_code = V_SBY
    return pub
