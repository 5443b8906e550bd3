"""Token ids the hub must remember until they expire: revoked access tokens and used client assertions.

Both are "refuse this ``jti`` until ``exp``" lists, so one small table serves both, keyed
by kind. Entries past their expiry are pruned on write: an expired token is refused by
its ``exp`` anyway.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from auth._sqlite import SqliteFile

__all__ = ["TokenLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spent_ids (
  kind TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL, client_id TEXT,
  PRIMARY KEY (kind, jti)
);
"""
_REVOKED = "revoked"
_ASSERTION = "assertion"


class TokenLedger:
    """Revoked access-token ids and spent client-assertion ids, persisted in SQLite."""

    def __init__(self, path: Path) -> None:
        self._db = SqliteFile(path, _SCHEMA)
        #: revocations made through this object (caches of revocation state compare it)
        self.changes = 0

    def revoke(self, jti: str, expires_at: int, client_id: str | None = None) -> None:
        """Refuse the access token ``jti`` from now until ``expires_at`` (idempotent)."""
        self._remember(_REVOKED, jti, expires_at, client_id)
        self.changes += 1           # after the commit: a cache that sees the new count finds the row

    def is_revoked(self, jti: str) -> bool:
        row = self._db.conn().execute("SELECT 1 FROM spent_ids WHERE kind=? AND jti=?",
                                      (_REVOKED, jti)).fetchone()
        return row is not None

    def spend_assertion(self, client_id: str, jti: str, expires_at: int) -> bool:
        """Record a client assertion's ``jti``; ``False`` if it was already used (a replay)."""
        try:
            self._insert(_ASSERTION, f"{client_id}\x1f{jti}", expires_at, client_id, replace=False)
        except sqlite3.IntegrityError:
            return False
        return True

    def close(self) -> None:
        self._db.close()

    def _remember(self, kind: str, jti: str, expires_at: int, client_id: str | None) -> None:
        self._insert(kind, jti, expires_at, client_id, replace=True)

    def _insert(self, kind: str, jti: str, expires_at: int, client_id: str | None, *, replace: bool) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        conn = self._db.conn()
        with conn:
            conn.execute("DELETE FROM spent_ids WHERE expires_at < ?", (int(time.time()) - 3600,))
            conn.execute(f"{verb} INTO spent_ids VALUES (?,?,?,?)", (kind, jti, int(expires_at), client_id))
