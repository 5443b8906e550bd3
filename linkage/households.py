"""Group resolved people into households, with each person's role.

The KK (family card) is the strongest household key, but it changes over
time: when a family splits, the leaving members get a new KK, while older
agency lists still show the old one. So each person is placed by the KK the
civil registry (a ``reference`` dataset) holds for them, since the register is
kept current and agency lists are not; failing that, by their *newest* KK (the
issue date is embedded in the number: district(6) + DDMMYY + serial(4)).
People with no KK on any record join a household by family ties (their
mother's name is the name of a woman in a household of the same village) or
by the same address in the same village; failing both, they form a household
of their own. A person's role comes from the relationship-to-head codes on
their records, preferring records that carry the chosen KK.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import duckdb
import pyarrow as pa

__all__ = ["assign_households", "kk_issue_date"]

_K = TypeVar("_K")

_SCHEMA = pa.schema([("cluster_id", pa.string()), ("household_cluster_id", pa.string()),
                     ("role", pa.string())])

_PERSON_SQL = """
SELECT c.cluster_id, r.kk, r.relationship, r.village_code, r.address, r.mother_name_key,
       r.name_key, r.sex, r.nik_sex, coalesce(r.reference, false)
FROM person_clusters c JOIN records r USING (record_key)
ORDER BY c.cluster_id, r.record_key
"""


def kk_issue_date(kk: str) -> date | None:
    """The issue date embedded in a 16-digit KK number, or None if it is not a real date."""
    if len(kk) != 16 or not kk.isdigit():
        return None
    day, month, yy = int(kk[6:8]), int(kk[8:10]), int(kk[10:12])
    year = 2000 + yy if yy <= date.today().year % 100 else 1900 + yy
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(slots=True)
class _Person:
    # Counts in plain dicts: six empty Counters per person cost 1 s per 44k people (Counter's
    # __init__ goes through update), a third of the stage; only += and max over them are needed.
    kks: dict[str, int] = field(default_factory=dict)
    registered_kks: dict[str, int] = field(default_factory=dict)   # KKs on civil-registry records
    roles: list[tuple[str | None, str]] = field(default_factory=list)   # (kk of the record, role)
    villages: dict[str, int] = field(default_factory=dict)
    addresses: dict[tuple[str, str], int] = field(default_factory=dict)
    mother_keys: dict[str, int] = field(default_factory=dict)
    name_keys: dict[str, int] = field(default_factory=dict)
    female: bool = False


def _count(counts: dict[_K, int], key: _K) -> None:
    counts[key] = counts.get(key, 0) + 1


def _collect(con: duckdb.DuckDBPyConnection) -> dict[str, _Person]:
    people: dict[str, _Person] = defaultdict(_Person)
    rows = con.execute(_PERSON_SQL).fetchall()
    for cluster, kk, role, village, address, mother, name, sex, nik_sex, reference in rows:
        p = people[cluster]
        if kk:
            _count(p.kks, kk)
            if reference:
                _count(p.registered_kks, kk)
        if role:
            p.roles.append((kk, role))
        if village:
            _count(p.villages, village)
            if address:
                _count(p.addresses, (village, " ".join(address.upper().split())))
        if mother:
            _count(p.mother_keys, mother)
        if name:
            _count(p.name_keys, name)
        p.female = p.female or (sex or nik_sex) == "P"
    return people


def _current_kk(person: _Person) -> str:
    # The registry's KK when there is one (agencies keep stale cards); then the newest
    # issue date; then the KK seen on most records; then the number itself.
    kks = person.registered_kks or person.kks
    return max(kks, key=lambda kk: (kk_issue_date(kk) or date.min, kks[kk], kk))


def _role(person: _Person, kk: str | None) -> str:
    on_card = [role for card, role in person.roles if card == kk] if kk else []
    roles = Counter(on_card or [role for _card, role in person.roles])
    if not roles:
        return "other"
    return max(roles, key=lambda role: (roles[role], role == "head", role))


def _top(counter: Mapping[_K, int]) -> _K | None:
    return max(counter, key=lambda k: (counter[k], k)) if counter else None


def assign_households(con: duckdb.DuckDBPyConnection) -> None:
    """Write ``household_clusters(cluster_id, household_cluster_id, role)``, one row per person.

    Reads the workspace tables ``records`` and ``person_clusters``. Household
    cluster keys are ``kk:<KK>``, ``addr:<village>|<address>`` or
    ``solo:<person cluster>``; stable household ids are given later by
    :mod:`linkage.stable_ids`.
    """
    people = _collect(con)
    household: dict[str, str] = {}
    for cluster, person in people.items():
        if person.kks:
            household[cluster] = "kk:" + _current_kk(person)

    # Family ties: a woman's name in a KK household of a village, for mothers of KK-less people.
    mothers: dict[tuple[str, str], str] = {}
    addresses: dict[tuple[str, str], str] = {}
    for cluster in sorted(household):
        person = people[cluster]
        village = _top(person.villages)
        if village is None:
            continue
        if person.female:
            for name in person.name_keys:
                mothers.setdefault((village, name), household[cluster])
        for addr in person.addresses:
            addresses.setdefault(addr, household[cluster])

    via_mother: set[str] = set()
    for cluster in sorted(people):
        if cluster in household:
            continue
        person = people[cluster]
        village = _top(person.villages)
        mother = _top(person.mother_keys)
        address = _top(person.addresses)
        if village is not None and mother is not None and (village, mother) in mothers:
            household[cluster] = mothers[(village, mother)]
            via_mother.add(cluster)
        elif address is not None and address in addresses:
            household[cluster] = addresses[address]
        elif address is not None:
            household[cluster] = addresses[address] = "addr:{}|{}".format(*address)
        else:
            household[cluster] = f"solo:{cluster}"

    clusters = sorted(household)
    roles = []
    for cluster in clusters:
        key = household[cluster]
        role = _role(people[cluster], key[3:] if key.startswith("kk:") else None)
        roles.append("child" if role == "other" and cluster in via_mother else role)
    table = pa.table({"cluster_id": clusters, "household_cluster_id": [household[c] for c in clusters],
                      "role": roles}, schema=_SCHEMA)
    con.register("_household_rows", table)
    try:
        con.execute("CREATE OR REPLACE TABLE household_clusters AS SELECT * FROM _household_rows")
    finally:
        con.unregister("_household_rows")
