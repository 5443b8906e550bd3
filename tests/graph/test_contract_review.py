"""Contract: the review queue, review items, datasets and the links export (read-only)."""

from __future__ import annotations

import pytest

from core.errors import InputError
from graph import GraphStore, Visibility
from tests.graph._data import (
    BANDUNG,
    EVERYTHING,
    STEWARD_32,
)


def _ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.item_id for i in page.items]


def test_queue_is_ordered_by_priority_and_filtered(published: GraphStore) -> None:
    assert _ids(published.review_queue(EVERYTHING)) == ["R1", "R3", "R4", "R2"]
    assert _ids(published.review_queue(STEWARD_32)) == ["R1", "R4", "R2"]
    assert _ids(published.review_queue(EVERYTHING, dataset="bpnt_2025")) == ["R3"]
    assert _ids(published.review_queue(EVERYTHING, program="PKH")) == ["R1", "R2"]
    assert _ids(published.review_queue(EVERYTHING, region="3201")) == ["R1", "R4"]
    assert _ids(published.review_queue(BANDUNG)) == []
    assert _ids(published.review_queue(EVERYTHING, status="decided")) == []
    with pytest.raises(InputError):
        published.review_queue(EVERYTHING, status="maybe")


def test_queue_pages_across_equal_priorities(published: GraphStore) -> None:
    seen, after = [], None
    while True:
        page = published.review_queue(EVERYTHING, first=1, after=after)
        seen += _ids(page)
        if not page.has_next:
            break
        after = page.end_cursor
    assert seen == ["R1", "R3", "R4", "R2"]
    two = published.review_queue(EVERYTHING, first=2)
    assert _ids(published.review_queue(EVERYTHING, first=2, after=two.end_cursor)) == ["R4", "R2"]


def test_review_item_details_and_scoping(published: GraphStore) -> None:
    item = published.get_review_item("R1", EVERYTHING)
    assert (item.kind, item.left_key, item.right_key, item.run_id, item.status) == (
        "uncertain_pair", "pkh_2025:K5", "dukcapil:D1", "run-1", "open")
    assert (item.explanation, item.programs, item.priority, item.probability) == ({"nik": "exact"}, ["PKH"],
                                                                                  0.9, 0.4)
    assert published.get_review_item("R3", STEWARD_32) is None
    assert published.get_review_item("R1", BANDUNG) is None
    assert published.get_review_item("NOPE", EVERYTHING) is None


def test_datasets_and_export_links(published: GraphStore) -> None:
    assert [(d.name, d.agency, d.program, d.reference, d.records) for d in published.datasets()] == [
        ("bpnt_2025", "kemensos", "BPNT", False, 17), ("dukcapil", "dukcapil", None, True, 3),
        ("pbi_2025", "kemenkes", "PBI-JK", False, 1), ("pkh_2025", "kemensos", "PKH", False, 44)]
    links = list(published.export_links())
    assert len(links) == 65 == len(set(links))
    assert links[0] == ("bpnt_2025", "B1", "P1", "H1")
    assert ("bpnt_2025", "B6", "P6", None) in links
    assert links == sorted(links, key=lambda t: (t[0], t[1]))


def test_visibility_rejects_non_digit_prefixes() -> None:
    with pytest.raises(InputError):
        Visibility(("32%",), frozenset())
