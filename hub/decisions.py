"""Steward decisions applied to the published graph at once.

A decision is stored as a must-link / cannot-link constraint (by the store, in the same
transaction as the decision). Applying it means relinking: the workspace's records are
scored again with the saved model (no training), clustered under every constraint, given
stable ids with lineage, households recomputed, and published atomically. Going through
the pipeline keeps one definition of what a person is: the graph after a decision is
exactly what any later full run will produce, so nothing done here can drift from it.

Relinking with a saved model takes about a second for a few thousand records on the
embedded store; it is serialised by a lock file beside the workspace, so several server
workers (or a CLI run) never relink at once.

Example:
    >>> applier = DecisionApplier.for_data_dir(Path("dtsen-data"), store)   # doctest: +SKIP
    >>> store = ApplyingStore(store, applier) if applier else store          # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import GraphStore, Visibility
from graph.views import ReviewDecision, ReviewItemView

if TYPE_CHECKING:
    from hub.pipeline import LinkResult

__all__ = ["ApplyingStore", "DecisionApplier"]


class DecisionApplier:
    """Relinks ``data_dir``'s workspace with its saved model and publishes into ``store``."""

    def __init__(self, data_dir: Path, store: GraphStore) -> None:
        self.data_dir = data_dir
        self.store = store
        self.workspace = data_dir / "workspace.duckdb"
        self.model = data_dir / "model.json"
        self._lock = threading.Lock()

    @classmethod
    def for_data_dir(cls, data_dir: Path, store: GraphStore) -> DecisionApplier | None:
        """An applier when ``data_dir`` holds a linked workspace and its model, else None
        (a hub serving a graph it did not link can store decisions but not apply them)."""
        if (data_dir / "workspace.duckdb").is_file() and (data_dir / "model.json").is_file():
            return cls(data_dir, store)
        return None

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock, (self.data_dir / "relink.lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)      # other processes: server workers, `dtsen-hub link`
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def apply(self) -> LinkResult:
        """Relink under every constraint now in the store and publish the result."""
        import duckdb  # the linkage stack loads on the first decision, not with every server

        from hub.pipeline import run_link_workspace

        with self._exclusive():
            runs = self.store.linkage_runs(Visibility.everything(), first=1)
            kw: dict[str, Any] = {}
            if runs:    # the same cut-off and review band as the run being corrected
                kw["threshold"] = runs[0].threshold
                if isinstance(runs[0].summary.get("review_floor"), int | float):
                    kw["review_floor"] = float(runs[0].summary["review_floor"])
            run_id = "review-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            con = duckdb.connect(str(self.workspace))
            try:
                return run_link_workspace(con, self.data_dir, self.store, model=self.model, run_id=run_id,
                                          count_blocking=False, **kw)
            finally:
                con.close()


class ApplyingStore:
    """A :class:`graph.GraphStore` whose decisions reach the graph before the call returns.

    Every other method is the wrapped store's own. A decision that loses a race (ConflictError)
    or names a missing item raises before anything is relinked.
    """

    def __init__(self, store: GraphStore, applier: DecisionApplier) -> None:
        self._store = store
        self._applier = applier

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def decide_review(self, item_id: str, decision: ReviewDecision, **kw: Any) -> ReviewItemView:
        item = self._store.decide_review(item_id, decision, **kw)
        if ReviewDecision(decision) != ReviewDecision.UNSURE:     # no constraint: nothing to apply
            self._applier.apply()
        return item

    def undo_review(self, item_id: str, *, steward: str, visibility: Visibility) -> ReviewItemView | None:
        self._store.undo_review(item_id, steward=steward, visibility=visibility)
        self._applier.apply()
        # the relinked run queues the pair again (no ruling excludes it any more)
        return self._store.get_review_item(item_id, visibility)
