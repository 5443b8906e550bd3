"""The registry of OAuth clients (one per agency integration), kept in ``auth.sqlite``.

Secrets are generated here, shown once, and stored only as argon2id hashes. A client
holds a profile from the policy, not a copy of its scopes, so changing ``policy.toml``
changes every client of that profile. Agencies holding a key pair register a public JWK
instead of a secret and authenticate with ``private_key_jwt`` (RFC 7523).

Example:
    >>> registry = ClientRegistry(tmp_path / "auth.sqlite", load_policy())  # doctest: +SKIP
    >>> client, secret = registry.add("kemenkes-pbi", "health_ministry")   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from joserfc.jwk import ECKey, OKPKey, RSAKey

from auth._sqlite import SqliteFile
from auth.policy import Policy
from core.errors import ConflictError, InputError, NotFoundError

__all__ = ["Client", "ClientRegistry"]

_HASHER = PasswordHasher()
_CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,62}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, agency TEXT NOT NULL, profile TEXT NOT NULL,
  regions TEXT, purposes TEXT NOT NULL, secret_hash TEXT, public_jwk TEXT,
  enabled INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Client:
    """One registered client; also the client model authlib's grants talk to."""

    client_id: str
    agency: str
    profile: str
    scopes: frozenset[str]
    regions: tuple[str, ...] | None
    purposes: frozenset[str]
    enabled: bool
    created_at: int
    secret_hash: str | None = None
    public_jwk: dict[str, Any] | None = None

    @property
    def auth_method(self) -> str:
        return "private_key_jwt" if self.public_jwk else "client_secret"

    # -- authlib ClientMixin ------------------------------------------------------------
    def get_client_id(self) -> str:
        return self.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.secret_hash:
            return False
        try:
            return _HASHER.verify(self.secret_hash, client_secret)
        except (VerificationError, InvalidHashError):
            return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public_jwk:
            return method == "private_key_jwt"
        return method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type: str) -> bool:
        return self.enabled and grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        """The scope to grant: the request's (already checked against ours) or all of ours."""
        wanted = scope.split() if scope else sorted(self.scopes)
        return " ".join(s for s in wanted if s in self.scopes)


class ClientRegistry:
    """Add, list, disable and look up clients in a SQLite file."""

    def __init__(self, path: Path, policy: Policy) -> None:
        self._db = SqliteFile(path, _SCHEMA)
        self._policy = policy
        #: enable/disable calls made through this object (caches of client state compare it)
        self.changes = 0

    def add(self, client_id: str, profile: str, *, agency: str | None = None,
            regions: list[str] | None = None, purposes: list[str] | None = None,
            public_jwk: dict[str, Any] | None = None) -> tuple[Client, str | None]:
        """Register a client; returns it and its secret (``None`` for a key-pair client).

        The secret is not stored and cannot be shown again: print it once.
        """
        if not _CLIENT_ID.match(client_id):
            raise InputError(f"client name {client_id!r} is not a valid client id", where="NAME",
                             hint="use 2-63 lower-case letters, digits, '.', '_' or '-'")
        spec = self._policy.profile(profile)
        allowed = self._policy.check_purposes(spec, purposes)
        limited = self._policy.client_regions(spec, regions)
        jwk_text = json.dumps(_public_jwk(public_jwk)) if public_jwk else None
        secret = None if public_jwk else secrets.token_urlsafe(32)
        secret_hash = _HASHER.hash(secret) if secret else None
        conn = self._db.conn()
        try:
            with conn:
                conn.execute("INSERT INTO clients VALUES (?,?,?,?,?,?,?,1,?)",
                             (client_id, agency or spec.agency, profile,
                              ",".join(limited) if limited else None, " ".join(sorted(allowed)),
                              secret_hash, jwk_text, int(time.time())))
        except Exception as exc:
            if "UNIQUE" in str(exc):
                raise ConflictError(f"client {client_id!r} already exists", where="NAME",
                                    hint="choose another name, or disable the old client") from exc
            raise
        return self._require(client_id), secret

    def get(self, client_id: str) -> Client | None:
        """The client, enabled or not, or ``None``."""
        row = self._db.conn().execute("SELECT * FROM clients WHERE client_id=?", (client_id,)).fetchone()
        return self._client(row) if row else None

    def is_enabled(self, client_id: str) -> bool:
        row = self._db.conn().execute("SELECT enabled FROM clients WHERE client_id=?",
                                      (client_id,)).fetchone()
        return bool(row and row[0])

    def all(self) -> list[Client]:
        rows = self._db.conn().execute("SELECT * FROM clients ORDER BY client_id").fetchall()
        return [self._client(r) for r in rows]

    def set_enabled(self, client_id: str, enabled: bool) -> Client:
        """Disable (or re-enable) a client: its live tokens are refused from the next request in this
        process, and within ``DTSEN_REVOCATION_DELAY`` seconds in server processes that cache tokens."""
        conn = self._db.conn()
        with conn:
            changed = conn.execute("UPDATE clients SET enabled=? WHERE client_id=?",
                                   (int(enabled), client_id)).rowcount
        self.changes += 1           # after the commit: a cache that sees the new count finds the row
        if not changed:
            raise NotFoundError(f"no client {client_id!r}", where="CLIENT",
                                hint="see `dtsen-hub clients list`")
        return self._require(client_id)

    def close(self) -> None:
        self._db.close()

    def _require(self, client_id: str) -> Client:
        client = self.get(client_id)
        if client is None:
            raise NotFoundError(f"no client {client_id!r}", where="CLIENT")
        return client

    def _client(self, row: tuple[Any, ...]) -> Client:
        client_id, agency, profile, regions, purposes, secret_hash, jwk_text, enabled, created = row
        scopes = self._policy.profiles[profile].scopes if profile in self._policy.profiles else frozenset()
        return Client(client_id=client_id, agency=agency, profile=profile, scopes=scopes,
                      regions=tuple(regions.split(",")) if regions else None,
                      purposes=frozenset(purposes.split()), enabled=bool(enabled) and bool(scopes),
                      created_at=created, secret_hash=secret_hash,
                      public_jwk=json.loads(jwk_text) if jwk_text else None)


def _public_jwk(data: dict[str, Any]) -> dict[str, Any]:
    """Accept only an asymmetric public key; a private part is never stored."""
    kind = {"EC": ECKey, "RSA": RSAKey, "OKP": OKPKey}.get(str(data.get("kty")))
    if kind is None:
        raise InputError(f"key type {data.get('kty')!r} is not an asymmetric JWK", where="public key",
                         hint="give an EC, RSA or OKP public key (JWK JSON or PEM)")
    try:
        key = kind.import_key(data)
    except Exception as exc:
        raise InputError(f"the public key is not a valid JWK: {exc}", where="public key") from exc
    return dict(key.as_dict(private=False))
