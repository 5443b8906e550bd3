"""The Neo4j store: the linked graph in a Neo4j 5 server, for production.

Nodes and relationships follow the README's graph model: ``(Record)-[:OF]->
(Person)-[:MEMBER_OF {role}]->(Household)-[:IN]->(Region)-[:PART_OF]->(Region)``,
``(Record)-[:FROM]->(Dataset)``, ``(Person)-[:ENROLLED_IN {dataset}]->(Program)``,
``(Record)-[:MATCHES]->(Record)``, plus ``ReviewItem``, ``LinkageRun`` and
``Proposal``. Run-scoped nodes carry a generation number ``gen``; one
``(:Current {id: 1})`` node names the generation readers see.

Why reads are safe under Neo4j's read-committed isolation: a read answers from a
generation, then reads the pointer. A publish deletes a generation only after moving
the pointer away from it, and the pointer only moves forward, so a pointer still
naming the generation proves nothing the read touched was being deleted; a moved one
makes the read start over on the new generation. One method call therefore answers
from one run, even across several queries.

The lookups (``graph._cypher_read``) do all of that in one auto-commit query: pointer,
lookup, pointer again (``graph._cypher_pinned`` says why the order holds), one round
trip per call. Reads of several queries (lists, the review queue) run in one read
transaction that starts from the generation the previous read found and reads the
pointer after the work.

Example:
    >>> from graph import Visibility
    >>> from graph.neo4j_store import Neo4jStore
    >>> store = Neo4jStore("bolt://localhost:7687", user="neo4j", password="secret")  # doctest: +SKIP
    >>> store.list_persons(Visibility.everything(), first=5).items                     # doctest: +SKIP
    []
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from neo4j import READ_ACCESS, Driver, GraphDatabase, ManagedTransaction, NotificationDisabledClassification
from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable

from core.errors import ConfigError, ConflictError
from graph import _cypher_lists as lists
from graph import _cypher_read as reads
from graph import _cypher_review as review
from graph._cypher_attach import attach_record
from graph._cypher_lock import publish_lock
from graph._cypher_pinned import Pinned, parameters, statement
from graph._cypher_publish import drop_stale, publish
from graph._cypher_schema import ensure_schema
from graph._cypher_text import NO_GEN
from graph.model import DatasetRow, HouseholdRow, LineageRow, PersonRow, Publication, RecordRow, Visibility
from graph.protocol import Progress
from graph.views import (
    ConstraintKind,
    ConstraintRow,
    DuplicateEnrolmentView,
    EnrolmentView,
    HouseholdView,
    LinkageRunView,
    MatchView,
    MemberView,
    Page,
    PersonView,
    ProposalRow,
    RecordView,
    RegionCountsView,
    RegionStatsView,
    ReviewDecision,
    ReviewItemView,
    TargetingView,
)

__all__ = ["Neo4jStore"]

T = TypeVar("T")
_READ_ATTEMPTS = 20
#: Retryable driver failures (e.g. SessionExpired) a lookup outlives; pauses 0.2, 0.4, 0.8 s.
_FAILURE_RETRIES = 3


class _RunSwitched(Exception):
    """The current pointer moved while a read ran: its answer may mix runs, read again."""

    def __init__(self, now: int) -> None:
        super().__init__(now)
        self.now = now


def _gen(tx: ManagedTransaction) -> int:
    row = tx.run("MATCH (c:Current {id: 1}) RETURN c.gen AS gen").single()
    return NO_GEN if row is None else int(row["gen"])


def _pinned(tx: ManagedTransaction, gen: int | None, work: Callable[..., T],
            args: tuple[Any, ...]) -> tuple[int, T]:
    """``work`` on generation ``gen`` (read first if None), then proof nothing moved under it.

    The pointer only ever moves to a newer generation, and a generation is deleted only
    after the pointer left it, so a pointer still naming ``gen`` after the work proves
    ``gen`` was current, whole and untouched for all of it. That makes the read before
    optional: ``gen`` may be the one the previous read saw (one round trip fewer).
    """
    if gen is None:
        gen = _gen(tx)
    result = work(tx, gen, *args)
    now = _gen(tx)
    if now != gen:
        raise _RunSwitched(now)
    return gen, result


#: The oldest Neo4j whose Cypher has what the lookups use: ``CALL (x) { ... }`` subqueries.
OLDEST_SERVER = (5, 23)


def check_server_version(agent: str, uri: str) -> None:
    """Refuse a server older than :data:`OLDEST_SERVER` when opening, not with a Cypher syntax
    error on the first read. ``agent`` is what the server says it is (``Neo4j/5.26.0``; calendar
    versions such as ``Neo4j/2025.01.0`` are newer). An agent that names no version is let through."""
    match = re.fullmatch(r"Neo4j/(\d+)\.(\d+)(?:\.\S*)?", agent.strip())
    if match and (int(match[1]), int(match[2])) < OLDEST_SERVER:
        raise ConfigError(f"the Neo4j server at {uri} is {agent}; DTSEN Hub needs Neo4j "
                          f"{OLDEST_SERVER[0]}.{OLDEST_SERVER[1]} or later", where="store",
                          hint="upgrade Neo4j (docker-compose.yml runs 5.26), or use the embedded store")


def _kept_changing() -> ConflictError:
    """What a read says when a publish moved the pointer on every one of its attempts."""
    return ConflictError("the published run kept changing while reading", where="store",
                         hint="retry once the running publishes finish")


class Neo4jStore:
    """A :class:`~graph.protocol.GraphStore` in Neo4j 5.23+ (Community or Enterprise), no APOC.

    Opening connects, checks the credentials and creates missing constraints and
    indexes. The driver's connection pool is shared by all threads.
    """

    def __init__(self, uri: str, *, user: str = "neo4j", password: str = "", database: str = "neo4j") -> None:
        self.uri, self.database = uri, database
        #: The generation the last read found current (a hint: every read re-checks it).
        self._last_gen: int | None = None
        try:
            # "Unrecognized property" notices (e.g. no person has a death_date yet) are expected for
            # optional properties; the server sends one per query and the driver logs each, which
            # under API load costs real CPU. Asked not to send them at all.
            self._driver: Driver = GraphDatabase.driver(
                uri, auth=(user, password),
                notifications_disabled_classifications=[NotificationDisabledClassification.UNRECOGNIZED])
            # Connects and exchanges data as verify_connectivity() does, and says which server it is.
            check_server_version(self._driver.get_server_info().agent, uri)
            ensure_schema(self._driver, database)
        except ConfigError:
            self._driver.close()
            raise
        except (ServiceUnavailable, AuthError, ConfigurationError, ValueError) as exc:
            driver = getattr(self, "_driver", None)
            if driver is not None:
                driver.close()
            raise ConfigError(f"cannot use the Neo4j store at {uri} as {user!r}: {exc}", where="store",
                              hint="check that Neo4j runs there and NEO4J_USER / NEO4J_PASSWORD") from exc

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, work: Callable[..., T], *args: Any) -> T:
        """``work(tx, gen, *args)`` in one read transaction pinned to one generation."""
        with self._driver.session(database=self.database) as session:
            for _ in range(_READ_ATTEMPTS):
                try:
                    self._last_gen, result = session.execute_read(_pinned, self._last_gen, work, args)
                    return result
                except _RunSwitched as moved:
                    self._last_gen = moved.now
        raise _kept_changing()

    def _lookup(self, query: Pinned[T]) -> T:
        """``query`` as one auto-commit read between two reads of the pointer; again if they differ.

        Auto-commit rather than a transaction function: one round trip instead of three
        (BEGIN and COMMIT are messages of their own). So a retryable failure (a cluster
        member gone, a routing table out of date) is retried here, a few times with a
        short pause, instead of by the driver.
        """
        if query.body is None:
            return query.decode(None)
        text, params = statement(query.body), parameters(query)
        failures = 0
        for _ in range(_READ_ATTEMPTS):
            try:
                with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                    row = session.run(text, params).single(strict=True)  # type: ignore[arg-type]
            except (DriverError, Neo4jError) as exc:
                failures += 1
                if not exc.is_retryable() or failures > _FAILURE_RETRIES:
                    raise
                time.sleep(0.1 * 2 ** failures)
                continue
            if row["gen"] == row["now"]:
                return query.decode(row["rows"])
        raise _kept_changing()

    def _write(self, work: Callable[..., T], *args: Any) -> T:
        with self._driver.session(database=self.database) as session:
            return session.execute_write(work, *args)

    # -- writing
    def publish(self, pub: Publication, *, progress: Progress | None = None) -> None:
        """See :meth:`GraphStore.publish`. A second publisher into the same database waits
        for the first to finish (a lock Neo4j releases if its holder dies)."""
        with publish_lock(self._driver, self.database):
            publish(self._driver, self.database, pub, progress)

    def drop_stale(self) -> None:
        """Delete generations a killed publish left behind (``publish`` also does this first).

        Under the publish lock: a running publish's generation is not current yet, so
        without it this would delete the half-written generation under the publisher."""
        with publish_lock(self._driver, self.database):
            drop_stale(self._driver, self.database)

    def attach_record(self, record: RecordRow, *, person: PersonRow | None = None,
                      household: HouseholdRow | None = None, dataset: DatasetRow | None = None) -> None:
        self._write(attach_record, record, person, household, dataset)

    def save_proposal(self, proposal: ProposalRow) -> None:
        self._write(review.save_proposal, proposal)

    def add_constraint(self, kind: ConstraintKind, left_key: str, right_key: str, *, steward: str,
                       note: str | None = None) -> ConstraintRow:
        return self._write(review.add_constraint, kind, left_key, right_key, steward, note)

    def decide_review(self, item_id: str, decision: ReviewDecision, *, steward: str, note: str | None,
                      visibility: Visibility, expected_status: str = "open") -> ReviewItemView:
        return self._write(review.decide_review, item_id, decision, steward, note, visibility,
                           expected_status)

    def undo_review(self, item_id: str, *, steward: str, visibility: Visibility) -> ReviewItemView | None:
        return self._write(review.undo_review, item_id, steward, visibility)

    # -- people and households
    def get_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, PersonView]:
        return self._lookup(reads.get_persons(list(ids), visibility))

    def get_person_by_nik(self, nik: str, visibility: Visibility) -> PersonView | None:
        return self._lookup(reads.get_person_by_nik(nik, visibility))

    def get_households(self, ids: Iterable[str], visibility: Visibility) -> dict[str, HouseholdView]:
        return self._lookup(reads.get_households(list(ids), visibility))

    def get_household_by_kk(self, kk: str, visibility: Visibility) -> HouseholdView | None:
        return self._lookup(reads.household_by_kk(kk, visibility))

    def members_of_households(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[MemberView]]:
        return self._lookup(reads.members_of_households(list(ids), visibility))

    def list_persons(self, visibility: Visibility, *, region: str | None = None, program: str | None = None,
                     first: int = 50, after: str | None = None) -> Page[PersonView]:
        return self._read(lists.list_persons, visibility, region, program, first, after)

    # -- records, matches, programs
    def get_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, RecordView]:
        return self._lookup(reads.get_records(list(keys), visibility))

    def records_of_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, list[RecordView]]:
        return self._lookup(reads.records_of_persons(list(ids), visibility))

    def matches_of_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, list[MatchView]]:
        return self._lookup(reads.matches_of_records(list(keys), visibility))

    def enrolments_of_persons(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[EnrolmentView]]:
        return self._lookup(reads.enrolments_of_persons(list(ids), visibility))

    def program_overlap(self, programs: list[str], visibility: Visibility, *, region: str | None = None,
                        first: int = 50, after: str | None = None) -> Page[PersonView]:
        return self._read(lists.program_overlap, list(programs), visibility, region, first, after)

    def duplicate_enrolments(self, program: str, visibility: Visibility, *, region: str | None = None,
                             first: int = 50, after: str | None = None) -> Page[DuplicateEnrolmentView]:
        return self._read(lists.duplicate_enrolments, program, visibility, region, first, after)

    def targeting(self, program: str, visibility: Visibility, *, region: str | None = None) -> TargetingView:
        return self._read(lists.targeting, program, visibility, region)

    def region_counts(self) -> RegionCountsView:
        return self._read(lists.region_counts)

    def region_stats(self, code: str, visibility: Visibility) -> RegionStatsView | None:
        return self._read(lists.region_stats, code, visibility)

    # -- review and history
    def review_queue(self, visibility: Visibility, *, region: str | None = None, dataset: str | None = None,
                     program: str | None = None, status: str = "open", first: int = 50,
                     after: str | None = None) -> Page[ReviewItemView]:
        return self._read(review.review_queue, visibility, region, dataset, program, status, first, after)

    def get_review_item(self, item_id: str, visibility: Visibility) -> ReviewItemView | None:
        return self._read(review.get_review_item, item_id, visibility)

    def constraints(self) -> list[ConstraintRow]:
        return self._read(lambda tx, _gen: review.constraints(tx))

    def get_proposal(self, proposal_id: str, visibility: Visibility) -> ProposalRow | None:
        return self._read(lambda tx, _gen: review.get_proposal(tx, proposal_id, visibility))

    def linkage_runs(self, visibility: Visibility, *, first: int = 20) -> list[LinkageRunView]:
        return self._read(lambda tx, _gen: review.linkage_runs(tx, visibility, first))

    def lineage(self, old_id: str, visibility: Visibility) -> list[LineageRow]:
        return self._read(review.lineage, old_id, visibility)

    def datasets(self) -> list[DatasetRow]:
        def work(tx: ManagedTransaction, gen: int) -> list[DatasetRow]:
            rows = tx.run("MATCH (d:Dataset {gen: $gen}) RETURN d.name AS name, d.agency AS agency, "
                          "d.program AS program, d.reference AS reference, d.records AS records "
                          "ORDER BY name", gen=gen)
            return [DatasetRow(r["name"], r["agency"], r["program"], bool(r["reference"]), r["records"])
                    for r in rows]
        return self._read(work)

    def export_links(self) -> Iterator[tuple[str, str, str, str | None]]:
        """Streams from one transaction; ConflictError at the end if a publish switched
        runs meanwhile (the rows may then mix runs: export again)."""
        with self._driver.session(database=self.database) as session, session.begin_transaction() as tx:
            gen = _gen(tx)  # type: ignore[arg-type]
            result = tx.run("MATCH (r:Record {gen: $gen})-[:OF]->(p:Person) RETURN r.dataset AS dataset, "
                            "r.source_id AS source_id, p.person_id AS person_id, "
                            "p.household_id AS household_id ORDER BY dataset, source_id", gen=gen)
            for r in result:
                yield (r["dataset"], r["source_id"], r["person_id"], r["household_id"])
            if _gen(tx) != gen:  # type: ignore[arg-type]
                raise ConflictError("a publish switched runs during the export", where="export links",
                                    hint="run the export again")
