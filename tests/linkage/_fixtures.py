"""Small hand-rolled canonical records (the ``records`` table contract) for linkage tests.

Independent of the synthetic generator so these tests pin the model's behaviour on
data whose truth is written here: households with a KK, a civil-registry extract,
and two program lists with typos, missing NIKs and a relative's NIK.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pyarrow as pa

from linkage.canonical import RECORD_COLUMNS

FIRST = ["AGUS", "BUDI", "SITI", "DEWI", "MUHAMMAD", "RINA", "JOKO", "ANI", "WAYAN", "MADE", "NUR",
         "SRI", "EKO", "YUSUF", "FITRI", "HENDRA", "LINA", "RUDI", "TUTI", "ADI", "IKA", "BAMBANG",
         "SUSI", "DODI", "MEGA", "TAUFIK", "WULAN", "ARIF", "PUTRI", "RIZKI"]
LAST = ["SANTOSO", "WIJAYA", "HARTONO", "RAHAYU", "SETIAWAN", "KURNIAWAN", "LESTARI", "PRATAMA",
        "HIDAYAT", "SARI", "NUGROHO", "SUSANTO", "PURNOMO", "WAHYUNI", "FAUZI", "SAPUTRA", "HANDAYANI",
        "GUNAWAN", "SUDARMO", "SIREGAR"]
VILLAGES = ["3273010001", "3273010002", "3273020001", "3204050003", "5171010004"]


@dataclass
class Person:
    pid: str
    hid: str
    first: str
    last: str
    birth: date
    sex: str
    nik: str
    kk: str
    village: str
    mother: str
    relationship: str
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = f"{self.first} {self.last}"


def _nik(village: str, birth: date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    return f"{village[:6]}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def make_people(n_households: int, seed: int = 1) -> list[Person]:
    rnd = random.Random(seed)
    people: list[Person] = []
    serial = 0
    for h in range(n_households):
        village = rnd.choice(VILLAGES)
        kk = f"{village[:6]}{rnd.randint(1, 28):02d}{rnd.randint(1, 12):02d}{rnd.randint(10, 24):02d}{h:04d}"
        last = rnd.choice(LAST)
        mother = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        size = rnd.randint(1, 4)
        for m in range(size):
            serial += 1
            sex = "L" if m == 0 else rnd.choice("LP")
            age = rnd.randint(30, 60) if m < 2 else rnd.randint(1, 20)
            birth = date(2024 - age, 1, 1) + timedelta(days=rnd.randint(1, 360))
            rel = "head" if m == 0 else "spouse" if m == 1 else "child"
            people.append(Person(f"p{serial}", f"h{h}", rnd.choice(FIRST), last, birth, sex,
                                 _nik(village, birth, sex, serial), kk, village,
                                 mother if m >= 2 else f"{rnd.choice(FIRST)} {rnd.choice(LAST)}", rel))
    return people


def _typo(rnd: random.Random, s: str) -> str:
    i = rnd.randrange(len(s))
    return s[:i] + rnd.choice("AEIOUNRST") + s[i + 1:]


def _row(dataset: str, sid: str, p: Person, **over: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(RECORD_COLUMNS)
    name = str(over.pop("name", p.name))
    toks = name.split()
    row.update(record_key=f"{dataset}:{sid}", dataset=dataset, source_id=sid, row_number=0,
               agency="kemensos", program=None if dataset == "dukcapil" else dataset.upper(),
               reference=dataset == "dukcapil", nik=p.nik, nik_valid=True, kk=p.kk, full_name=name,
               name_key=name, first_name_key=toks[0], last_name_key=toks[-1], birth_date=p.birth,
               birth_date_placeholder=False, sex=p.sex, mother_name=p.mother, mother_name_key=p.mother,
               relationship=p.relationship, village_code=p.village, attributes="{}",
               original="{}", flags=[])
    row.update(over)
    return row


def make_records(people: list[Person], seed: int = 2) -> tuple[list[dict[str, object]], dict[str, str]]:
    """Records of three datasets and the truth: record_key -> person id."""
    rnd = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i, p in enumerate(people):
        rows.append(_row("dukcapil", f"d{i}", p))
        if rnd.random() < 0.8:
            over: dict[str, object] = {}
            if rnd.random() < 0.3:
                over["nik"] = None
            if rnd.random() < 0.3:
                over["name"] = _typo(rnd, p.name)
            rows.append(_row("pkh", f"k{i}", p, **over))
        if rnd.random() < 0.6:
            over = {"kk": None, "relationship": None}
            if rnd.random() < 0.2:
                over["birth_date"] = p.birth.replace(year=p.birth.year + 1) if p.birth.month != 2 else p.birth
            if rnd.random() < 0.2:
                over["name"] = f"{p.first[0]} {p.last}"
            rows.append(_row("pbi", f"b{i}", p, **over))
    truth = {str(r["record_key"]): p.pid for r in rows for p in [None] if False}
    key_to_person: dict[str, str] = {}
    for r in rows:
        sid = str(r["source_id"])
        key_to_person[str(r["record_key"])] = people[int(sid[1:])].pid
    del truth
    return rows, key_to_person


def load_records(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    """Create ``records`` shaped as ``linkage.canonical.RECORD_COLUMNS`` and fill it."""
    cols = ", ".join(f"{c} {t}" for c, t in RECORD_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TABLE records ({cols})")
    names = list(RECORD_COLUMNS)
    data = {c: [json.dumps(r[c]) if c in ("attributes", "original") and not isinstance(r[c], str) else r[c]
                for r in rows] for c in names}
    data["flags"] = [list(f or []) for f in data["flags"]]
    table = pa.table({c: pa.array(v, type=pa.list_(pa.string()) if c == "flags" else None)
                      for c, v in data.items()})
    con.register("_fixture_rows", table)
    con.execute("INSERT INTO records BY NAME SELECT * FROM _fixture_rows")
    con.unregister("_fixture_rows")
