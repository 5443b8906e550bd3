"""Group commit for the audit log: many concurrent requests, one SQLite transaction.

A request that must not answer before its audit entry is stored awaits
:meth:`GroupWriter.submit`'s future; one that only needs the entry stored in order
hands it to :meth:`GroupWriter.post`: no future to make and resolve, and a failure goes to
``on_error`` instead. One thread drains whatever entries are waiting and appends them in a single
transaction, so under load the cost of a commit is shared by every request in the batch,
while the event loop never blocks on the disk. With ``linger`` the thread waits that long
after the first entry of a batch before taking it: the server sets 50 ms
(``DTSEN_AUDIT_COMMIT_DELAY``), so the thread wakes (and competes for the GIL) once per batch
rather than once per request.
:meth:`GroupWriter.flush` waits until everything submitted so far is committed (for readers);
:meth:`GroupWriter.close` commits what is queued and stops.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

__all__ = ["GroupWriter"]

_STOP = None
T = TypeVar("T")


class _Flush:
    """A place in the queue: its future resolves once every item before it is committed."""


class GroupWriter(Generic[T]):
    """Feeds batches of submitted items to ``append`` from one background thread."""

    def __init__(self, append: Callable[[Sequence[T]], list[int]], *, max_batch: int = 256,
                 linger: float = 0.0, on_error: Callable[[BaseException, int], None] | None = None) -> None:
        """``on_error(exc, count)`` learns of a batch that could not be appended and held
        ``count`` posted items (items with a future learn through it instead)."""
        self._append = append
        self._max_batch = max_batch
        self._linger = linger
        self._on_error = on_error
        self._queue: queue.SimpleQueue[tuple[T | _Flush, Future[int] | None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, item: T) -> Future[int]:
        """Queue ``item``; the future resolves to its sequence number once committed."""
        future: Future[int] = Future()
        self._put((item, future))
        return future

    def post(self, item: T) -> None:
        """Queue ``item`` for nobody to wait on: the API's path, one queue put per entry."""
        self._put((item, None))

    def _put(self, queued: tuple[T | _Flush, Future[int] | None]) -> None:
        if self._thread is None:    # checked again under the lock: only the first put starts it
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                    self._thread.start()
        self._queue.put(queued)

    def flush(self) -> None:
        """Return once everything submitted before this call is committed (or failed)."""
        with self._lock:
            running = self._thread is not None
        if running:
            done: Future[int] = Future()
            self._queue.put((_Flush(), done))
            done.result()

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
            if self._linger and not isinstance(first[0], _Flush):
                # Let the batch gather before taking it. Without this the thread wakes for every
                # entry, and each wake-up takes the GIL from the event loop mid-request.
                time.sleep(self._linger)
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
            marks = [future for item, future in batch if isinstance(item, _Flush)]
            batch = [(item, future) for item, future in batch if not isinstance(item, _Flush)]
            try:
                seqs = self._append([item for item, _ in batch])  # type: ignore[misc]
            except BaseException as exc:  # every waiter must learn its entry was not stored
                posted = 0
                for _, future in batch:
                    if future is None:
                        posted += 1
                    else:
                        future.set_exception(exc)
                if posted and self._on_error is not None:
                    self._on_error(exc, posted)
            else:
                for (_, future), seq in zip(batch, seqs, strict=True):
                    if future is not None:
                        future.set_result(seq)
            for future in marks:
                future.set_result(0)  # type: ignore[union-attr]
            if stop:
                return
