"""The steward review page (``/review``): static HTML, JS and CSS served by the hub.

The page holds no server logic of its own: it signs in through ``/oauth/token`` and talks
only to ``/graphql``, like any other client.
"""

from hub.web.routes import review_routes

__all__ = ["review_routes"]
