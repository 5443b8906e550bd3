"""The synthetic population and datasets: shapes others rely on, determinism, and the hard cases."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from graph.model import ATTRIBUTE_GROUPS
from linkage.nik import PROVINCES, parse_kk, parse_nik
from linkage.sources import load_sources
from linkage.synth import PEOPLE_COLUMNS, TRUTH_COLUMNS, SynthResult, generate
from linkage.synth._regions import REGENCIES
from linkage.synth._spelling import MUHAMMAD_VARIANTS, to_new_spelling, to_old_spelling

PEOPLE = 3000


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(tmp_path_factory.mktemp("synth"), people=PEOPLE, seed=11)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _rows(synth: SynthResult, name: str) -> list[dict[str, object]]:
    spec = load_sources(synth.sources).dataset(name)
    if spec.path.suffix == ".parquet":
        return pq.read_table(spec.path).to_pylist()
    return _csv(spec.path)  # type: ignore[return-value]


@pytest.fixture(scope="module")
def people(synth: SynthResult) -> dict[str, dict[str, str]]:
    return {p["person_id"]: p for p in _csv(synth.out_dir / "people.csv")}


@pytest.fixture(scope="module")
def truth(synth: SynthResult) -> list[dict[str, str]]:
    return _csv(synth.out_dir / "truth.csv")


def test_files_and_sources(synth: SynthResult) -> None:
    sources = load_sources(synth.sources)
    names = [d.name for d in sources.datasets]
    assert names == ["dukcapil", "dtks", "pkh", "bpnt", "pbi_jk", "pip"]
    assert {d.path.suffix for d in sources.datasets} == {".csv", ".parquet"}
    ref = sources.dataset("dukcapil")
    assert ref.reference and ref.agency == "dukcapil" and "death_date" in ref.fields
    assert [d.name for d in sources.datasets if d.reference] == ["dukcapil"]
    assert (sources.dataset("dtks").agency, "welfare_decile" in sources.dataset("dtks").attributes,
            "relationship" in sources.dataset("dtks").fields) == ("kemensos", True, True)
    programs = {d.name: (d.agency, d.program) for d in sources.datasets}
    assert programs["pkh"] == ("kemensos", "PKH") and programs["bpnt"] == ("kemensos", "BPNT")
    assert programs["pbi_jk"] == ("kemenkes", "PBI-JK") and programs["pip"] == ("kemendikbud", "PIP")
    assert {"health_facility", "pbi_class", "disability"} <= set(sources.dataset("pbi_jk").attributes)
    assert {"school", "grade", "nisn"} <= set(sources.dataset("pip").attributes)
    for d in sources.datasets:
        assert set(d.attributes) <= set(ATTRIBUTE_GROUPS), d.name
        assert d.path.exists()
        header = list(pq.read_schema(d.path).names) if d.path.suffix == ".parquet" else \
            next(csv.reader(d.path.open(encoding="utf-8")))
        assert set(d.columns) <= set(header), d.name


def test_truth_and_people_shapes(synth: SynthResult, people: dict, truth: list) -> None:
    with (synth.out_dir / "truth.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == list(TRUTH_COLUMNS)
    with (synth.out_dir / "people.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == list(PEOPLE_COLUMNS)
    assert len(people) == synth.people >= PEOPLE
    assert len({p["household_id"] for p in people.values()}) == synth.households
    assert Counter(t["dataset"] for t in truth) == Counter(synth.rows)
    assert len(truth) == synth.records
    for t in truth:
        assert people[t["person_id"]]["household_id"] == t["household_id"]
    for name in synth.rows:
        ids = [r[load_sources(synth.sources).dataset(name).id] for r in _rows(synth, name)]
        assert len(ids) == len(set(ids)) == synth.rows[name]
        assert ids == [t["source_id"] for t in truth if t["dataset"] == name]


def test_true_identities_are_well_formed(people: dict) -> None:
    regencies = {r.code for r in REGENCIES}
    for p in people.values():
        info = parse_nik(p["nik"])
        assert info.valid, p
        assert info.sex == p["sex"]
        born = date.fromisoformat(p["birth_date"])
        assert info.day_month_year == (born.day, born.month, born.year % 100)
        assert parse_kk(p["kk"]) == (p["kk"], None)
        assert len(p["village_code"]) == 10 and p["village_code"][:4] in regencies
        assert p["village_code"][:2] in PROVINCES
    assert len({p["nik"] for p in people.values()}) == len(people)


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}

    a = generate(tmp_path / "a", people=300, seed=5)
    b = generate(tmp_path / "b", people=300, seed=5)
    c = generate(tmp_path / "c", people=300, seed=6)
    assert digest(a.out_dir) == digest(b.out_dir)
    assert digest(a.out_dir)["people.csv"] != digest(c.out_dir)["people.csv"]


def test_population_hard_cases(people: dict) -> None:
    ps = list(people.values())
    twins = defaultdict(list)
    for p in ps:
        if p["twin"] == "1":
            twins[(p["mother_name"], p["birth_date"])].append(p)   # grown twins may live apart
    assert twins and all(len(group) >= 2 for group in twins.values())
    assert any(p["named_after_father"] == "1" for p in ps)
    by_hh = defaultdict(list)
    for p in ps:
        by_hh[p["household_id"]].append(p)
    for p in ps:
        if p["named_after_father"] == "1" and p["relationship"] == "child":
            head = next(m for m in by_hh[p["household_id"]] if m["relationship"] == "head")
            assert head["full_name"] == p["full_name"] and head["birth_date"] != p["birth_date"]
    placeholders = [p for p in ps if p["birth_date"][5:] in ("01-01", "12-31")]
    assert len(placeholders) > len(ps) / 365 * 2 * 3       # far above chance
    assert any(p["previous_kk"] and p["previous_kk"] != p["kk"] for p in ps)             # split families
    assert any(p["nik"][:6] != p["village_code"][:6] for p in ps)                        # moved since NIK
    assert any(p["death_date"] for p in ps)
    assert {p["ethnicity"] for p in ps} >= {"javanese", "sundanese", "batak", "balinese", "bugis", "chinese",
                                             "muslim"}
    same_village = Counter((p["village_code"], p["full_name"]) for p in ps)
    assert max(same_village.values()) >= 2                                                # common names
    assert any(" " not in p["full_name"] for p in ps)                                     # single names
    assert any(p["full_name"].startswith(("I ", "NI ")) for p in ps)                      # Balinese
    assert any(to_new_spelling(p["full_name"]) != p["full_name"] and int(p["birth_date"][:4]) < 1972
               for p in ps)                                                                # old spellings


def test_agency_errors(synth: SynthResult, people: dict, truth: list) -> None:
    of = {(t["dataset"], t["source_id"]): people[t["person_id"]] for t in truth}
    niks = {p["nik"] for p in people.values()}
    kinds: Counter[str] = Counter()
    for name, nik_col, name_col, id_col in (("dtks", "NIK", "NAMA", "IDARTBDT"),
                                             ("pkh", "NIK_PENGURUS", "NAMA_PENGURUS", "ID_PKH"),
                                             ("bpnt", "NIK_KPM", "NAMA_KPM", "ID_KPM"),
                                             ("pbi_jk", "NIK", "NAMA", "NOKA"),
                                             ("pip", "NIK", "NAMA_SISWA", "ID_PIP")):
        for row in _rows(synth, name):
            p = of[(name, str(row[id_col]))]
            nik, written = str(row[nik_col]), str(row[name_col])
            if not nik:
                kinds["missing_nik"] += 1
            elif nik not in niks:
                kinds["mistyped_nik"] += 1
            elif nik != p["nik"]:
                kinds["someone_elses_nik"] += 1
            first = written.split(" ")[0]
            if first in MUHAMMAD_VARIANTS and first != p["full_name"].split()[0]:
                kinds["muhammad"] += 1
            if to_new_spelling(p["full_name"]) == written and written != p["full_name"]:
                kinds["modernised"] += 1
            if written.startswith(("H. ", "HJ. ", "IR. ", "DRS. ", "DR. ")) or ", " in written:
                kinds["titles"] += 1
            if name == "bpnt" and len(p["full_name"]) > 18:
                kinds["truncated"] += len(written) == 18
    for kind in ("missing_nik", "mistyped_nik", "someone_elses_nik", "muhammad", "modernised", "titles",
                 "truncated"):
        assert kinds[kind] > 0, kind


def test_dates_and_codings_per_agency(synth: SynthResult, people: dict, truth: list) -> None:
    of = {(t["dataset"], t["source_id"]): people[t["person_id"]] for t in truth}
    dtks = _rows(synth, "dtks")
    assert {r["JNS_KEL"] for r in dtks} == {"1", "2"} and set(r["HUB_KRT"] for r in dtks) <= set("1234567")
    assert all(r["KDDESA"].count(".") == 3 for r in dtks)
    assert {r["JENIS_KELAMIN"] for r in _rows(synth, "dukcapil")} == {"LAKI-LAKI", "PEREMPUAN"}
    assert {r["JK"] for r in _rows(synth, "pbi_jk")} == {"M", "F"}
    swapped = off_by_year = 0
    for r in dtks:
        true = date.fromisoformat(of[("dtks", r["IDARTBDT"])]["birth_date"])
        d, m, y = map(int, r["TGL_LAHIR"].split("-"))
        swapped += (d, m) == (true.month, true.day) and true.day != true.month
        off_by_year += (d, m) == (true.day, true.month) and abs(y - true.year) == 1
    assert swapped > 0 and off_by_year > 0


def test_program_duplicates_and_deceased_enrolled(synth: SynthResult, people: dict, truth: list) -> None:
    per_program = Counter((t["dataset"], t["person_id"]) for t in truth if t["dataset"] in ("pkh", "bpnt"))
    assert max(per_program.values()) == 2
    dead_enrolled = [t for t in truth if t["dataset"] in ("pkh", "bpnt", "pbi_jk")
                     and people[t["person_id"]]["death_date"]]
    assert dead_enrolled
    dukcapil_dead = [r for r in _rows(synth, "dukcapil") if r["TANGGAL_KEMATIAN"] is not None]
    assert dukcapil_dead and all(isinstance(r["TANGGAL_KEMATIAN"], date) for r in dukcapil_dead)


def test_spelling_helpers_round_trip() -> None:
    for name in ("SUYONO", "JOKO", "CAHYONO", "NYOMAN", "SYAMSUL", "KHAIRUL", "YUSUF"):
        assert to_new_spelling(to_old_spelling(name)) == name


def test_generate_rejects_no_people(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(tmp_path, people=0)
