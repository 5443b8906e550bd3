"""Store round trips stay bounded however many people a query returns (DataLoaders per operation)."""

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
