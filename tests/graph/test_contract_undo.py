"""Contract: a steward's decision can be undone, with its constraint, on both stores."""

from __future__ import annotations

import pytest

from core.errors import ConflictError, NotFoundError
from graph import GraphStore, ReviewDecision
from tests.graph._data import BANDUNG, EVERYTHING, NOWHERE, STEWARD_32, publication


def test_undo_withdraws_the_decision_and_its_constraint(store: GraphStore) -> None:
    store.publish(publication())
    store.decide_review("R2", ReviewDecision.MATCH, steward="siti", note="same KK", visibility=STEWARD_32)
    store.decide_review("R4", ReviewDecision.NON_MATCH, steward="budi", note=None, visibility=EVERYTHING)
    assert [c.item_id for c in store.constraints()] == ["R2"]
    with pytest.raises(NotFoundError):                 # out of region: it does not exist for them
        store.undo_review("R2", steward="x", visibility=NOWHERE)
    with pytest.raises(NotFoundError):                 # no linkage:review
        store.undo_review("R2", steward="x", visibility=BANDUNG)
    undone = store.undo_review("R2", steward="siti", visibility=STEWARD_32)
    assert undone is not None and (undone.status, undone.decision, undone.steward) == ("open", None, None)
    assert store.constraints() == []
    assert store.get_review_item("R4", EVERYTHING).status == "decided"        # others untouched
    with pytest.raises(ConflictError):                 # undone twice: nothing left to undo
        store.undo_review("R2", steward="siti", visibility=STEWARD_32)
    with pytest.raises(NotFoundError):
        store.undo_review("R-missing", steward="siti", visibility=EVERYTHING)
    # decided again after the undo, by someone else: the normal path works
    again = store.decide_review("R2", ReviewDecision.NON_MATCH, steward="budi", note=None,
                                visibility=EVERYTHING)
    assert again.decision == ReviewDecision.NON_MATCH
    assert [(c.kind.value, c.steward) for c in store.constraints()] == [("cannot_link", "budi")]


def test_undo_works_when_a_later_run_no_longer_queues_the_pair(store: GraphStore) -> None:
    pub = publication()
    store.publish(pub)
    store.decide_review("R2", ReviewDecision.MATCH, steward="siti", note=None, visibility=EVERYTHING)
    pub.review_items = [i for i in pub.review_items if i.item_id != "R2"]   # a run honouring the ruling
    store.publish(pub)
    assert store.get_review_item("R2", EVERYTHING) is None
    with pytest.raises(NotFoundError):        # its records are outside Bandung's... and Nowhere's regions
        store.undo_review("R2", steward="x", visibility=NOWHERE)
    assert store.undo_review("R2", steward="siti", visibility=EVERYTHING) is None
    assert store.constraints() == []


def test_unsure_keeps_the_item_open_with_its_note_and_makes_no_constraint(store: GraphStore) -> None:
    store.publish(publication())
    unsure = store.decide_review("R2", ReviewDecision.UNSURE, steward="siti", note="tanya Dukcapil",
                                 visibility=EVERYTHING)
    assert (unsure.status, unsure.decision, unsure.note, unsure.steward) == (
        "open", ReviewDecision.UNSURE, "tanya Dukcapil", "siti")
    assert store.constraints() == []
    assert "R2" in [i.item_id for i in store.review_queue(EVERYTHING).items]
    assert "R2" not in [i.item_id for i in store.review_queue(EVERYTHING, status="decided").items]
    # a colleague takes the second look and decides it for good
    final = store.decide_review("R2", ReviewDecision.MATCH, steward="budi", note=None, visibility=EVERYTHING)
    assert (final.status, final.decision, final.steward) == ("decided", ReviewDecision.MATCH, "budi")
    assert [c.kind.value for c in store.constraints()] == ["must_link"]
