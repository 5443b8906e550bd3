"""Write small agency files and their sources.toml for intake tests."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["ID", "NIK", "NAMA", "TGL_LAHIR", "JK", "DESIL"]
FIELDS = {"nik": "NIK", "full_name": "NAMA", "birth_date": "TGL_LAHIR", "sex": "JK"}


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None,
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def write_sources(folder: Path, file: str = "pkh.csv", *, name: str = "pkh",
                  fields: dict[str, str] | None = None, date_format: str | None = None,
                  extra: str = "") -> Path:
    """A one-dataset sources file for ``file`` (relative to ``folder``)."""
    lines = ["[[dataset]]", f'name = "{name}"', 'agency = "kemensos"', 'program = "PKH"',
             f'path = "{file}"', 'id = "ID"']
    if date_format:
        lines.append(f'date_format = "{date_format}"')
    lines.append("[dataset.fields]")
    lines += [f'{k} = "{v}"' for k, v in (fields or FIELDS).items()]
    lines += ["[dataset.attributes]", 'welfare_decile = "DESIL"']
    path = folder / "sources.toml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


GOOD = [
    ["A1", "3273014112900001", "Hj. Siti Aminah", "01/12/1990", "P", "2"],
    ["A2", "3273010505850002", "Budi Santoso", "05/05/1985", "L", "3"],
]
