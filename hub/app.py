"""The hub's Starlette application, assembled from explicit settings.

``create_app`` wires the OAuth 2.0 authorization server's routes, the bearer-token
middleware (every request gets ``request.state.access``: an :class:`auth.Access` or
``None``), the audit log and ``/graphql`` (see ``hub._graphql``). Without a ``store`` the
one named by the settings is opened (and closed with the app).

Example:
    >>> from hub.settings import load_settings
    >>> app = create_app(load_settings(data_dir="dtsen-data"))   # doctest: +SKIP
    >>> # uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware

from auth import AuditLog, BearerAuthMiddleware, HubAuthorizationServer, close_auth, open_auth
from graph import open_store
from hub._graphql import graphql_routes
from hub._token_cache import CachedValidator
from hub.decisions import ApplyingStore, DecisionApplier
from hub.settings import Settings
from hub.web import review_routes

__all__ = ["create_app"]


def create_app(settings: Settings, *, store: Any = None) -> Starlette:
    """The hub's ASGI app for ``settings``; ``store`` is the graph store resolvers will read.

    ``app.state`` holds ``settings``, ``auth`` (:class:`auth.AuthComponents`), ``audit``
    (:class:`auth.AuditLog`) and ``store``.
    """
    parts = open_auth(settings.data_dir, issuer=settings.issuer_url, audience=settings.audience,
                      token_ttl=settings.token_ttl, leeway=settings.token_leeway,
                      external_issuers=settings.external_issuers, require_purpose=settings.require_purpose)
    audit = AuditLog(settings.data_dir / "audit.sqlite", commit_delay=settings.audit_commit_delay)
    server = HubAuthorizationServer(parts)
    owned = store is None
    if store is None:
        store = open_store(settings.store_location, user=settings.neo4j_user,
                           password=settings.neo4j_password, database=settings.neo4j_database)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            audit.close()
            close_auth(parts)
            if owned:
                store.close()

    # decisions reach the graph at once when this hub linked it (its workspace and model are here)
    applier = DecisionApplier.for_data_dir(settings.data_dir, store)
    if applier is not None:
        store = ApplyingStore(store, applier)
    # /graphql first: the router tries routes in order, and nearly every request is for it
    routes = [*graphql_routes(settings, store, audit, parts.policy), *server.routes(), *review_routes()]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(BearerAuthMiddleware, validator=CachedValidator(
                        parts, recheck=settings.revocation_delay))])
    app.state.settings = settings
    app.state.auth = parts
    app.state.audit = audit
    app.state.store = store
    return app
