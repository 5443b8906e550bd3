"""The auth package's public surface and its import boundary (it may import only ``core``)."""

from __future__ import annotations

import ast
from pathlib import Path

import auth

AUTH_DIR = Path(auth.__file__).parent
OURS = {"core", "linkage", "graph", "auth", "resolvers", "schema", "hub", "tests", "bench"}


SURFACE = {
    "Access", "AuditEntry", "AuditLog", "AuditPage", "AuthComponents", "BearerAuthMiddleware",
    "Client", "ClientRegistry", "DEFAULT_TOKEN_TTL", "ExternalIssuer", "HubAuthorizationServer",
    "InsufficientScopeError", "InvalidTokenError", "KeyStore", "LoggedEntry", "MissingPurposeError",
    "PURPOSE_HEADER", "Policy", "Profile", "PurposeError", "TokenIssuer", "TokenLedger",
    "TokenValidator", "close_auth", "document_hash", "error_response", "load_policy", "open_auth",
    "requires_scope"
}


def test_public_surface_does_not_drift() -> None:
    # Other packages build on these names: changing them is an interface change, made on purpose.
    assert set(auth.__all__) == SURFACE and len(auth.__all__) == len(SURFACE)
    for name in auth.__all__:
        assert getattr(auth, name) is not None, name


def test_auth_imports_only_core_of_ours() -> None:
    for path in AUTH_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root not in OURS - {"core", "auth"}, f"{path.name} imports {root}"
