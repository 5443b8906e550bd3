"""A small hand-built publication for the API tests (until the real pipeline feeds them).

40 households of three (head, spouse, child) = 120 people in four villages of three
regencies: 3273 Kota Bandung (25 households) and 3201 Kab. Bogor (10) in province 32, and
3578 Kota Surabaya (5 households, 15 people: small cells there). Household ``Hnnnn`` has
welfare decile ``n % 10 + 1``. Every person has a Dukcapil record; heads of households with
decile <= 6 are in PKH (so deciles 5-6 are inclusion errors against PKH's ceiling of 4),
whole households with decile <= 5 in PBI-JK, children in PIP. H0001's head died in 2024 and
is still in PKH; H0002's head is enrolled in PKH twice.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from graph import (
    DatasetRow,
    HouseholdRow,
    LinkageRunRow,
    MatchRow,
    PersonRow,
    Publication,
    RecordRow,
    ReviewItemRow,
    Verification,
)

VILLAGES = ["3273010001"] * 15 + ["3273010002"] * 10 + ["3201010001"] * 10 + ["3578010001"] * 5
ROLES = (("head", "L", 1970), ("spouse", "P", 1972), ("child", "L", 2012))
HOUSEHOLDS = [f"H{i:04d}" for i in range(1, 41)]


def decile(h: int) -> int:
    return h % 10 + 1


def nik(village: str, born: date, female: bool, serial: int) -> str:
    day = born.day + (40 if female else 0)
    return f"{village[:6]}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def person_id(h: int, member: int) -> str:
    return f"P{h:04d}{member}"


def publication() -> Publication:
    run = LinkageRunRow("run-api-1", datetime(2026, 1, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 2, tzinfo=UTC),
                        0.9, '{"model": "api-test"}', {"records": 0})
    datasets = [DatasetRow("dukcapil", "dukcapil", None, True),
                DatasetRow("pkh_2025", "kemensos", "PKH", False),
                DatasetRow("pbi_2025", "kemenkes", "PBI-JK", False),
                DatasetRow("pip_2025", "kemendikbud", "PIP", False)]
    households, persons, records, matches = [], [], [], []
    for h, village in enumerate(VILLAGES, start=1):
        hid, kk = HOUSEHOLDS[h - 1], f"{village[:6]}150120{h:04d}"
        households.append(HouseholdRow(hid, kk, village, f"Jl. Mawar {h}", decile(h),
                                       {"floor_type": "semen"}))
        for m, (role, sex, year) in enumerate(ROLES, start=1):
            pid, born = person_id(h, m), date(year, (h % 12) + 1, (m * 7) % 28 + 1)
            number = nik(village, born, sex == "P", h * 10 + m)
            dead = h == 1 and role == "head"
            persons.append(PersonRow(
                pid, hid, role, number, f"WARGA {h} {m}", born, sex, "BANDUNG", f"IBU {h} {m}",
                f"Jl. Mawar {h}", f"08120000{h:03d}{m}", village,
                Verification.DECEASED if dead else Verification.VERIFIED,
                death_date=date(2024, 5, 1) if dead else None,
                health={"pbi_class": "3"} if decile(h) <= 5 else {},
                education={"school": f"SDN {h}", "grade": "5"} if role == "child" else {}))
            records.append(RecordRow(f"dukcapil:D{pid}", "dukcapil", f"D{pid}", pid, None, number, kk,
                                     f"WARGA {h} {m}", born, "BANDUNG", sex, village_code=village,
                                     relationship=role))
            if role == "head" and decile(h) <= 6:
                copies = 2 if h == 2 else 1
                for c in range(copies):
                    key = f"pkh_2025:K{pid}{c}"
                    records.append(RecordRow(key, "pkh_2025", f"K{pid}{c}", pid, "PKH", number, kk,
                                             f"WARGA {h} {m}", born, village_code=village,
                                             attributes={"welfare_decile": str(decile(h))}))
                    weights, levels = {"nik": 8.0, "full_name": 2.5}, {"nik": "exact", "full_name": "exact"}
                    matches.append(MatchRow(key, f"dukcapil:D{pid}", 0.98, 10.5, weights, levels))
            if decile(h) <= 5:
                records.append(RecordRow(f"pbi_2025:J{pid}", "pbi_2025", f"J{pid}", pid, "PBI-JK", number,
                                         full_name=f"WARGA {h} {m}", village_code=village,
                                         attributes={"pbi_class": "3"}))
            if role == "child":
                records.append(RecordRow(f"pip_2025:S{pid}", "pip_2025", f"S{pid}", pid, "PIP", None,
                                         full_name=f"WARGA {h} {m}", village_code=village,
                                         attributes={"school": f"SDN {h}"}))
    review = [ReviewItemRow("R1", "uncertain_pair", f"pkh_2025:K{person_id(2, 1)}1",
                            f"dukcapil:D{person_id(2, 1)}", person_id(2, 1), VILLAGES[1], 0.6, 0.9,
                            {"nik": "exact"}, programs=["PKH"]),
              ReviewItemRow("R2", "uncertain_pair", f"pkh_2025:K{person_id(40, 1)}0",
                            f"dukcapil:D{person_id(40, 1)}", person_id(40, 1), VILLAGES[39], 0.5, 0.8,
                            programs=["PKH"])]
    return Publication(run, datasets, records, persons, households, matches, review)
