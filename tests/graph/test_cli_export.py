"""``dtsen-hub export links`` writes the contract CSV from the store the settings name."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from graph import open_store
from hub.cli import app
from tests.graph._data import publication


def test_export_links_writes_every_record_of_the_current_run(tmp_path: Path) -> None:
    location = tmp_path / "graph.sqlite"
    store = open_store(str(location))
    store.publish(publication())
    store.close()
    out = tmp_path / "out" / "links.csv"
    result = CliRunner().invoke(app, ["export", "links", "--out", str(out), "--store", str(location)])
    assert result.exit_code == 0, result.output
    assert "wrote 65 links" in result.output
    with out.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["dataset", "source_id", "person_id", "household_id"]
    assert rows[1] == ["bpnt_2025", "B1", "P1", "H1"]
    assert ["bpnt_2025", "B6", "P6", ""] in rows
    assert len(rows) == 66
    assert not out.with_name("links.csv.part").exists()


def test_export_links_reports_a_bad_store_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = CliRunner().invoke(app, ["export", "links", "--out", str(tmp_path / "l.csv"),
                                      "--store", str(blocker / "graph.sqlite")])
    assert result.exit_code == 2
    assert "cannot open the embedded store" in result.output


def test_a_file_that_is_not_a_store_is_a_config_error(tmp_path: Path) -> None:
    bogus = tmp_path / "graph.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(app, ["export", "links", "--out", str(tmp_path / "l.csv"),
                                      "--store", str(bogus)])
    assert result.exit_code == 2
    assert "cannot open the embedded store" in result.output
    assert not (tmp_path / "l.csv").exists()
