"""Open every auth store in a data directory and wire them together, in one place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from auth.clients import ClientRegistry
from auth.external import ExternalIssuer, JwksCache
from auth.keys import KeyStore
from auth.policy import Policy, load_policy
from auth.revocation import TokenLedger
from auth.server import AuthComponents
from auth.tokens import DEFAULT_TOKEN_TTL
from auth.validation import TokenValidator

__all__ = ["close_auth", "open_auth"]


def open_auth(data_dir: Path, *, issuer: str, audience: str, token_ttl: int = DEFAULT_TOKEN_TTL,
              leeway: int = 30, external_issuers: Iterable[ExternalIssuer] = (),
              require_purpose: bool = True, policy: Policy | None = None) -> AuthComponents:
    """The clients, keys, revocation ledger and validator kept under ``data_dir``.

    Files: ``auth.sqlite`` (clients, revoked and spent token ids) and ``signing-keys.json``
    (mode 0600). The audit log is separate (:class:`auth.AuditLog`, ``audit.sqlite``).
    """
    policy = policy or load_policy()
    data_dir = Path(data_dir)
    clients = ClientRegistry(data_dir / "auth.sqlite", policy)
    ledger = TokenLedger(data_dir / "auth.sqlite")
    keys = KeyStore(data_dir / "signing-keys.json")
    validator = TokenValidator(issuer=issuer.rstrip("/"), audience=audience, policy=policy, keys=keys,
                               clients=clients, ledger=ledger, external=external_issuers, jwks=JwksCache(),
                               leeway=leeway, require_purpose=require_purpose)
    return AuthComponents(issuer=issuer.rstrip("/"), audience=audience, policy=policy, clients=clients,
                          keys=keys, ledger=ledger, validator=validator, token_ttl=token_ttl, leeway=leeway)


def close_auth(parts: AuthComponents) -> None:
    """Close the SQLite connections opened by :func:`open_auth`."""
    parts.clients.close()
    parts.ledger.close()
