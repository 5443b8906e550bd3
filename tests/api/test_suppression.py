"""Hierarchy-wide small-cell suppression: no hidden cell can be got back by subtraction."""

from __future__ import annotations

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.views import RegionCountsView
from resolvers.stats import StatsSnapshots
from resolvers.suppression import suppress_hierarchy
from tests.api._differencing import recover

K = 10


def _published(raw: RegionCountsView) -> dict[tuple[str, object], int | None]:
    pattern = suppress_hierarchy(raw, K)
    return {key: pattern.value(*key)[0] for key in pattern.counts}


def _raw(villages: dict[str, int]) -> RegionCountsView:
    codes = sorted({v[:n] for v in villages for n in (2, 4, 6, 10)})
    return RegionCountsView(tuple(codes), tuple((v, n, 0) for v, n in villages.items()), (), ())


def test_a_small_village_cannot_be_got_from_its_district_minus_the_others() -> None:
    raw = _raw({"3273010001": 40, "3273010002": 30, "3273010003": 4})
    published = _published(raw)
    assert published[("3273010003", "persons")] is None                       # primary
    assert published[("3273010002", "persons")] is None                       # complement: the smallest other
    assert published[("327301", "persons")] == 74 and published[("3273010001", "persons")] == 40
    assert recover(published) == {}


def test_a_complement_hidden_region_hides_one_of_its_own_parts() -> None:
    # Regency 3273's district 327302 is small, so district 327301 (the smallest other) is
    # hidden too; its two villages would add back up to it unless one of them is hidden.
    raw = _raw({"3273010001": 20, "3273010002": 25, "3273020001": 3, "3273030001": 50})
    published = _published(raw)
    assert published[("327301", "persons")] is None
    assert sum(published[(v, "persons")] is None for v in ("3273010001", "3273010002")) == 1
    assert recover(published) == {}


def _deciles(total_cells: list[int]) -> list[bool]:
    """Which decile cells of one village (deciles 1..n) end up hidden."""
    households = tuple(("3273010001", d, n) for d, n in enumerate(total_cells, start=1) if n)
    published = _published(RegionCountsView(("3273010001",), (), households, ()))
    return [published.get(("3273010001", ("decile", d))) is None and n > 0
            for d, n in enumerate(total_cells, start=1)]


def test_one_small_decile_takes_the_next_smallest_with_it() -> None:
    assert _deciles([50, 30, 15, 5]) == [False, False, True, True]
    assert _deciles([80, 12, 4, 4]) == [False, False, True, True]     # two small cells protect each other
    assert _deciles([4, 3, 0]) == [True, True, False]                  # zeros are not small cells
    assert _deciles([40, 0, 0]) == [False, False, False]


def test_decile_cells_and_the_hierarchy_together() -> None:
    raw = RegionCountsView(("32", "3273", "327301", "3273010001", "3273010002"), (),
                           (("3273010001", 1, 30), ("3273010001", 2, 4), ("3273010002", 1, 20),
                            ("3273010002", 2, 25)), ())
    published = _published(raw)
    assert published[("3273010001", ("decile", 2))] is None
    assert recover(published) == {}


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(
    st.tuples(st.sampled_from(["32", "33"]), st.sampled_from(["01", "02", "03"]),
              st.sampled_from(["01", "02"]), st.sampled_from(["0001", "0002", "0003"])).map("".join),
    st.integers(0, 40), min_size=1, max_size=20))
def test_nothing_hidden_is_recovered_and_nothing_small_is_shown(villages: dict[str, int]) -> None:
    raw = _raw(villages)
    published = _published(raw)
    assert recover(published) == {}
    pattern = suppress_hierarchy(raw, K)
    assert all(published[key] is None for key, n in pattern.counts.items() if 0 < n < K)
    # Without the complements, the same attacker gets small cells back whenever one hides alone.
    primary_only = {key: (None if 0 < n < K else n) for key, n in pattern.counts.items()}
    leaked = recover(primary_only)
    assert all(0 < n < K for n in leaked.values())


class _Counts:
    """A store that only answers region_counts, with a count we can change between builds."""

    def __init__(self) -> None:
        self.persons = 40
        self.calls = 0

    def region_counts(self) -> RegionCountsView:
        self.calls += 1
        return RegionCountsView(("32",), (("3273010001", self.persons, 0),), (), ())


def test_a_stale_snapshot_is_served_while_its_successor_is_built() -> None:
    async def scenario() -> list[tuple[int | None, bool]]:
        store, snapshots = _Counts(), StatsSnapshots()
        seen = [(await snapshots.get(store, K, ttl=3600)).value("32", "persons")]
        store.persons = 50
        seen.append((await snapshots.get(store, K, ttl=3600)).value("32", "persons"))   # fresh enough
        seen.append((await snapshots.get(store, K, ttl=1e-9)).value("32", "persons"))   # stale: old one
        for _ in range(3000):                    # up to 30 s on a loaded machine
            await anyio.sleep(0.01)
            if store.calls == 2 and not snapshots._refreshing.locked():
                break
        seen.append((await snapshots.get(store, K, ttl=3600)).value("32", "persons"))
        return seen

    assert anyio.run(scenario) == [(40, False), (40, False), (40, False), (50, False)]
