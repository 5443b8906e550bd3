"""The ``GraphStore`` protocol: what the hub asks of a graph, in domain terms.

Two implementations keep one contract (``tests/graph/test_contract_*.py`` runs
unchanged against both): :mod:`graph.neo4j_store` for production and
:mod:`graph.embedded_store` (one SQLite file) for a laptop, a demo or a region.

Rules every method keeps:

* **Access inside the query.** Every read takes the caller's
  :class:`~graph.model.Visibility`. Region prefixes go into the WHERE clause;
  the projection selects only the properties of allowed groups
  (``graph.views.PERSON_GROUPS`` and friends), the rest come back ``None`` /
  empty. NIK and KK without ``FieldGroup.NIK`` are read from a precomputed
  masked property, so the full number is never selected.
* **Out of region == missing.** A person is in region when its own
  ``village_code`` starts with one of ``visibility.regions`` (``None`` means
  national; a person without a village code is visible only nationally). A
  household uses its own ``village_code``. A source record, enrolment or match
  belongs to the region of its person. Out-of-region ids are simply absent
  from batch results and ``None`` from single lookups.
* **Group gates.** Households and members need ``HOUSEHOLD``; records and
  matches need ``LINKAGE``; enrolments, overlap, duplicates and targeting need
  ``PROGRAM``; the review queue and decisions need ``REVIEW``; linkage runs
  need ``LINKAGE``. Without the group the store returns nothing (empty / None),
  silently: raising FORBIDDEN is the API layer's job, the store's is to never
  fetch what it should not.
* **The current run.** Reads see exactly one published run: the previous one
  until a publish has fully landed, then the new one (see :meth:`publish`).
  One method call answers from one snapshot, even when it runs several queries.
* **Keyset pagination.** Lists take ``first`` (1..``paging.MAX_PAGE``, else
  InputError) and ``after`` (an opaque cursor from ``Page.end_cursor``, built
  with ``graph.paging``). Orders are fixed and documented per method, so both
  stores return the same pages and cursors.
* **Batch methods** (``get_persons``, ``records_of_persons``, ...) take any
  iterable of ids and return a dict keyed by the visible ids only, for
  DataLoaders. Lists inside are ordered as documented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, runtime_checkable

from graph.model import DatasetRow, HouseholdRow, LineageRow, PersonRow, Publication, RecordRow, Visibility
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

__all__ = ["GraphStore", "Progress"]

#: ``progress(phase, done, total)``, called after each committed batch. Phases are the
#: kinds written: datasets, programs, regions, households, persons, records, matches,
#: review_items. A store reports "records" after its first committed batch of records
#: (the crash test kills the publisher right then).
Progress = Callable[[str, int, int], None]


@runtime_checkable
class GraphStore(Protocol):
    """One linked graph. Safe to share between threads of one server process."""

    # -- writing ------------------------------------------------------------------------------

    def publish(self, pub: Publication, *, progress: Progress | None = None) -> None:
        """Replace the published graph with ``pub``, in bulk.

        Checks the publication first (``graph.check_publication``: unique keys,
        every record's person exists, every person's household exists, records'
        datasets exist), raising InputError before writing anything.

        Writes records, persons, households, datasets, programs (from datasets'
        and records' ``program``), regions (province > regency > district >
        village, from every village code), ``OF``/``FROM``/``MEMBER_OF``/
        ``ENROLLED_IN``/``IN``/``PART_OF``/``MATCHES`` edges and review items
        under a fresh internal generation, then switches the current pointer in
        one transaction, then deletes the previous generation. Readers see the
        old run or the new one, never a mix. Idempotent: publishing the same
        publication again yields the same graph. A crash mid-publish leaves the
        old run current; its half-written generation is removed by the next
        publish. The run row and lineage rows are kept across runs (history);
        steward decisions, constraints and proposals are untouched.
        """
        ...

    def attach_record(self, record: RecordRow, *, person: PersonRow | None = None,
                      household: HouseholdRow | None = None, dataset: DatasetRow | None = None) -> None:
        """Add one record to the current run (real-time matching of a proposal).

        ``record.person_id`` names the person: an existing one, or ``person``
        (a new one, created here, with ``household`` if that is new too).
        ``dataset`` is created when the record's dataset does not exist yet.
        Adds the record's region chain, ``OF``/``FROM``/``ENROLLED_IN`` edges.
        NotFoundError if the person neither exists nor is given. The next
        ``publish`` supersedes it (linkage must read proposals as a source).
        """
        ...

    def save_proposal(self, proposal: ProposalRow) -> None:
        """Insert or replace a proposal by ``proposal_id`` (not run-scoped)."""
        ...

    def add_constraint(self, kind: ConstraintKind, left_key: str, right_key: str, *, steward: str,
                       note: str | None = None) -> ConstraintRow:
        """Record a steward's must-link / cannot-link ruling on two record keys.

        The pair is unordered (stored with the smaller key left). A later ruling
        on the same pair replaces the earlier one.
        """
        ...

    def decide_review(self, item_id: str, decision: ReviewDecision, *, steward: str, note: str | None,
                      visibility: Visibility, expected_status: str = "open") -> ReviewItemView:
        """Decide a review item, atomically, and return it as decided.

        NotFoundError when the item does not exist in the current run, is out of
        region, or ``REVIEW`` is not allowed. ConflictError when its status is
        not ``expected_status`` (someone decided it first). For a pair item the
        decision also becomes a constraint (MATCH -> must_link, NON_MATCH ->
        cannot_link) in the same transaction. Decisions outlive runs: a later
        publish of an item with the same ``item_id`` keeps it decided.
        """
        ...

    def undo_review(self, item_id: str, *, steward: str, visibility: Visibility) -> ReviewItemView | None:
        """Withdraw a decision and the constraint it made, atomically (the steward's undo).

        Works whether or not the item is still in the current run (a run that honours a
        constraint no longer queues its pair). NotFoundError when there is no such
        decision or its records / item are out of region or ``REVIEW`` is not allowed;
        ConflictError when the item exists but is open (nothing to undo). Returns the item
        as it now stands in the current run (open), or None when the run has no such item.
        ``steward`` is who undid it (the API's audit log keeps the call).
        """
        ...

    def close(self) -> None:
        """Release connections. The store is unusable afterwards."""
        ...

    # -- people and households ----------------------------------------------------------------

    def get_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, PersonView]:
        """Visible persons by id (batch; missing and out-of-region ids absent)."""
        ...

    def get_person_by_nik(self, nik: str, visibility: Visibility) -> PersonView | None:
        """The visible person whose resolved NIK is ``nik``; with several (legacy
        duplicates), the VERIFIED one first, then the smallest person_id."""
        ...

    def get_households(self, ids: Iterable[str], visibility: Visibility) -> dict[str, HouseholdView]:
        """Visible households by id (batch). Needs HOUSEHOLD."""
        ...

    def get_household_by_kk(self, kk: str, visibility: Visibility) -> HouseholdView | None:
        """The visible household with KK ``kk`` (smallest household_id if several). Needs HOUSEHOLD."""
        ...

    def members_of_households(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[MemberView]]:
        """Visible members of visible households (batch), each list ordered by
        ``graph.views.role_rank(role)`` then person_id.
        Needs HOUSEHOLD. A visible household with no visible member maps to []."""
        ...

    def list_persons(self, visibility: Visibility, *, region: str | None = None, program: str | None = None,
                     first: int = 50, after: str | None = None) -> Page[PersonView]:
        """Visible persons ordered by person_id, optionally within the region
        prefix ``region`` (intersected with the visibility) and enrolled in
        ``program`` (which needs PROGRAM; without it the page is empty)."""
        ...

    # -- records, matches, programs -----------------------------------------------------------

    def get_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, RecordView]:
        """Source records by record_key (batch). Needs LINKAGE."""
        ...

    def records_of_persons(self, ids: Iterable[str], visibility: Visibility) -> dict[str, list[RecordView]]:
        """Each visible person's source records, ordered by record_key (every visible
        id maps to a list, possibly empty). Needs LINKAGE."""
        ...

    def matches_of_records(self, keys: Iterable[str], visibility: Visibility) -> dict[str, list[MatchView]]:
        """Scored pairs touching each record (either side), both ends visible,
        ordered by probability descending then the other key (every visible key
        maps to a list, possibly empty). Needs LINKAGE."""
        ...

    def enrolments_of_persons(self, ids: Iterable[str],
                              visibility: Visibility) -> dict[str, list[EnrolmentView]]:
        """Each visible person's enrolments (one per enrolling record), ordered by
        program, dataset, source_id (every visible id maps to a list, possibly
        empty). Needs PROGRAM."""
        ...

    def program_overlap(self, programs: list[str], visibility: Visibility, *, region: str | None = None,
                        first: int = 50, after: str | None = None) -> Page[PersonView]:
        """Visible persons enrolled in every one of ``programs`` (at least one
        name, else InputError), ordered by person_id. Needs PROGRAM."""
        ...

    def duplicate_enrolments(self, program: str, visibility: Visibility, *, region: str | None = None,
                             first: int = 50, after: str | None = None) -> Page[DuplicateEnrolmentView]:
        """Visible persons with two or more records enrolling them in ``program``,
        ordered by person_id. Needs PROGRAM."""
        ...

    def targeting(self, program: str, visibility: Visibility, *, region: str | None = None) -> TargetingView:
        """Welfare decile against enrolment for visible persons (by their own
        village code). A person's decile is their household's; without WELFARE
        every person falls in the ``None`` row. Needs PROGRAM (else no rows).
        Rows with zero persons are omitted."""
        ...

    def region_stats(self, code: str, visibility: Visibility) -> RegionStatsView | None:
        """Counts for a region (2/4/6/10 digits, else InputError). None when no
        such region was published or it is not inside the visibility's regions
        (a reader scoped to ``3273`` gets None for ``32``). Persons are counted
        by their village code, households by theirs; decile and program counts
        are aggregates and ignore field groups (suppression is the API's job)."""
        ...

    def region_counts(self) -> RegionCountsView:
        """Per-village counts of the current run over every region, ignoring visibility.

        Only for disclosure control: the API decides small-cell and complementary
        suppression over the whole hierarchy from these and answers ``regionStats`` from
        the suppressed result, the same for every caller. Never return them as they are."""
        ...

    # -- linkage review and history -----------------------------------------------------------

    def review_queue(self, visibility: Visibility, *, region: str | None = None, dataset: str | None = None,
                     program: str | None = None, status: str = "open", first: int = 50,
                     after: str | None = None) -> Page[ReviewItemView]:
        """Review items of the current run with ``status`` (open / decided),
        ordered by priority descending then item_id. Region by the item's
        village_code; ``dataset`` matches either record's dataset; ``program``
        one of the item's programs. Needs REVIEW."""
        ...

    def get_review_item(self, item_id: str, visibility: Visibility) -> ReviewItemView | None:
        """One review item of the current run (open or decided). Needs REVIEW."""
        ...

    def constraints(self) -> list[ConstraintRow]:
        """Every steward ruling, ordered by (left_key, right_key). For linkage (no visibility)."""
        ...

    def get_proposal(self, proposal_id: str, visibility: Visibility) -> ProposalRow | None:
        """A proposal, if its village code is inside the visibility's regions."""
        ...

    def linkage_runs(self, visibility: Visibility, *, first: int = 20) -> list[LinkageRunView]:
        """Published runs (with their model), newest ``finished_at`` first, then
        run_id. Needs LINKAGE (else [])."""
        ...

    def lineage(self, old_id: str, visibility: Visibility) -> list[LineageRow]:
        """What became of a person or household id that a later run split or
        merged, oldest run first. ``new_ids`` keeps only ids the reader can see;
        rows left with none are dropped (so out-of-region history is missing)."""
        ...

    def datasets(self) -> list[DatasetRow]:
        """Published datasets with their record counts, by name. Not sensitive."""
        ...

    def export_links(self) -> Iterator[tuple[str, str, str, str | None]]:
        """``(dataset, source_id, person_id, household_id)`` for every record of
        the current run, ordered by dataset then source_id. Streams; operator
        use only (no visibility)."""
        ...
