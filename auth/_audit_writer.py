"""Group commit for the audit log: many concurrent requests, one SQLite transaction.

A request that must not answer before its audit entry is stored awaits
:meth:`GroupWriter.submit`'s future. One thread drains whatever entries are waiting and
appends them in a single transaction, so under load the cost of a commit is shared by
every request in the batch, while the event loop never blocks on the disk.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["GroupWriter"]

_STOP = None
T = TypeVar("T")


class GroupWriter(Generic[T]):
    """Feeds batches of submitted items to ``append`` from one background thread."""

    def __init__(self, append: Callable[[Sequence[T]], list[int]], *, max_batch: int = 256) -> None:
        self._append = append
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[T, Future[int]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, item: T) -> Future[int]:
        """Queue ``item``; the future resolves to its sequence number once committed."""
        future: Future[int] = Future()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()
        self._queue.put((item, future))
        return future

    def close(self) -> None:
        """Commit everything queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                batch.append(nxt)
            try:
                seqs = self._append([item for item, _ in batch])
            except BaseException as exc:  # every waiter must learn its entry was not stored
                for _, future in batch:
                    future.set_exception(exc)
            else:
                for (_, future), seq in zip(batch, seqs, strict=True):
                    future.set_result(seq)
            if stop:
                return
