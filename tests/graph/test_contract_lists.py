"""Contract: keyset-paginated lists, program overlap, duplicates, targeting, region stats."""

from __future__ import annotations

import pytest

from core.errors import InputError
from graph import GraphStore, Page, TargetingRow, Visibility
from tests.graph._data import BANDUNG, BARE, BULK, EVERYTHING, HEALTH, STEWARD_32

ALL_IDS = sorted(["P1", "P2", "P3", "P4", "P5", "P6", *BULK])
BANDUNG_IDS = ["P1", "P2", "P3", *BULK]


def _walk(fetch, first: int) -> tuple[list[str], list[Page]]:  # type: ignore[no-untyped-def]
    pages, after = [], None
    while True:
        page = fetch(first=first, after=after)
        pages.append(page)
        if not page.has_next:
            break
        after = page.end_cursor
    ids = [getattr(x, "person_id", None) or x.person.person_id for p in pages for x in p.items]
    return ids, pages


@pytest.mark.parametrize("first", [1, 7, 23, 45, 46, 1000])
def test_list_persons_pages_cover_everyone_once_in_order(published: GraphStore, first: int) -> None:
    ids, pages = _walk(lambda **kw: published.list_persons(EVERYTHING, **kw), first)
    assert ids == ALL_IDS
    assert all(len(p.items) == first for p in pages[:-1])
    assert pages[-1].items and not pages[-1].has_next
    assert len(pages) == -(-len(ALL_IDS) // first)


def test_list_persons_respects_regions_and_program(published: GraphStore) -> None:
    assert _walk(lambda **kw: published.list_persons(BANDUNG, **kw), 10)[0] == BANDUNG_IDS
    assert [p.person_id for p in published.list_persons(EVERYTHING, region="3578").items] == ["P4"]
    assert _walk(lambda **kw: published.list_persons(BANDUNG, region="32", **kw), 50)[0] == BANDUNG_IDS
    empty = published.list_persons(BANDUNG, region="3201")
    assert (empty.items, empty.end_cursor, empty.has_next) == ([], None, False)
    pkh = _walk(lambda **kw: published.list_persons(EVERYTHING, program="PKH", **kw), 20)[0]
    assert pkh == ["P1", "P4", "P5", *BULK]
    assert published.list_persons(BARE, program="PKH").items == []
    assert published.list_persons(BARE, first=3).items[0].full_name is None


def test_list_persons_projection_matches_the_reader(published: GraphStore) -> None:
    first = published.list_persons(BANDUNG, first=1).items[0]
    assert (first.person_id, first.nik, first.address) == ("P1", "3273014101800001", "Jl. Merdeka 1")
    assert published.list_persons(Visibility(None, frozenset()), first=1).items[0].nik == "3273********0001"


def test_bad_page_arguments_are_input_errors(published: GraphStore) -> None:
    for first in (0, -1, 1001):
        with pytest.raises(InputError):
            published.list_persons(EVERYTHING, first=first)
    with pytest.raises(InputError):
        published.list_persons(EVERYTHING, after="not a cursor!")
    cursor = published.list_persons(EVERYTHING, first=1).end_cursor
    with pytest.raises(InputError):
        published.review_queue(EVERYTHING, after=cursor)
    with pytest.raises(InputError):
        published.list_persons(EVERYTHING, region="32%")


def test_program_overlap_means_enrolled_in_all(published: GraphStore) -> None:
    both = _walk(lambda **kw: published.program_overlap(["PKH", "BPNT"], EVERYTHING, **kw), 5)[0]
    assert both == ["P1", "P4", *BULK[::3]]
    assert _walk(lambda **kw: published.program_overlap(["BPNT", "PKH"], BANDUNG, **kw), 4)[0] == [
        "P1", *BULK[::3]]
    assert published.program_overlap(["PKH", "PBI-JK"], EVERYTHING).items == []
    assert published.program_overlap(["PKH", "BPNT"], BARE).items == []
    with pytest.raises(InputError):
        published.program_overlap([], EVERYTHING)


def test_duplicate_enrolments(published: GraphStore) -> None:
    page = published.duplicate_enrolments("PKH", EVERYTHING)
    assert [(d.person.person_id, d.program) for d in page.items] == [("P1", "PKH")]
    assert [e.source_id for e in page.items[0].enrolments] == ["K1", "K2"]
    assert not page.has_next
    assert published.duplicate_enrolments("BPNT", EVERYTHING).items == []
    assert published.duplicate_enrolments("PKH", STEWARD_32).items[0].person.full_name == "SITI AMINAH"
    assert published.duplicate_enrolments("PKH", Visibility(("3578",), EVERYTHING.groups)).items == []


def test_targeting_deciles_against_enrolment(published: GraphStore) -> None:
    t = published.targeting("PKH", EVERYTHING)
    assert t.rows == [TargetingRow(1, 3, 1, 1, 1), TargetingRow(7, 1, 1, 1, 1),
                      TargetingRow(None, 42, 41, 1, 1)]
    assert t.deceased_enrolled == 1
    no_welfare = published.targeting("PKH", HEALTH)
    assert no_welfare.rows == [TargetingRow(None, 46, 43, 3, 3)]
    bandung = published.targeting("PKH", BANDUNG)
    assert bandung.rows == [TargetingRow(1, 3, 1, 1, 1), TargetingRow(None, 40, 40, 0, 0)]
    assert bandung.deceased_enrolled == 0
    assert published.targeting("PKH", BARE).rows == []
    assert published.targeting("PKH", EVERYTHING, region="3578").deceased_enrolled == 1


def test_region_stats_counts(published: GraphStore) -> None:
    s = published.region_stats("3273", EVERYTHING)
    assert (s.code, s.level, s.persons, s.households, s.deceased) == ("3273", "regency", 43, 1, 0)
    assert s.deciles == [(1, 1)]
    assert s.programs == [("BPNT", 15), ("PBI-JK", 1), ("PKH", 41)]
    p = published.region_stats("32", EVERYTHING)
    assert (p.level, p.persons, p.households, p.deciles) == ("province", 44, 2, [(1, 1), (None, 1)])
    assert p.programs == [("BPNT", 15), ("PBI-JK", 1), ("PKH", 42)]
    sby = published.region_stats("3578", EVERYTHING)
    assert (sby.persons, sby.deceased, sby.deciles) == (1, 1, [(7, 1)])
    assert sby.programs == [("BPNT", 1), ("PKH", 1)]
    village = published.region_stats("3273010001", BANDUNG)
    assert (village.level, village.persons, village.households) == ("village", 3, 1)
    assert published.region_stats("327301", EVERYTHING).level == "district"


def test_region_counts_per_village_add_up_to_every_region_stats(published: GraphStore) -> None:
    counts = published.region_counts()
    assert "3273" in counts.regions and "32" in counts.regions
    for code in counts.regions:
        stats = published.region_stats(code, EVERYTHING)
        inside = [row for row in counts.persons if row[0].startswith(code)]
        assert (sum(r[1] for r in inside), sum(r[2] for r in inside)) == (stats.persons, stats.deceased)
        deciles: dict[int | None, int] = {}
        for village, decile, n in counts.households:
            if village.startswith(code):
                deciles[decile] = deciles.get(decile, 0) + n
        assert sorted(deciles.items(), key=lambda dn: (dn[0] is None, dn[0] or 0)) == stats.deciles
        programs: dict[str, int] = {}
        for village, program, n in counts.programs:
            if village.startswith(code):
                programs[program] = programs.get(program, 0) + n
        assert sorted(programs.items()) == stats.programs


def test_region_stats_out_of_scope_or_unknown_is_missing(published: GraphStore) -> None:
    assert published.region_stats("32", BANDUNG) is None
    assert published.region_stats("3578", BANDUNG) is None
    assert published.region_stats("1234", EVERYTHING) is None
    assert published.region_stats("3273", BANDUNG) == published.region_stats("3273", EVERYTHING)
    with pytest.raises(InputError):
        published.region_stats("327", EVERYTHING)
