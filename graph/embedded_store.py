"""The embedded store: the whole graph in one SQLite file, no server needed.

Why SQLite, in WAL mode: it ships with Python (nothing to install for a
laptop or a demo), the graph is one file a user can copy or delete, and WAL
lets the server keep answering from a consistent snapshot while the CLI
publishes a new run in the same file (one writer, many readers, no reader
ever blocked). The graph's nodes and relationships are tables and foreign keys
(``records.person_id`` is ``(Record)-[:OF]->(Person)``); see the README's
graph model. Run-scoped rows carry a generation number and readers follow a
one-row ``current`` pointer, which is how a publish becomes visible at once.

Example:
    >>> from graph import Visibility
    >>> from graph.embedded_store import EmbeddedStore
    >>> store = EmbeddedStore("dtsen-data/graph.sqlite")
    >>> store.list_persons(Visibility.everything(), first=5).items
    []
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import ConfigError, ConflictError
from graph import _sqlite_lists as lists
from graph import _sqlite_publish as writes
from graph import _sqlite_read as reads
from graph import _sqlite_review as review
from graph._sqlite_schema import connect, migrate
from graph._sqlite_sql import CURRENT
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

__all__ = ["EmbeddedStore"]


@contextmanager
def _publish_lock(path: Path) -> Iterator[None]:
    """One publisher per file: a second one would delete the first one's half-written
    generation as stale. ``flock`` dies with its holder, so a killed publish never blocks."""
    with open(path.with_name(path.name + ".publish-lock"), "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConflictError(f"another process is publishing into {path}", where="publish",
                                hint="wait for it to finish, then publish again") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class EmbeddedStore:
    """A :class:`~graph.protocol.GraphStore` in one SQLite file (created if missing).

    Each thread gets its own connection; one publish at a time per file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            migrate(self._conn())
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise ConfigError(f"cannot open the embedded store at {self.path}: {exc}", where="store",
                              hint="point --store / DTSEN_STORE at a writable .sqlite file") from exc

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One snapshot for a whole read method, so a publish switching runs between two of
        its statements cannot make it answer half from each run."""
        conn = self._conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing
    def publish(self, pub: Publication, *, progress: Progress | None = None) -> None:
        """See :meth:`GraphStore.publish`. ConflictError while another process publishes
        into the same file (an OS lock, released by the kernel if that process dies)."""
        with _publish_lock(self.path):
            writes.publish(self._conn(), pub, progress)

    def attach_record(self, record: RecordRow, *, person: PersonRow | None = None,
                      household: HouseholdRow | None = None, dataset: DatasetRow | None = None) -> None:
        writes.attach_record(self._conn(), record, person, household, dataset)

    def save_proposal(self, proposal: ProposalRow) -> None:
        review.save_proposal(self._conn(), proposal)

    def add_constraint(self, kind: ConstraintKind, left_key: str, right_key: str, *, steward: str,
                       note: str | None = None) -> ConstraintRow:
        return review.add_constraint(self._conn(), kind, left_key, right_key, steward, note)

    def decide_review(self, item_id: str, decision: ReviewDecision, *, steward: str, note: str | None,
                      visibility: Visibility, expected_status: str = "open") -> ReviewItemView:
        return review.decide_review(self._conn(), item_id, decision, steward, note, visibility,
                                    expected_status)

    def undo_review(self, item_id: str, *, steward: str, visibility: Visibility) -> ReviewItemView | None:
        return review.undo_review(self._conn(), item_id, steward, visibility)

    # -- people and households
    def get_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, PersonView]:
        with self._read() as conn:
            return reads.get_persons(conn, ids, visibility)

    def get_person_by_nik(self, nik: str, visibility: Visibility) -> PersonView | None:
        with self._read() as conn:
            return reads.get_person_by_nik(conn, nik, visibility)

    def get_households(self, ids: Iterable[str], visibility: Visibility) -> dict[str, HouseholdView]:
        with self._read() as conn:
            return reads.get_households(conn, ids, visibility)

    def get_household_by_kk(self, kk: str, visibility: Visibility) -> HouseholdView | None:
        with self._read() as conn:
            return reads.household_by_kk(conn, kk, visibility)

    def members_of_households(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[MemberView]]:
        with self._read() as conn:
            return reads.members_of_households(conn, ids, visibility)

    def list_persons(self, visibility: Visibility, *, region: str | None = None, program: str | None = None,
                     first: int = 50, after: str | None = None) -> Page[PersonView]:
        with self._read() as conn:
            return lists.list_persons(conn, visibility, region, program, first, after)

    # -- records, matches, programs
    def get_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, RecordView]:
        with self._read() as conn:
            return reads.get_records(conn, keys, visibility)

    def records_of_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, list[RecordView]]:
        with self._read() as conn:
            return reads.records_of_persons(conn, ids, visibility)

    def matches_of_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, list[MatchView]]:
        with self._read() as conn:
            return reads.matches_of_records(conn, keys, visibility)

    def enrolments_of_persons(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[EnrolmentView]]:
        with self._read() as conn:
            return reads.enrolments_of_persons(conn, ids, visibility)

    def program_overlap(self, programs: list[str], visibility: Visibility, *, region: str | None = None,
                        first: int = 50, after: str | None = None) -> Page[PersonView]:
        with self._read() as conn:
            return lists.program_overlap(conn, programs, visibility, region, first, after)

    def duplicate_enrolments(self, program: str, visibility: Visibility, *, region: str | None = None,
                             first: int = 50, after: str | None = None) -> Page[DuplicateEnrolmentView]:
        with self._read() as conn:
            return lists.duplicate_enrolments(conn, program, visibility, region, first, after)

    def targeting(self, program: str, visibility: Visibility, *, region: str | None = None) -> TargetingView:
        with self._read() as conn:
            return lists.targeting(conn, program, visibility, region)

    def region_counts(self) -> RegionCountsView:
        with self._read() as conn:
            return lists.region_counts(conn)

    def region_stats(self, code: str, visibility: Visibility) -> RegionStatsView | None:
        with self._read() as conn:
            return lists.region_stats(conn, code, visibility)

    # -- review and history
    def review_queue(self, visibility: Visibility, *, region: str | None = None, dataset: str | None = None,
                     program: str | None = None, status: str = "open", first: int = 50,
                     after: str | None = None) -> Page[ReviewItemView]:
        with self._read() as conn:
            return review.review_queue(conn, visibility, region, dataset, program, status, first, after)

    def get_review_item(self, item_id: str, visibility: Visibility) -> ReviewItemView | None:
        with self._read() as conn:
            return review.get_review_item(conn, item_id, visibility)

    def constraints(self) -> list[ConstraintRow]:
        with self._read() as conn:
            return review.constraints(conn)

    def get_proposal(self, proposal_id: str, visibility: Visibility) -> ProposalRow | None:
        with self._read() as conn:
            return review.get_proposal(conn, proposal_id, visibility)

    def linkage_runs(self, visibility: Visibility, *, first: int = 20) -> list[LinkageRunView]:
        with self._read() as conn:
            return review.linkage_runs(conn, visibility, first)

    def lineage(self, old_id: str, visibility: Visibility) -> list[LineageRow]:
        with self._read() as conn:
            return review.lineage(conn, old_id, visibility)

    def datasets(self) -> list[DatasetRow]:
        rows = self._conn().execute(f"SELECT name, agency, program, reference, records FROM datasets "
                                    f"WHERE gen = {CURRENT} ORDER BY name").fetchall()
        return [DatasetRow(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def export_links(self) -> Iterator[tuple[str, str, str, str | None]]:
        # Its own connection: a long export must not hold this thread's connection mid-read.
        conn = connect(self.path)
        try:
            conn.execute("BEGIN")   # one snapshot for the whole export
            yield from (tuple(r) for r in conn.execute(  # type: ignore[misc]
                f"SELECT r.dataset, r.source_id, r.person_id, p.household_id FROM records r JOIN persons p "
                f"ON p.gen = r.gen AND p.person_id = r.person_id WHERE r.gen = {CURRENT} "
                "ORDER BY r.dataset, r.source_id"))
            conn.execute("COMMIT")
        finally:
            conn.close()
