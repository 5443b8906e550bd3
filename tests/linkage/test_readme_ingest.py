"""The README's sources-file example works as written, and documents every key and reason."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

from linkage.canonical import Flag, QuarantineReason
from linkage.intake import ingest
from linkage.sources import DATASET_KEYS

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Ingesting an agency's dataset")
    return text[start:text.index("\n## ", start + 3)]


def test_the_example_sources_file_ingests_a_matching_csv(tmp_path: Path) -> None:
    example = re.search(r"```toml\n(.*?)```", _section(), re.S)
    assert example is not None
    (tmp_path / "sources.toml").write_text(example.group(1), encoding="utf-8")
    entry = tomllib.loads(example.group(1))["dataset"][0]
    columns = [entry["id"]]
    for mapped in [*entry["fields"].values(), *entry["attributes"].values()]:
        columns += [mapped] if isinstance(mapped, str) else mapped
    values = {"ID_PKH": "P-1", "NIK_PENGURUS": "3273014112900001", "NO_KK": "3273011503100001",
              "NAMA_DEPAN": "Hj. Siti", "NAMA_BELAKANG": "Aminah", "TGL_LAHIR": "01/12/1990",
              "TEMPAT_LAHIR": "Bandung", "JK": "P", "NAMA_IBU": "Tjitjih", "HUB_KEL": "ISTRI",
              "ALAMAT": "Jl. Merdeka 1", "KODE_WILAYAH": "32.73.01.1001", "NO_HP": "0812-3456-7890",
              "DESIL": "2"}
    assert set(columns) == set(values)
    with (tmp_path / entry["path"]).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerow([values[c] for c in columns])
    d = ingest(tmp_path / "sources.toml", tmp_path / "ws.duckdb").to_json()["datasets"][entry["name"]]
    assert (d["rows"], d["accepted"], d["flags"]) == (1, 1, {})


def test_every_key_reason_and_flag_is_documented() -> None:
    section = _section()
    for name in [*DATASET_KEYS, *(r.value for r in QuarantineReason), *(f.value for f in Flag)]:
        assert f"`{name}`" in section, name
