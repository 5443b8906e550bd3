"""Contract: decisions, constraints, proposals, linkage runs and lineage (each test writes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import ConflictError, InputError, NotFoundError
from graph import ConstraintKind, GraphStore, LineageRow, ProposalRow, ReviewDecision
from tests.graph._data import (
    BANDUNG,
    EDUCATION,
    EVERYTHING,
    NOWHERE,
    STEWARD_32,
    publication,
    second_publication,
)


def _ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.item_id for i in page.items]


def test_decisions_conflict_become_constraints_and_survive_republish(store: GraphStore) -> None:
    store.publish(publication())
    decided = store.decide_review("R2", ReviewDecision.MATCH, steward="siti", note="same KK",
                                  visibility=STEWARD_32)
    assert (decided.status, decided.decision, decided.steward, decided.note) == (
        "decided", ReviewDecision.MATCH, "siti", "same KK")
    assert decided.decided_at is not None
    with pytest.raises(ConflictError):
        store.decide_review("R2", ReviewDecision.NON_MATCH, steward="budi", note=None, visibility=EVERYTHING)
    with pytest.raises(NotFoundError):
        store.decide_review("R3", ReviewDecision.MATCH, steward="siti", note=None, visibility=STEWARD_32)
    with pytest.raises(NotFoundError):
        store.decide_review("R1", ReviewDecision.MATCH, steward="x", note=None, visibility=BANDUNG)
    store.decide_review("R4", ReviewDecision.NON_MATCH, steward="budi", note=None, visibility=EVERYTHING)
    assert _ids(store.review_queue(EVERYTHING)) == ["R1", "R3"]
    assert _ids(store.review_queue(EVERYTHING, status="decided")) == ["R4", "R2"]
    rules = store.constraints()
    assert [(c.kind, c.left_key, c.right_key, c.item_id, c.steward) for c in rules] == [
        (ConstraintKind.MUST_LINK, "pkh_2025:K1", "pkh_2025:K2", "R2", "siti")]
    store.publish(second_publication())
    assert store.get_review_item("R2", EVERYTHING).status == "decided"
    assert store.get_review_item("R2", EVERYTHING).run_id == "run-2"
    assert _ids(store.review_queue(EVERYTHING)) == ["R1", "R3"]
    assert len(store.constraints()) == 1


def test_constraints_are_unordered_pairs_and_replaced(store: GraphStore) -> None:
    first = store.add_constraint(ConstraintKind.CANNOT_LINK, "b:2", "a:1", steward="siti", note="twins")
    assert (first.left_key, first.right_key, first.kind) == ("a:1", "b:2", ConstraintKind.CANNOT_LINK)
    store.add_constraint(ConstraintKind.MUST_LINK, "a:1", "b:2", steward="budi")
    store.add_constraint(ConstraintKind.MUST_LINK, "a:1", "c:3", steward="budi")
    got = [(c.kind, c.left_key, c.right_key, c.steward, c.note) for c in store.constraints()]
    assert got == [(ConstraintKind.MUST_LINK, "a:1", "b:2", "budi", None),
                   (ConstraintKind.MUST_LINK, "a:1", "c:3", "budi", None)]
    with pytest.raises(InputError):
        store.add_constraint(ConstraintKind.MUST_LINK, "a:1", "a:1", steward="x")


def test_proposals_are_scoped_like_people(store: GraphStore) -> None:
    when = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    prop = ProposalRow("PR1", "pemda-bandung", "3273010001", when, "matched", {"full_name": "SITI"},
                       {"person_id": "P1", "candidates": [{"person_id": "P1", "probability": 0.99}]})
    store.save_proposal(prop)
    store.save_proposal(ProposalRow("PR2", "pemda-sby", "3578010001", when, "new_person"))
    assert store.get_proposal("PR1", BANDUNG) == prop
    assert store.get_proposal("PR2", BANDUNG) is None
    assert store.get_proposal("PR2", EVERYTHING).status == "new_person"
    store.save_proposal(ProposalRow("PR1", "pemda-bandung", "3273010001", when, "rejected"))
    assert store.get_proposal("PR1", EVERYTHING).status == "rejected"


def test_linkage_runs_and_lineage(store: GraphStore) -> None:
    store.publish(publication())
    store.publish(second_publication())
    runs = store.linkage_runs(EVERYTHING)
    assert [(r.run_id, r.current) for r in runs] == [("run-2", True), ("run-1", False)]
    assert runs[0].model_json == '{"model": "run-2"}' and runs[0].threshold == 0.9
    assert runs[1].finished_at == datetime(2026, 1, 1, 2, tzinfo=UTC)
    assert [r.run_id for r in store.linkage_runs(EVERYTHING, first=1)] == ["run-2"]
    assert store.linkage_runs(BANDUNG) == []
    assert store.lineage("OLD1", EVERYTHING) == [LineageRow("person", "OLD1", ["P1", "P4"], "run-1"),
                                                 LineageRow("person", "OLD1", ["P1", "P4"], "run-2")]
    assert [r.new_ids for r in store.lineage("OLD1", BANDUNG)] == [["P1"], ["P1"]]
    assert store.lineage("OLD1", NOWHERE) == []
    assert [r.new_ids for r in store.lineage("HOLD", EDUCATION)] == [["H3"], ["H3"]]
    assert store.lineage("HOLD", BANDUNG) == []
    assert store.lineage("P1", EVERYTHING) == []
