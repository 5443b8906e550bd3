"""The true population: people in households, with NIK, KK, villages, and the hard cases.

Hard cases made on purpose: twins (same birth date, same mother), sons named
after their fathers, placeholder birth dates (1 January, 31 December) for
older people, pre-1972 spellings in older people's registered names,
households that moved since their NIKs were issued, families split off with a
new KK, and people who have died.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from linkage.nik import format_nik
from linkage.synth._pools import family_of, female_name, male_name, mother_name
from linkage.synth._regions import Village, build_villages
from linkage.synth._spelling import to_old_spelling

__all__ = ["TODAY", "Household", "Person", "build_population"]

TODAY = date(2025, 6, 30)   # the synthetic 'now': fixed so a seed always gives the same data


@dataclass(slots=True)
class Person:
    person_id: str
    household_id: str
    full_name: str
    sex: str
    birth_date: date
    birth_place: str
    mother_name: str
    relationship: str
    nik: str
    kk: str
    village: str
    phone: str | None = None
    death_date: date | None = None
    ethnicity: str = "muslim"
    previous_kk: str | None = None             # the parents' KK, for someone whose family split off
    previous_village: str | None = None        # before the household moved
    previous_relationship: str | None = None
    twin: bool = False
    named_after_father: bool = False

    @property
    def age(self) -> int:
        return (TODAY - self.birth_date).days // 365


@dataclass(slots=True)
class Household:
    household_id: str
    kk: str
    village: Village
    welfare_decile: int
    members: list[Person] = field(default_factory=list)
    moved_from: Village | None = None


class _Numbers:
    """Unique NIK and KK serials per 12-digit prefix."""

    def __init__(self) -> None:
        self._serial: dict[str, int] = {}

    def nik(self, district: str, born: date, sex: str) -> str:
        prefix = format_nik(district, born, sex, 0)[:12]
        n = self._serial.get(prefix, 0) + 1
        self._serial[prefix] = n
        return prefix + f"{n:04d}"

    def kk(self, district: str, issued: date) -> str:
        return self.nik(district, issued, "L")


def _birth(rng: random.Random, age_low: int, age_high: int) -> date:
    born = TODAY - timedelta(days=rng.randint(age_low * 365, age_high * 365 + 364))
    if born.year < 1975 and rng.random() < 0.12:   # unknown birth date written as a placeholder
        born = date(born.year, 1, 1) if rng.random() < 0.7 else date(born.year, 12, 31)
    return born


def _phone(rng: random.Random) -> str:
    return f"08{rng.choice('1125789')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.villages = build_villages(rng)
        self._cumulative = list(accumulate(v.regency.weight for v in self.villages))
        self.numbers = _Numbers()
        self.people: list[Person] = []
        self.households: list[Household] = []

    def village(self) -> Village:
        return self.rng.choices(self.villages, cum_weights=self._cumulative)[0]

    def person(self, hh: Household, name: str, sex: str, born: date, relationship: str, mother: str,
               ethnicity: str, origin: Village) -> Person:
        rng = self.rng
        registered = origin if born < TODAY - timedelta(days=365 * 10) else hh.village
        if born.year < 1972 and rng.random() < 0.4:
            name = to_old_spelling(name)
        p = Person(f"P{len(self.people) + 1:07d}", hh.household_id, name, sex, born,
                   rng.choice((origin.regency.name, hh.village.regency.name)), mother, relationship,
                   self.numbers.nik(registered.district, born, sex), hh.kk, hh.village.code,
                   _phone(rng) if born < TODAY - timedelta(days=365 * 17) and rng.random() < 0.6 else None,
                   ethnicity=ethnicity)
        if hh.moved_from is not None:
            p.previous_village = hh.moved_from.code
        age = p.age
        if rng.random() < (0.003 + (0.08 if age > 60 else 0)):
            p.death_date = TODAY - timedelta(days=rng.randint(30, 1500))
            if p.death_date <= born:
                p.death_date = None
        hh.members.append(p)
        self.people.append(p)
        return p

    def household(self, village: Village | None = None) -> Household:
        rng = self.rng
        village = village or self.village()
        moved_from = None
        if rng.random() < 0.08:
            moved_from = self.village()
        decile = min(10, 1 + int(rng.random() ** 1.3 * 10))
        issued = TODAY - timedelta(days=rng.randint(30, 365 * 20))
        hh = Household(f"H{len(self.households) + 1:07d}", self.numbers.kk(village.district, issued),
                       village, decile, moved_from=moved_from)
        self.households.append(hh)
        return hh

    def family(self) -> None:
        rng = self.rng
        village = self.village()
        ethnicity = rng.choices(*zip(*village.regency.ethnicities, strict=True))[0]
        hh = self.household(village)
        origin = hh.moved_from or hh.village
        head_born = _birth(rng, 22, 75)
        head_name = male_name(rng, ethnicity)
        head = self.person(hh, head_name, "L", head_born, "head", mother_name(rng, ethnicity), ethnicity,
                           origin)
        wife = None
        if rng.random() < 0.85:
            wife_born = _birth(rng, max(18, head.age - 12), max(19, head.age - 1))
            wife = self.person(hh, female_name(rng, ethnicity), "P", wife_born, "spouse",
                               mother_name(rng, ethnicity), ethnicity, origin)
        else:
            head.full_name = female_name(rng, ethnicity)
            head.sex = "P"
            head.nik = self.numbers.nik(head.nik[:6], head.birth_date, "P")
        if rng.random() < 0.06 and head.age > 45:
            self.person(hh, female_name(rng, ethnicity), "P", _birth(rng, head.age + 20, head.age + 30),
                        "parent", mother_name(rng, ethnicity), ethnicity, origin)
        mother = wife.full_name if wife else mother_name(rng, ethnicity)
        youngest = (wife or head).age - 17
        family = family_of(head.full_name, ethnicity) if head.sex == "L" else None
        n_children = rng.choices((0, 1, 2, 3, 4, 5), weights=(12, 20, 30, 22, 10, 6))[0]
        for order in range(n_children):
            if youngest < 1:
                break
            age = rng.randint(0, min(youngest, 40))
            sex = rng.choice("LP")
            born = _birth(rng, age, age)
            name = (male_name if sex == "L" else female_name)(rng, ethnicity, family=family, order=order)
            son = sex == "L" and order == 0 and head.sex == "L" and rng.random() < 0.03
            child = self.person(hh, head.full_name if son else name, sex, born, "child", mother, ethnicity,
                                origin)
            child.named_after_father = son
            if rng.random() < 0.012:   # twins: same day, same mother, names often alike
                twin_sex = rng.choice("LP")
                twin_name = (male_name if twin_sex == "L" else female_name)(rng, ethnicity, family=family,
                                                                            order=order + 1)
                twin = self.person(hh, twin_name, twin_sex, born, "child", mother, ethnicity, origin)
                child.twin = twin.twin = True
            if child.age >= 22 and sex == "L" and rng.random() < 0.5:
                self.split_off(child, hh, ethnicity)

    def split_off(self, son: Person, parents: Household, ethnicity: str) -> None:
        """A married son leaves with a new KK in the same or a nearby village; old lists still show him."""
        rng = self.rng
        hh = self.household(parents.village if rng.random() < 0.6 else None)
        hh.moved_from = None
        parents.members.remove(son)
        son.previous_kk, son.previous_relationship = son.kk, "child"
        son.previous_village = parents.village.code
        son.household_id, son.kk, son.village = hh.household_id, hh.kk, hh.village.code
        son.relationship = "head"
        hh.members.append(son)
        hh.welfare_decile = max(1, parents.welfare_decile + rng.choice((-1, 0, 0, 1)))
        wife = self.person(hh, female_name(rng, ethnicity), "P", _birth(rng, max(18, son.age - 8), son.age),
                           "spouse", mother_name(rng, ethnicity), ethnicity, hh.village)
        for order in range(rng.choice((0, 1, 1, 2))):
            age = rng.randint(0, max(0, min(wife.age, son.age) - 18))
            sex = rng.choice("LP")
            self.person(hh, (male_name if sex == "L" else female_name)(rng, ethnicity, order=order), sex,
                        _birth(rng, age, age), "child", wife.full_name, ethnicity, hh.village)


def build_population(people: int, rng: random.Random) -> tuple[list[Person], list[Household]]:
    """About ``people`` people (whole households, so a few more) and their households."""
    builder = _Builder(rng)
    while len(builder.people) < people:
        builder.family()
    return builder.people, builder.households
