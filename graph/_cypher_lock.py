"""One publisher at a time per Neo4j database, and a lock that dies with its holder.

A second publisher would delete the first one's half-written generation as
stale. The lock is an exclusive write lock on one ``(:PublishLock)`` node, held
by a transaction left open for the whole publish and rolled back at the end
(nothing in it is meant to last). If the publisher is killed, its connection
drops and Neo4j rolls that transaction back, so a crash never leaves the lock
taken; a second publisher simply waits its turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from neo4j import Driver

__all__ = ["publish_lock"]


@contextmanager
def publish_lock(driver: Driver, database: str) -> Iterator[None]:
    """Hold the database's publish lock for the duration of the block."""
    with driver.session(database=database) as session:
        tx = session.begin_transaction()
        try:
            tx.run("MERGE (l:PublishLock {id: 1}) SET l.since = $now",
                   now=datetime.now(UTC).isoformat()).consume()
            yield
        finally:
            tx.rollback()
