"""The hub's token-signing keys: ES256 key pairs that can be rotated without breaking live tokens.

The key file (``signing-keys.json`` in the data directory, mode 0600) holds every key still
needed: the current one signs; a retired one stays in the JWKS until the last token it
signed has expired, then disappears. The file is re-read when it changes on disk, so
``dtsen-hub keys rotate`` takes effect in a running server without a restart.

Example:
    >>> keys = KeyStore(tmp_path / "signing-keys.json")   # doctest: +SKIP
    >>> old = keys.signing_key().kid; new = keys.rotate(keep_for=900)  # doctest: +SKIP
    >>> {k["kid"] for k in keys.public_jwks()["keys"]} == {old, new}   # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, KeySet

from core.errors import ConfigError

__all__ = ["SIGNING_ALG", "KeyStore"]

SIGNING_ALG = "ES256"


class KeyStore:
    """Signing keys persisted in one JSON file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._entries: list[dict[str, Any]] = []
        self._cache: tuple[float, list[dict[str, Any]], KeySet] | None = None
        with self._lock:
            if not self.path.exists():
                self._entries = [_new_entry()]
                self._write()
            self._refresh()

    def signing_key(self) -> ECKey:
        """The key new tokens are signed with (private)."""
        with self._lock:
            self._refresh()
            return ECKey.import_key(self._entries[-1]["jwk"])

    def public_jwks(self) -> dict[str, Any]:
        """The JWKS document: the public halves of every key whose tokens may still be live."""
        return {"keys": [dict(k) for k in self._published()[0]]}

    def verification_keys(self) -> KeySet:
        """The public keys, as a joserfc key set, for validating our own tokens.

        Cached until the file changes or a retired key's time is up: importing keys costs
        more than verifying a signature, and this runs on every request.
        """
        return self._published()[1]

    def _published(self) -> tuple[list[dict[str, Any]], KeySet]:
        with self._lock:
            self._refresh()
            now = time.time()
            if self._cache is None or now >= self._cache[0]:
                live = [e for e in self._entries if e["retire_after"] is None or e["retire_after"] > now]
                public = [ECKey.import_key(e["jwk"]).as_dict(private=False, use="sig", alg=SIGNING_ALG)
                          for e in live]
                until = min((e["retire_after"] for e in live if e["retire_after"] is not None),
                            default=float("inf"))
                self._cache = (until, public, KeySet.import_key_set({"keys": public}))  # type: ignore[dict-item]
            return self._cache[1], self._cache[2]

    def rotate(self, *, keep_for: int) -> str:
        """Start signing with a new key; keep the old one published ``keep_for`` seconds more.

        ``keep_for`` should be at least the token lifetime plus the validation leeway. Keys
        whose time is up are dropped. Returns the new key's ``kid``.
        """
        with self._lock:
            self._refresh()
            now = time.time()
            for entry in self._entries:
                if entry["retire_after"] is None:
                    entry["retire_after"] = now + keep_for
            self._entries = [e for e in self._entries if e["retire_after"] > now]
            self._entries.append(_new_entry())
            self._write()
            return str(self._entries[-1]["jwk"]["kid"])

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return
            entries = json.loads(self.path.read_text(encoding="utf-8"))["keys"]
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"cannot read the signing keys: {exc}", where=str(self.path),
                              hint="restore the file, or delete it to start with a new key "
                                   "(live tokens are then refused)") from exc
        if not entries or entries[-1]["retire_after"] is not None:
            raise ConfigError("the key file has no current signing key", where=str(self.path),
                              hint="run `dtsen-hub keys rotate`")
        self._entries, self._stamp, self._cache = entries, stamp, None

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"keys": self._entries}, handle, indent=1)
        os.replace(tmp, self.path)
        self._stamp = None


def _new_entry() -> dict[str, Any]:
    key = ECKey.generate_key("P-256", auto_kid=True)
    return {"jwk": key.as_dict(private=True), "created": time.time(), "retire_after": None}
