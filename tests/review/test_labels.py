"""Stewards' rulings as labels: export, Splink's accuracy analysis from them, m retrained.

The labels are rulings a steward would make, taken from the fixture's truth: pairs of records
of one person across datasets (must-link) and of two people of one household (cannot-link).
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import ConstraintKind, GraphStore
from hub.cli import app
from tests.review._workspace import PEOPLE, TRUTH

pytestmark = pytest.mark.slow
runner = CliRunner()


def _rule(store: GraphStore) -> tuple[int, int]:
    rnd = random.Random(5)
    by_person: dict[str, list[str]] = {}
    for key, pid in sorted(TRUTH.items()):
        by_person.setdefault(pid, []).append(key)
    same = [sorted(keys)[:2] for keys in by_person.values() if len(keys) > 1]
    household: dict[str, list[str]] = {}
    for p in PEOPLE:
        household.setdefault(p.hid, []).append(f"dukcapil:d{PEOPLE.index(p)}")
    differ = [keys[:2] for keys in household.values() if len(keys) > 1]
    pos, neg = rnd.sample(same, 30), rnd.sample(differ, 20)
    for a, b in pos:
        store.add_constraint(ConstraintKind.MUST_LINK, a, b, steward="siti", note="same person")
    for a, b in neg:
        store.add_constraint(ConstraintKind.CANNOT_LINK, a, b, steward="budi", note="same KK, not the same")
    return len(pos), len(neg)


def test_labels_export_give_accuracy_per_threshold_and_retrain_m(
        linked: tuple[Path, GraphStore], tmp_path: Path) -> None:
    root, store = linked
    pos, neg = _rule(store)
    labels = tmp_path / "labels.csv"
    where = ["--store", str(root / "graph.sqlite"), "--data-dir", str(root)]
    done = runner.invoke(app, ["review", "export-labels", "--out", str(labels), *where])
    assert done.exit_code == 0, done.output
    assert f"wrote {pos + neg} labels ({pos} match, {neg} not a match)" in done.output
    with labels.open() as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(float(r["label"]) for r in rows) == [0.0] * neg + [1.0] * pos
    assert {r["steward"] for r in rows} == {"siti", "budi"}
    assert all(TRUTH[r["left_key"]] == TRUTH[r["right_key"]] for r in rows if r["label"] == "1.0")

    acc = runner.invoke(app, ["review", "accuracy", str(labels), "--data-dir", str(root), "--json"])
    assert acc.exit_code == 0, acc.output
    table = json.loads(acc.output)
    assert len(table) > 3
    assert all(r["tp"] + r["fn"] == pos and r["tn"] + r["fp"] == neg for r in table)
    recalls = [r["recall"] for r in table]
    assert recalls == sorted(recalls, reverse=True)          # a higher threshold never finds more
    assert recalls[0] == 1.0 and table[-1]["fp"] == 0        # the loosest finds all, the strictest no fp
    # household members look alike: somewhere a threshold lets one through
    assert min(r["precision"] for r in table if r["precision"] is not None) < 1.0

    model_out = tmp_path / "model-labels.json"
    ret = runner.invoke(app, ["review", "retrain", str(labels), "--out", str(model_out),
                              "--data-dir", str(root)])
    assert ret.exit_code == 0, ret.output
    before = json.loads((root / "model.json").read_text())
    after = json.loads(model_out.read_text())

    def probs(model: dict, kind: str) -> list[float | None]:
        return [lv.get(kind) for c in model["comparisons"] for lv in c["comparison_levels"]]

    assert probs(after, "u_probability") == probs(before, "u_probability")   # only m is re-estimated
    assert probs(after, "m_probability") != probs(before, "m_probability")
    assert after["probability_two_random_records_match"] == before["probability_two_random_records_match"]


def test_a_bad_labels_file_is_refused_with_its_line(linked: tuple[Path, GraphStore], tmp_path: Path) -> None:
    root, _store = linked
    bad = tmp_path / "labels.csv"
    bad.write_text("left_key,right_key,label\ndukcapil:d0,pkh:k0,1\ndukcapil:d1,pkh:k1,maybe\n")
    got = runner.invoke(app, ["review", "accuracy", str(bad), "--data-dir", str(root)])
    assert got.exit_code == 2 and "label row 3" in got.output
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("left_key,right_key,label\ndukcapil:d0,nowhere:x9,1\n")
    got = runner.invoke(app, ["review", "accuracy", str(unknown), "--data-dir", str(root)])
    assert got.exit_code == 2 and "not in the workspace" in got.output
