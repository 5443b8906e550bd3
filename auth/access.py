"""The caller's rights, as every resolver and store query receives them.

An :class:`Access` is built once per request from a validated token (see
``auth.validation``) and never changes; resolvers ask it questions instead of reading
token claims, so a local token and an external identity provider's token look the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import ForbiddenError

__all__ = ["Access"]


@dataclass(frozen=True)
class Access:
    """Who is calling, what they may see, where, and why.

    Attributes:
        client_id: the OAuth client (the token's ``client_id``).
        agency: the agency behind the client, e.g. ``Kemenkes``.
        profile: the policy profile, e.g. ``health_ministry``.
        scopes: the scopes granted by this token (never more than the profile's).
        regions: Kemendagri code prefixes the client is limited to; ``None`` means national.
        purpose: the purpose stated for this request (``X-Purpose``), already checked.
        purposes: every purpose this client may state.
        issuer: who issued the token (the hub itself or an external identity provider).
        token_id: the token's ``jti``; ``expires_at``: its ``exp`` (epoch seconds).

    Example:
        >>> a = Access("kemenkes", "Kemenkes", "health_ministry", frozenset({"person:identity"}),
        ...            regions=("32",))
        >>> a.has("person:identity"), a.has("person:nik"), a.in_region("3273010001")
        (True, False, True)
    """

    client_id: str
    agency: str
    profile: str
    scopes: frozenset[str]
    regions: tuple[str, ...] | None = None
    purpose: str | None = None
    purposes: frozenset[str] = field(default_factory=frozenset)
    issuer: str = ""
    token_id: str = ""
    expires_at: int = 0

    def has(self, scope: str) -> bool:
        """Whether this token grants ``scope``."""
        return scope in self.scopes

    def require(self, scope: str) -> None:
        """Raise :class:`ForbiddenError` unless this token grants ``scope``."""
        if scope not in self.scopes:
            raise ForbiddenError(f"client {self.client_id!r} lacks scope {scope!r}", where="scope",
                                 hint="request the scope when obtaining the token, if the profile allows it")

    @property
    def national(self) -> bool:
        """True when the client is not limited to regions."""
        return self.regions is None

    def in_region(self, code: str | None) -> bool:
        """Whether a Kemendagri code (of a village, district, ...) lies inside the client's regions.

        An unknown code is outside every restricted client's regions: when in doubt, hide.
        """
        if self.regions is None:
            return True
        if not code:
            return False
        return any(code.startswith(prefix) for prefix in self.regions)
