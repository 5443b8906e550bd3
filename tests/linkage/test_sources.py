"""The sources file: a valid one parses into frozen objects, each mistake names file, dataset and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from linkage.sources import DATASET_KEYS, load_sources

GOOD = '''
[[dataset]]
name = "pkh_2025"
agency = "kemensos"
program = "PKH"
path = "pkh.csv"
id = "ID_PKH"
date_format = "%d/%m/%Y"
[dataset.fields]
nik = "NIK_PENGURUS"
full_name = ["NAMA_DEPAN", "NAMA_BELAKANG"]
[dataset.attributes]
welfare_decile = "DESIL"

[[dataset]]
name = "dukcapil"
agency = "dukcapil"
reference = true
path = "data/dukcapil.parquet"
id = "ROW_ID"
[dataset.fields]
nik = "NIK"
'''


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file(tmp_path: Path) -> None:
    sources = load_sources(_write(tmp_path, GOOD))
    pkh, dukcapil = sources.datasets
    assert (pkh.name, pkh.agency, pkh.program, pkh.reference) == ("pkh_2025", "kemensos", "PKH", False)
    assert pkh.id == "ID_PKH"
    assert pkh.path == (tmp_path / "pkh.csv").resolve() and pkh.date_format == "%d/%m/%Y"
    assert pkh.fields == {"nik": ("NIK_PENGURUS",), "full_name": ("NAMA_DEPAN", "NAMA_BELAKANG")}
    assert pkh.attributes == {"welfare_decile": "DESIL"}
    assert pkh.columns == ("ID_PKH", "NIK_PENGURUS", "NAMA_DEPAN", "NAMA_BELAKANG", "DESIL")
    assert dukcapil.reference is True and dukcapil.program is None and dukcapil.date_format is None
    assert dukcapil.path == (tmp_path / "data" / "dukcapil.parquet").resolve()
    assert sources.dataset("dukcapil") is dukcapil
    with pytest.raises(AttributeError):
        pkh.name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ('name = "pkh_2025"', 'name = "PKH 2025"', "name", "[a-z0-9_]+"),
    ('agency = "kemensos"\n', "", "agency", "missing required"),
    ('id = "ID_PKH"', 'id = ""', "id", "non-empty string"),
    ('path = "pkh.csv"', 'path = "pkh.xlsx"', "path", "neither .csv nor .parquet"),
    ('date_format = "%d/%m/%Y"', 'date_format = "dd/mm/yyyy"', "date_format", "strptime"),
    ('program = "PKH"', 'program = "PKH"\nprogramme = "x"', "programme", "unknown key"),
    ('nik = "NIK_PENGURUS"', 'nomor = "NIK_PENGURUS"', "fields.nomor", "not a canonical field"),
    ('full_name = ["NAMA_DEPAN", "NAMA_BELAKANG"]', "full_name = []", "fields.full_name", "column name"),
    ('welfare_decile = "DESIL"', 'Welfare = "DESIL"', "attributes.Welfare", "attribute name"),
    ('welfare_decile = "DESIL"', "welfare_decile = 3", "attributes.welfare_decile", "column name"),
])
def test_each_mistake_names_file_dataset_key(tmp_path: Path, old: str, new: str, key: str,
                                             words: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    text = str(info.value)
    assert str(path) in text and f"key {key!r}" in text and words in text
    assert "dataset 'pkh_2025'" in text or "dataset 'PKH 2025'" in text


def test_reference_must_be_boolean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"dataset 'dukcapil', key 'reference'"):
        load_sources(_write(tmp_path, GOOD.replace("reference = true", 'reference = "yes"')))


def test_duplicate_names(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="duplicate dataset name 'pkh_2025'"):
        load_sources(_write(tmp_path, GOOD.replace('name = "dukcapil"', 'name = "pkh_2025"')))


@pytest.mark.parametrize(("text", "words"), [
    ("", "no [[dataset]] entries"), ("[[dataset]\nname=", "not valid TOML"),
    ("title = 'x'\n" + GOOD, "unknown top-level key 'title'"),
])
def test_file_level_mistakes(tmp_path: Path, text: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert words in str(info.value) and str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the sources file"):
        load_sources(tmp_path / "nope.toml")



def test_keys_documented_in_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ingesting an agency's dataset", 1)
    assert len(section) == 2, "README lacks the 'Ingesting an agency's dataset' section"
    for key in DATASET_KEYS:
        assert f"`{key}`" in section[1], f"sources key {key!r} is not documented in the README"
