"""The agencies' datasets about the population: who each one lists, and how it writes them.

Each agency has its own columns, codes, date format, coverage and error rates:

| dataset | agency | who | codings |
|---|---|---|---|
| dukcapil | dukcapil (reference) | almost everyone, with death dates | LAKI-LAKI/PEREMPUAN, Parquet dates |
| dtks | kemensos | every member of households in desil 1-4 | sex 1/2, relationship codes 1-8, dd-mm-yyyy |
| pkh | kemensos, PKH | the mother (pengurus) of desil 1-2 families | dd/mm/yyyy, phones |
| bpnt | kemensos, BPNT | the head (KPM) of desil 1-3 households | L/P, yyyymmdd, names cut at 18 |
| pbi_jk | kemenkes, PBI-JK | members of desil 1-5 households and some others | M/F, mm/dd/yyyy, Parquet |
| pip | kemendikbud, PIP | school children (6-18) of desil 1-4 households | L/P, '5 Desember 2012' |
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from linkage.synth._noise import Noise, Rates
from linkage.synth._population import Household, Person

__all__ = ["DATASETS", "DatasetSpec", "Row"]

Row = dict[str, object]
_MONTHS = ("JANUARI", "FEBRUARI", "MARET", "APRIL", "MEI", "JUNI", "JULI", "AGUSTUS", "SEPTEMBER",
           "OKTOBER", "NOVEMBER", "DESEMBER")
_REL_WORD = {"head": "KEPALA KELUARGA", "spouse": "ISTRI", "child": "ANAK", "parent": "ORANG TUA",
             "in_law": "MENANTU", "grandchild": "CUCU", "other": "FAMILI LAIN"}
_REL_CODE = {"head": "1", "spouse": "2", "child": "3", "in_law": "4", "grandchild": "5", "parent": "6",
             "other": "7"}


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """One agency file: its sources.toml entry and how to produce its rows."""

    name: str
    agency: str
    file: str
    id: str
    fields: dict[str, str | list[str]]
    rows: Callable[[list[Household], Noise, random.Random], Iterator[tuple[Row, Person]]]
    rates: Rates
    program: str | None = None
    reference: bool = False
    date_format: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def _dotted(code: str) -> str:
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"


def _dukcapil(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        for p in hh.members:
            if rng.random() < 0.02:      # never registered, or registered elsewhere
                continue
            n += 1
            yield {"ROW_ID": f"DK{n:09d}", "NIK": p.nik, "NO_KK": p.kk, "NAMA_LENGKAP": noise.name(p),
                   "TEMPAT_LAHIR": p.birth_place, "TANGGAL_LAHIR": p.birth_date,
                   "JENIS_KELAMIN": "LAKI-LAKI" if p.sex == "L" else "PEREMPUAN", "NAMA_IBU": p.mother_name,
                   "HUB_KELUARGA": _REL_WORD[p.relationship], "KODE_DESA": p.village,
                   "ALAMAT": f"RT {int(p.kk[-2:]) % 12 + 1:03d} RW {int(p.kk[-3]) + 1:03d}",
                   "TANGGAL_KEMATIAN": p.death_date}, p


def _dtks(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        if hh.welfare_decile > 4 and not (hh.welfare_decile <= 6 and rng.random() < 0.15):
            continue
        for p in hh.members:
            if p.death_date and rng.random() < 0.5:
                continue
            n += 1
            kk, village, rel = noise.kk_village_relationship(p)
            yield {"IDARTBDT": f"{village}{n:07d}", "NIK": noise.nik(p), "NOKK": kk, "NAMA": noise.name(p),
                   "JNS_KEL": "1" if p.sex == "L" else "2",
                   "TGL_LAHIR": noise.birth(p).strftime("%d-%m-%Y"),
                   "HUB_KRT": _REL_CODE[rel], "KDDESA": _dotted(village), "DESIL": str(hh.welfare_decile)}, p


def _enrolled(p: Person, rng: random.Random) -> bool:
    return not p.death_date or rng.random() < 0.6   # deceased recipients linger on program lists


def _pkh(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        if hh.welfare_decile > 2 or rng.random() < 0.15:
            continue
        carer = next((m for m in hh.members if m.relationship == "spouse"), hh.members[0])
        if not _enrolled(carer, rng):
            continue
        for _ in range(2 if rng.random() < noise.rates.duplicate else 1):
            n += 1
            phone = carer.phone or ""
            if phone and rng.random() < 0.4:
                phone = f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}"
            _, village, _ = noise.kk_village_relationship(carer)
            yield {"ID_PKH": f"PKH-{n:08d}", "NIK_PENGURUS": noise.nik(carer),
                   "NAMA_PENGURUS": noise.name(carer), "TGL_LAHIR": noise.birth(carer).strftime("%d/%m/%Y"),
                   "NAMA_IBU_KANDUNG": carer.mother_name,
                   "KODE_WILAYAH": village, "NO_HP": phone}, carer


def _bpnt(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        if hh.welfare_decile > 3 or rng.random() < 0.1:
            continue
        head = hh.members[0]
        if not _enrolled(head, rng):
            continue
        for _ in range(2 if rng.random() < noise.rates.duplicate else 1):
            n += 1
            kk, village, _ = noise.kk_village_relationship(head)
            yield {"ID_KPM": f"{n:010d}", "NIK_KPM": noise.nik(head), "NO_KK": kk,
                   "NAMA_KPM": noise.name(head),
                   "JENIS_KELAMIN": head.sex, "TANGGAL_LAHIR": noise.birth(head).strftime("%Y%m%d"),
                   "KODE_DESA": _dotted(village), "NO_HP": (head.phone or "").replace("0", "62", 1)}, head


def _pbi_jk(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        if not (hh.welfare_decile <= 5 and rng.random() < 0.9) and rng.random() > 0.08:
            continue
        for p in hh.members:
            if not _enrolled(p, rng):
                continue
            n += 1
            blank = rng.random() < 0.0005    # a stub row: nothing but its number survived the export
            village = noise.kk_village_relationship(p)[1]
            yield {"NOKA": f"000{1_000_000_000 + n * 7:010d}", "NIK": "" if blank else noise.nik(p),
                   "NAMA": "" if blank else noise.name(p),
                   "TGL_LAHIR": noise.birth(p).strftime("%m/%d/%Y"), "JK": "M" if p.sex == "L" else "F",
                   "KD_DESA": village, "FASKES": f"PUSKESMAS {p.birth_place} {int(village[4:6])}",
                   "KELAS": "3", "DISABILITAS": rng.choice(("FISIK", "NETRA", "RUNGU", "MENTAL"))
                   if rng.random() < 0.03 else "TIDAK ADA"}, p


def _pip(households: list[Household], noise: Noise, rng: random.Random) -> Iterator[tuple[Row, Person]]:
    n = 0
    for hh in households:
        if hh.welfare_decile > 4:
            continue
        mother = next((m.full_name for m in hh.members if m.relationship == "spouse"), "")
        for p in hh.members:
            if not 6 <= p.age <= 18 or p.death_date or rng.random() < 0.25:
                continue
            n += 1
            grade = min(12, p.age - 5)
            level = "SD" if grade <= 6 else "SMP" if grade <= 9 else "SMA"
            born = noise.birth(p)
            yield {"ID_PIP": f"PIP{n:08d}", "NISN": f"{p.birth_date.year % 100:03d}{int(p.nik[-7:]):07d}",
                   "NIK": noise.nik(p), "NAMA_SISWA": noise.name(p, adult_titles=False),
                   "TEMPAT_LAHIR": p.birth_place.title(),
                   "TANGGAL_LAHIR": f"{born.day} {_MONTHS[born.month - 1].title()} {born.year}",
                   "JK": p.sex, "NAMA_IBU_KANDUNG": p.mother_name or mother, "KODE_DESA": p.village,
                   "SEKOLAH": f"{level} NEGERI {int(p.village[-2:]) % 7 + 1} {p.birth_place}",
                   "KELAS": str(grade)}, p


DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec("dukcapil", "dukcapil", "dukcapil.parquet", "ROW_ID", reference=True, rows=_dukcapil,
                rates=Rates(name_typo=0.003),
                fields={"nik": "NIK", "kk": "NO_KK", "full_name": "NAMA_LENGKAP",
                        "birth_place": "TEMPAT_LAHIR",
                        "birth_date": "TANGGAL_LAHIR", "sex": "JENIS_KELAMIN", "mother_name": "NAMA_IBU",
                        "relationship": "HUB_KELUARGA", "village_code": "KODE_DESA", "address": "ALAMAT",
                        "death_date": "TANGGAL_KEMATIAN"}),
    DatasetSpec("dtks", "kemensos", "dtks.csv", "IDARTBDT", date_format="%d-%m-%Y", rows=_dtks,
                rates=Rates(nik_missing=0.05, nik_typo=0.02, nik_family=0.01, name_typo=0.03, muhammad=0.3,
                            modernise=0.5, date_swap=0.01, year_off=0.01, placeholder=0.01, stale=0.5),
                fields={"nik": "NIK", "kk": "NOKK", "full_name": "NAMA", "sex": "JNS_KEL",
                        "birth_date": "TGL_LAHIR",
                        "relationship": "HUB_KRT", "village_code": "KDDESA"},
                attributes={"welfare_decile": "DESIL"}),
    DatasetSpec("pkh", "kemensos", "pkh.csv", "ID_PKH", program="PKH", date_format="%d/%m/%Y", rows=_pkh,
                rates=Rates(nik_missing=0.04, nik_typo=0.02, nik_family=0.02, name_typo=0.04, muhammad=0.3,
                            modernise=0.5, titles=0.03, date_swap=0.02, year_off=0.015, stale=0.4,
                            duplicate=0.02),
                fields={"nik": "NIK_PENGURUS", "full_name": "NAMA_PENGURUS", "birth_date": "TGL_LAHIR",
                        "mother_name": "NAMA_IBU_KANDUNG", "village_code": "KODE_WILAYAH", "phone": "NO_HP"}),
    DatasetSpec("bpnt", "kemensos", "bpnt.csv", "ID_KPM", program="BPNT", date_format="%Y%m%d", rows=_bpnt,
                rates=Rates(nik_missing=0.03, nik_typo=0.02, nik_family=0.02, name_typo=0.03, muhammad=0.5,
                            modernise=0.6, titles=0.05, truncate=18, date_swap=0.01, year_off=0.01, stale=0.3,
                            duplicate=0.015),
                fields={"nik": "NIK_KPM", "kk": "NO_KK", "full_name": "NAMA_KPM", "sex": "JENIS_KELAMIN",
                        "birth_date": "TANGGAL_LAHIR", "village_code": "KODE_DESA", "phone": "NO_HP"}),
    DatasetSpec("pbi_jk", "kemenkes", "pbi_jk.parquet", "NOKA", program="PBI-JK", date_format="%m/%d/%Y",
                rows=_pbi_jk,
                rates=Rates(nik_missing=0.06, nik_typo=0.015, nik_family=0.01, name_typo=0.03, muhammad=0.4,
                            modernise=0.5, titles=0.02, date_swap=0.015, year_off=0.01, placeholder=0.02,
                            stale=0.3),
                fields={"nik": "NIK", "full_name": "NAMA", "birth_date": "TGL_LAHIR", "sex": "JK",
                        "village_code": "KD_DESA"},
                attributes={"bpjs_number": "NOKA", "health_facility": "FASKES", "pbi_class": "KELAS",
                            "disability": "DISABILITAS"}),
    DatasetSpec("pip", "kemendikbud", "pip.csv", "ID_PIP", program="PIP", rows=_pip,
                rates=Rates(nik_missing=0.15, nik_typo=0.02, nik_family=0.03, name_typo=0.03, muhammad=0.3,
                            date_swap=0.01, year_off=0.01),
                fields={"nik": "NIK", "full_name": "NAMA_SISWA", "birth_place": "TEMPAT_LAHIR",
                        "birth_date": "TANGGAL_LAHIR", "sex": "JK", "mother_name": "NAMA_IBU_KANDUNG",
                        "village_code": "KODE_DESA"},
                attributes={"nisn": "NISN", "school": "SEKOLAH", "grade": "KELAS"}),
)
