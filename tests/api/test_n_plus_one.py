"""Store round trips stay bounded however many people a query returns: root lookups fetch each level
ahead in one call (resolvers/prefetch.py), the rest goes through per-operation DataLoaders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import GraphStore
from tests.api.conftest import STORES, Hub, make_store, start_hub


class CountingStore:
    """Forwards to a real store and counts each method call (one call = one round trip)."""

    def __init__(self, inner: GraphStore) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)
        if not callable(target):
            return target

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return target(*args, **kwargs)

        return counted


@pytest.fixture(scope="module", params=STORES)
def counted_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    tmp: Path = tmp_path_factory.mktemp("n1")
    store = make_store(request.param, request, tmp)
    try:
        yield from start_hub(tmp, CountingStore(store), graphql_rate=0)  # type: ignore[arg-type]
    finally:
        store.close()


QUERY = """query($n: Int!) { persons(first: $n) { nodes {
  id fullName enrolments { program { name } }
  household { id kk members { role person { id fullName enrolments { program { name } } } } }
} } }"""


def test_round_trips_do_not_grow_with_the_number_of_people(counted_hub: Hub) -> None:
    caller = counted_hub.caller("health_ministry", purpose="health_insurance")
    store: CountingStore = counted_hub.store  # type: ignore[assignment]
    counts = {}
    for n in (5, 100):
        store.calls.clear()
        result = caller.run(QUERY, {"n": n})
        assert result.errors == []
        nodes = result.data["persons"]["nodes"]
        assert len(nodes) == n
        assert all(len(p["household"]["members"]) == 3 for p in nodes)
        counts[n] = dict(store.calls)
    # list_persons once; households, members and each level's enrolments once each.
    assert counts[100] == counts[5]
    assert counts[100]["list_persons"] == 1 and counts[100]["get_households"] == 1
    assert counts[100]["members_of_households"] == 1
    assert counts[100]["enrolments_of_persons"] <= 2
    assert sum(counts[100].values()) <= 5


PLAIN = """query($nik: String!) { personByNik(nik: $nik) { id fullName
  household { id kk members { role person { id fullName enrolments { program { name } } } } }
  enrolments { program { name } dataset { name agency } } } }"""

# The same selection through a named fragment, an inline fragment and aliases.
SPREAD = """query($nik: String!) { personByNik(nik: $nik) { ...who
  home: household { id kk ... on Household { people: members { role person { ...who
    enrolments { program { name } } } } } }
  enrolments { program { name } dataset { name agency } } } }
fragment who on Person { id fullName }"""


def _one_nik(hub: Hub) -> str:
    return hub.store.list_persons(_everyone(), first=1).items[0].nik  # type: ignore[no-any-return]


def _everyone() -> Any:
    from auth import load_policy
    from resolvers.access_map import visibility_for

    return visibility_for(frozenset(load_policy().scopes), None)


def test_a_root_lookup_fetches_each_level_once_through_fragments_and_aliases(counted_hub: Hub) -> None:
    caller = counted_hub.caller("health_ministry", purpose="health_insurance")
    store: CountingStore = counted_hub.store  # type: ignore[assignment]
    nik = _one_nik(counted_hub)
    answers = {}
    for name, query in (("plain", PLAIN), ("spread", SPREAD)):
        store.calls.clear()
        result = caller.run(query, {"nik": nik})
        assert result.errors == []
        answers[name] = result.data["personByNik"]
        assert dict(store.calls) == {"get_person_by_nik": 1, "get_households": 1, "members_of_households": 1,
                                     "enrolments_of_persons": 2}, name
    plain, spread = answers["plain"], answers["spread"]
    assert plain["household"]["members"] == spread["home"]["people"]
    assert len(plain["household"]["members"]) == 3
    assert plain["enrolments"] == spread["enrolments"]


def test_fields_the_caller_may_not_read_are_not_fetched_ahead(counted_hub: Hub) -> None:
    # A token narrowed to identity and NIK: household, enrolments and records are denied.
    caller = counted_hub.caller("health_ministry", scope="person:identity person:nik",
                                purpose="health_insurance")
    store: CountingStore = counted_hub.store  # type: ignore[assignment]
    nik = _one_nik(counted_hub)
    store.calls.clear()
    result = caller.run("""query($nik: String!) { personByNik(nik: $nik) { id fullName
        household { id members { person { id } } } enrolments { program { name } } records { id } } }""",
                        {"nik": nik})
    assert sorted(map(tuple, result.paths())) == [("personByNik", "enrolments"), ("personByNik", "household"),
                                                  ("personByNik", "records")]
    assert result.data["personByNik"]["fullName"] is not None
    assert dict(store.calls) == {"get_person_by_nik": 1}
