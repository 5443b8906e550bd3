"""Large synthetic publications for the crash test and the store benchmark.

Deterministic for a given size and tag: each person gets one Dukcapil record
and one program record (PKH, BPNT or PBI-JK in turn), four people share a
household, villages spread over three regencies in two provinces, one MATCHES
edge per person and a review item for one person in a hundred. Every name
carries ``tag``, so a reader can tell which run it is looking at.
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

__all__ = ["REGENCIES", "synthetic_publication"]

REGENCIES = ("3273", "3201", "3578")
_PROGRAMS = (("pkh", "PKH"), ("bpnt", "BPNT"), ("pbi", "PBI-JK"))


def synthetic_publication(records: int, tag: str = "A", run_id: str | None = None) -> Publication:
    """A publication with ``records`` records (rounded down to even) for ``records // 2`` persons."""
    n = records // 2
    datasets = [DatasetRow("dukcapil", "dukcapil", None, True)] + [
        DatasetRow(f"{name}_2025", "kemensos", program, False) for name, program in _PROGRAMS]
    persons: list[PersonRow] = []
    households: list[HouseholdRow] = []
    recs: list[RecordRow] = []
    matches: list[MatchRow] = []
    review: list[ReviewItemRow] = []
    for i in range(n):
        village = f"{REGENCIES[i % 3]}{(i // 3) % 20 + 1:02d}{(i // 60) % 30 + 1:04d}"
        hh = f"H{i // 4:08d}"
        if i % 4 == 0:
            households.append(HouseholdRow(hh, f"{village[:6]}0101{i // 4 % 10**6:06d}", village,
                                           f"JL {tag} {i}", (i // 4) % 10 + 1, {"floor_type": "semen"}))
        nik = f"{village[:6]}{(i % 28) + 1:02d}0190{i % 10**4:04d}"
        pid = f"P{i:08d}"
        persons.append(PersonRow(pid, hh, ("head", "spouse", "child", "child")[i % 4], nik,
                                 f"WARGA {tag} {i}", date(1990, 1, (i % 28) + 1), "LP"[i % 2], "KOTA",
                                 f"IBU {i}", f"JL {tag} {i}", f"62812{i:08d}", village,
                                 Verification.VERIFIED, health={"pbi_class": "3"} if i % 3 == 2 else {}))
        name, program = _PROGRAMS[i % 3]
        left = RecordRow(f"dukcapil:D{i}", "dukcapil", f"D{i}", pid, None, nik, None, f"WARGA {tag} {i}",
                         village_code=village)
        right = RecordRow(f"{name}_2025:S{i}", f"{name}_2025", f"S{i}", pid, program, nik, None,
                          f"WARGA {tag} {i}", village_code=village, attributes={"welfare_decile": "3"})
        recs += (left, right)
        matches.append(MatchRow(right.record_key, left.record_key, 0.99, 11.0, {"nik": 9.0},
                                {"nik": "exact"}))
        if i % 100 == 0:
            review.append(ReviewItemRow(f"R{i}", "uncertain_pair", right.record_key, left.record_key, pid,
                                        village, 0.6, (i % 997) / 997, programs=[program]))
    run = LinkageRunRow(run_id or f"run-{tag}", datetime(2026, 1, 1, tzinfo=UTC),
                        datetime(2026, 1, 1, 1, tzinfo=UTC), 0.9, "{}", {"tag": tag})
    return Publication(run, datasets, recs, persons, households, matches, review)
