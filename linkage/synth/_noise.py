"""How an agency's clerk gets a person's identity wrong, at that agency's rates.

Each error kind has a rate per dataset (``Rates``); ``Noise`` applies them to
one person's true values. Rates are per record and independent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from linkage.synth._population import Person
from linkage.synth._spelling import (
    TITLES_AFTER,
    TITLES_BEFORE,
    muhammad_variant,
    to_new_spelling,
    typo,
)

__all__ = ["Noise", "Rates"]


@dataclass(frozen=True, slots=True)
class Rates:
    nik_missing: float = 0.0
    nik_typo: float = 0.0          # one mistyped digit
    nik_family: float = 0.0        # a family member's NIK entered instead
    name_typo: float = 0.0
    muhammad: float = 0.0          # another spelling of Muhammad
    modernise: float = 0.0         # an old-spelled registered name typed in today's spelling
    titles: float = 0.0            # H., Hj., Ir., Drs., ... added (adults)
    truncate: int | None = None    # the system's name field width
    date_swap: float = 0.0         # day and month swapped (when both <= 12)
    year_off: float = 0.0          # year off by one
    placeholder: float = 0.0       # unknown date written as 1 January
    stale: float = 0.0             # the previous KK / village of people who split off or moved
    duplicate: float = 0.0         # the same person enrolled twice


class Noise:
    def __init__(self, rng: random.Random, rates: Rates, family: dict[str, list[Person]]) -> None:
        self.rng = rng
        self.rates = rates
        self._family = family

    def nik(self, p: Person) -> str:
        r, rng = self.rates, self.rng
        x = rng.random()
        if x < r.nik_missing:
            return ""
        x -= r.nik_missing
        if x < r.nik_typo:
            i = rng.randrange(6, 16)
            return p.nik[:i] + str((int(p.nik[i]) + rng.randint(1, 9)) % 10) + p.nik[i + 1:]
        x -= r.nik_typo
        if x < r.nik_family:
            others = [m for m in self._family.get(p.household_id, ()) if m is not p]
            if others:
                return rng.choice(others).nik
        return p.nik

    def name(self, p: Person, *, adult_titles: bool = True) -> str:
        r, rng = self.rates, self.rng
        name = p.full_name
        if r.modernise and rng.random() < r.modernise:
            name = to_new_spelling(name)
        if r.muhammad and rng.random() < r.muhammad:
            name = muhammad_variant(name, rng)
        if r.name_typo and rng.random() < r.name_typo:
            name = typo(name, rng)
        if adult_titles and r.titles and p.age >= 25 and rng.random() < r.titles:
            if rng.random() < 0.6:
                name = f"{rng.choice(TITLES_BEFORE[1:2] if p.sex == 'P' else TITLES_BEFORE)} {name}"
            else:
                name = f"{name}{rng.choice(TITLES_AFTER)}"
        if r.truncate and len(name) > r.truncate:
            name = name[:r.truncate]
        return name

    def birth(self, p: Person) -> date:
        r, rng = self.rates, self.rng
        born = p.birth_date
        x = rng.random()
        if x < r.date_swap and born.day <= 12 and born.day != born.month:
            return born.replace(day=born.month, month=born.day)
        x -= r.date_swap
        if x < r.year_off:
            try:
                return born.replace(year=born.year + rng.choice((-1, 1)))
            except ValueError:   # 29 February
                return born + timedelta(days=365)
        x -= r.year_off
        if x < r.placeholder:
            return date(born.year, 1, 1)
        return born

    def stale(self) -> bool:
        return self.rng.random() < self.rates.stale

    def kk_village_relationship(self, p: Person) -> tuple[str, str, str]:
        """The KK, village and relationship an agency holds: the current ones, or stale ones."""
        if (p.previous_kk or p.previous_village) and self.stale():
            return (p.previous_kk or p.kk, p.previous_village or p.village,
                    p.previous_relationship or p.relationship)
        return p.kk, p.village, p.relationship
