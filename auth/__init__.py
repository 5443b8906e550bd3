"""OAuth 2.0 for the hub: the authorization server, token validation, the access policy, the audit log.

The public surface: ``Access`` (what resolvers receive), ``open_auth`` (wire the stores of a
data directory), ``HubAuthorizationServer`` (routes), ``BearerAuthMiddleware`` (the
resource side), ``AuditLog`` and ``AuditEntry`` (the hash-chained log), ``load_policy``.
This package imports nothing of ours but ``core``.
"""

from auth._open import close_auth, open_auth
from auth.access import Access
from auth.audit import AuditEntry, AuditLog, AuditPage, LoggedEntry, document_hash
from auth.clients import Client, ClientRegistry
from auth.errors import InsufficientScopeError, InvalidTokenError, MissingPurposeError, PurposeError
from auth.external import ExternalIssuer
from auth.keys import KeyStore
from auth.middleware import PURPOSE_HEADER, BearerAuthMiddleware, error_response, requires_scope
from auth.policy import Policy, Profile, load_policy
from auth.revocation import TokenLedger
from auth.server import AuthComponents, HubAuthorizationServer
from auth.tokens import DEFAULT_TOKEN_TTL, TokenIssuer
from auth.validation import TokenValidator

__all__ = [
    "DEFAULT_TOKEN_TTL",
    "PURPOSE_HEADER",
    "Access",
    "AuditEntry",
    "AuditLog",
    "AuditPage",
    "AuthComponents",
    "BearerAuthMiddleware",
    "Client",
    "ClientRegistry",
    "ExternalIssuer",
    "HubAuthorizationServer",
    "InsufficientScopeError",
    "InvalidTokenError",
    "KeyStore",
    "LoggedEntry",
    "MissingPurposeError",
    "Policy",
    "Profile",
    "PurposeError",
    "TokenIssuer",
    "TokenLedger",
    "TokenValidator",
    "close_auth",
    "document_hash",
    "error_response",
    "load_policy",
    "open_auth",
    "requires_scope",
]
