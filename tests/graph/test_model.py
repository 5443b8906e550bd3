"""The small pieces both stores share: masking, region chains, cursors, publication checks."""

from __future__ import annotations

import pytest

from core.errors import InputError
from graph import (
    Visibility,
    check_first,
    check_publication,
    decode_cursor,
    encode_cursor,
    mask_number,
    region_chain,
    region_level,
    role_rank,
)
from tests.graph._data import publication


def test_mask_number_keeps_four_and_four() -> None:
    assert mask_number("3273014101800001") == "3273********0001"
    assert mask_number("12345678") == "********"
    assert mask_number(None) is None


def test_region_chain_and_levels() -> None:
    assert region_chain("3273010001") == ["32", "3273", "327301", "3273010001"]
    assert region_chain("327301") == ["32", "3273", "327301"]
    assert region_chain("32730100") == ["32", "3273", "327301"]
    assert region_chain(None) == [] and region_chain("32.73") == []
    assert [region_level(c) for c in ("32", "3273", "327301", "3273010001", "327")] == [
        "province", "regency", "district", "village", None]


def test_cursors_round_trip_and_reject_tampering() -> None:
    assert decode_cursor(encode_cursor(0.5, "R1"), (float, str)) == (0.5, "R1")
    assert decode_cursor(encode_cursor(1, "R1"), (float, str)) == (1.0, "R1")
    assert decode_cursor(None, (str,)) is None
    for bad in ("%%%", encode_cursor("P1"), encode_cursor(1, 2)):
        with pytest.raises(InputError):
            decode_cursor(bad, (float, str))
    with pytest.raises(InputError):
        check_first(True)  # type: ignore[arg-type]
    assert check_first(1000) == 1000


def test_role_rank_orders_members() -> None:
    assert sorted(["child", None, "head", "spouse", "cousin"], key=role_rank) == [
        "head", "spouse", "child", None, "cousin"]


def test_check_publication_names_what_is_wrong() -> None:
    check_publication(publication())
    pub = publication()
    pub.persons[0].household_id = "HX"
    with pytest.raises(InputError, match="'P1' names household 'HX'"):
        check_publication(pub)
    pub = publication()
    pub.matches[0].right_key = "nope:1"
    with pytest.raises(InputError, match="nope:1"):
        check_publication(pub)
    pub = publication()
    pub.records[0].dataset = "ghost"
    with pytest.raises(InputError, match="dataset 'ghost'"):
        check_publication(pub)
    pub = publication()
    pub.review_items[0].left_key = "nope:2"
    with pytest.raises(InputError, match="nope:2"):
        check_publication(pub)
    pub = publication()
    pub.households[0].village_code = "32.73"
    with pytest.raises(InputError, match=r"32\.73"):
        check_publication(pub)


def test_visibility_in_region() -> None:
    v = Visibility(("3273", "35"), frozenset())
    assert v.in_region("3273010001") and v.in_region("3578") and not v.in_region("3201010001")
    assert not v.in_region(None)
    assert Visibility(None, frozenset()).in_region(None)
