"""``core.identity_cache``: bounded, keyed by owners' identity, and never answering for a stranger."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from core.identity_cache import IdentityCache


class Owner:
    """Something the cache names by identity (a schema, a parsed document)."""


def test_a_hit_needs_the_same_key_and_the_very_same_owners() -> None:
    cache: IdentityCache[str] = IdentityCache(maxsize=8)
    schema, document = Owner(), Owner()
    cache.put("plan", "text", schema, document)
    assert cache.get("text", schema, document) == "plan"
    assert cache.get("other text", schema, document) is None
    assert cache.get("text", Owner(), document) is None
    assert cache.get("text", document, schema) is None
    assert cache.get("text", schema) is None


def test_an_entry_keeps_its_owners_alive_until_it_is_evicted() -> None:
    """So no other object can take a cached owner's id while its entry exists."""
    cache: IdentityCache[int] = IdentityCache(maxsize=2)
    owner = Owner()
    ref = weakref.ref(owner)
    cache.put(1, "k", owner)
    del owner
    gc.collect()
    assert ref() is not None
    cache.put(2, "k", Owner())
    cache.put(3, "k", Owner())
    gc.collect()
    assert ref() is None and len(cache) == 2


def test_the_oldest_entries_go_first() -> None:
    cache: IdentityCache[int] = IdentityCache(maxsize=3)
    owner = Owner()
    for n in range(5):
        cache.put(n, n, owner)
    assert [cache.get(n, owner) for n in range(5)] == [None, None, 2, 3, 4]
    cache.put(9, 3, owner)                    # replacing an entry does not grow the cache
    assert len(cache) == 3 and cache.get(3, owner) == 9


def test_a_stale_entry_whose_id_matches_is_not_returned() -> None:
    """The identity check itself: an entry stored under an id, read with another object."""
    cache: IdentityCache[str] = IdentityCache(maxsize=4)
    owner, stranger = Owner(), Owner()
    cache.put("for owner", "k", owner)
    # Simulate address reuse: the stranger's lookup key equals the owner's.
    cache._entries[("k", id(stranger))] = cache._entries.pop(("k", id(owner)))
    assert cache.get("k", stranger) is None


def test_concurrent_inserts_stay_bounded() -> None:
    cache: IdentityCache[int] = IdentityCache(maxsize=50)
    owners = [Owner() for _ in range(8)]

    def insert(owner: Owner) -> None:
        for n in range(2000):
            cache.put(n, n, owner)

    threads = [threading.Thread(target=insert, args=(o,)) for o in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="maxsize must be at least 1"):
        IdentityCache(maxsize=0)
