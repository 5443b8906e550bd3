"""Starlette routes for the steward review page.

``/review`` answers the page itself and ``/review/assets/*`` its script and stylesheet,
straight from the package (no build step, nothing from a CDN). A strict Content Security
Policy keeps the page to its own origin: scripts and styles only from the hub, requests only
to the hub (``/oauth/token`` and ``/graphql``), and no framing by other sites.

Example:
    >>> from starlette.applications import Starlette
    >>> app = Starlette(routes=review_routes())
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS", "CONTENT_SECURITY_POLICY", "review_routes"]

ASSETS = Path(__file__).parent / "assets"

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                           "img-src 'self' data:; form-action 'self'; base-uri 'none'; "
                           "frame-ancestors 'none'")

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # the page holds a steward's token in memory: never serve it from a shared cache
    "Cache-Control": "no-store",
}


async def _page(request: Request) -> Response:
    return FileResponse(Path(__file__).parent / "review.html", media_type="text/html; charset=utf-8",
                        headers=_HEADERS)


async def _slash(request: Request) -> Response:
    return RedirectResponse("/review", status_code=308)


def review_routes() -> list[BaseRoute]:
    """``/review`` (the page), ``/review/`` (redirect) and ``/review/assets`` (its JS and CSS)."""
    return [
        Route("/review", _page, methods=["GET", "HEAD"]),
        Route("/review/", _slash, methods=["GET", "HEAD"]),
        Mount("/review/assets", app=StaticFiles(directory=ASSETS), name="review-assets"),
    ]
