"""Expected answers computed from the test publication itself (not from the store)."""

from __future__ import annotations

from graph.model import mask_number
from tests.api._data import ROLES, VILLAGES, decile, person_id, publication

PUB = publication()
PERSONS = {p.person_id: p for p in PUB.persons}
HOUSEHOLDS = {h.household_id: h for h in PUB.households}


def in_region(village: str, prefix: str) -> bool:
    return village.startswith(prefix)


def enrolled(program: str) -> set[str]:
    return {r.person_id for r in PUB.records if r.program == program}


def people_in(prefix: str) -> list[str]:
    return sorted(p.person_id for p in PUB.persons if p.village_code.startswith(prefix))


def inclusion_errors(program: str, ceiling: int, prefix: str = "") -> list[str]:
    on = enrolled(program)
    return sorted(pid for pid in people_in(prefix) if pid in on
                  and HOUSEHOLDS[PERSONS[pid].household_id].welfare_decile > ceiling)


def exclusion_errors(program: str, ceiling: int, prefix: str = "") -> list[str]:
    on = enrolled(program)
    return sorted(pid for pid in people_in(prefix) if pid not in on
                  and HOUSEHOLDS[PERSONS[pid].household_id].welfare_decile <= ceiling)


def masked(number: str) -> str:
    return str(mask_number(number))


__all__ = ["HOUSEHOLDS", "PERSONS", "PUB", "ROLES", "VILLAGES", "decile", "enrolled", "exclusion_errors",
           "inclusion_errors", "masked", "people_in", "person_id"]
