"""One small helper: a SQLite database file opened per thread, in WAL mode.

The auth stores (clients, revocations, audit) are small tables read on every request;
SQLite in WAL mode lets the server read while the CLI writes, and one connection per
thread avoids sharing a connection across the server's worker threads.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from core.errors import ConfigError

__all__ = ["SqliteFile"]


class SqliteFile:
    """A database file whose schema is created on first use; ``conn()`` is per thread."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = Path(path)
        self._schema = schema
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fresh = not self.path.exists()
                conn = self.conn()
                conn.executescript(self._schema)
                if fresh:
                    os.chmod(self.path, 0o600)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open {self.path}: {exc}", where=str(self.path),
                              hint="check DTSEN_DATA_DIR exists and is writable") from exc

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit off; use ``with conn:`` for a transaction)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._all.append(conn)
        return conn

    def close(self) -> None:
        """Close every thread's connection (call once, at shutdown)."""
        for conn in self._all:
            conn.close()
        self._all.clear()
        self._local = threading.local()
