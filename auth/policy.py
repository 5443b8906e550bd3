"""The access policy: scopes, client profiles, purposes and region codes.

``policy.toml`` next to this module is the single source of truth; it is read and
validated once by :func:`load_policy` and turned into frozen runtime objects here, so a
typo in a profile fails at start-up, not when a ministry's request arrives.

Example:
    >>> policy = load_policy()
    >>> "person:nik" in policy.profile("health_ministry").scopes
    True
    >>> policy.normalise_regions(["3273", "32"])
    ('32', '3273')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError, InputError

__all__ = ["DEFAULT_POLICY_PATH", "Policy", "Profile", "load_policy"]

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.toml")
_SCOPE = re.compile(r"^[a-z]+:[a-z]+$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Kemendagri codes: province 2 digits, regency 4, district 6, village 10.
_REGION_LENGTHS = frozenset({2, 4, 6, 10})


@dataclass(frozen=True)
class Profile:
    """What a kind of client may hold: scopes, purposes and whether it is tied to regions."""

    name: str
    description: str
    agency: str
    scopes: frozenset[str]
    purposes: frozenset[str]
    regions_required: bool


@dataclass(frozen=True)
class Policy:
    """The compiled policy. Build it with :func:`load_policy`."""

    scopes: Mapping[str, str]
    purposes: Mapping[str, str]
    profiles: Mapping[str, Profile]

    def profile(self, name: str) -> Profile:
        """The named profile, or an :class:`InputError` listing the known ones."""
        try:
            return self.profiles[name]
        except KeyError:
            raise InputError(f"unknown client profile {name!r}", where="profile",
                             hint=f"use one of {', '.join(sorted(self.profiles))}") from None

    def check_scopes(self, scopes: Iterable[str], *, where: str = "scope") -> frozenset[str]:
        """Return ``scopes`` as a set, refusing any scope the policy does not define."""
        wanted = frozenset(scopes)
        unknown = sorted(wanted - self.scopes.keys())
        if unknown:
            raise InputError(f"unknown scope(s) {', '.join(unknown)}", where=where,
                             hint=f"known scopes: {', '.join(sorted(self.scopes))}")
        return wanted

    def check_purposes(self, profile: Profile, purposes: Iterable[str] | None) -> frozenset[str]:
        """The purposes a client of ``profile`` may state: the profile's, or a subset of them."""
        if purposes is None:
            return profile.purposes
        wanted = frozenset(purposes)
        outside = sorted(wanted - profile.purposes)
        if outside or not wanted:
            raise InputError(f"purpose(s) {', '.join(outside) or '(none)'} not allowed for profile "
                             f"{profile.name!r}", where="purposes",
                             hint=f"choose from {', '.join(sorted(profile.purposes))}")
        return wanted

    def normalise_regions(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Validate Kemendagri code prefixes and return them sorted, without duplicates."""
        cleaned: set[str] = set()
        for raw in codes:
            code = raw.strip().replace(".", "")
            if not code.isdigit() or len(code) not in _REGION_LENGTHS:
                raise InputError(f"region {raw!r} is not a Kemendagri code prefix", where="regions",
                                 hint="use 2 (province), 4 (regency), 6 (district) or 10 (village) "
                                      "digits, e.g. 32 or 3273")
            cleaned.add(code)
        return tuple(sorted(cleaned))

    def client_regions(self, profile: Profile, codes: Iterable[str] | None) -> tuple[str, ...] | None:
        """Regions a new client is limited to; ``None`` means national. Regional profiles need some."""
        regions = self.normalise_regions(codes) if codes else ()
        if profile.regions_required and not regions:
            raise InputError(f"profile {profile.name!r} is limited to regions, and none were given",
                             where="regions", hint="pass --regions with Kemendagri codes, e.g. 3273,3204")
        return regions or None

    def scope_table_markdown(self) -> str:
        """The README's scope table: each scope, what it unlocks, and the profiles holding it."""
        lines = ["| scope | lets a client see or do | profiles |", "|---|---|---|"]
        for scope, text in self.scopes.items():
            holders = ", ".join(n for n, p in self.profiles.items() if scope in p.scopes)
            lines.append(f"| `{scope}` | {text} | {holders} |")
        return "\n".join(lines) + "\n"

    def purpose_table_markdown(self) -> str:
        """The README's purpose table: each purpose, its meaning, and the profiles that may state it."""
        lines = ["| purpose | meaning | profiles |", "|---|---|---|"]
        for purpose, text in self.purposes.items():
            holders = ", ".join(n for n, p in self.profiles.items() if purpose in p.purposes)
            lines.append(f"| `{purpose}` | {text} | {holders} |")
        return "\n".join(lines) + "\n"


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate ``policy.toml`` (or ``path``) into a :class:`Policy`."""
    source = path or DEFAULT_POLICY_PATH
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the access policy: {exc}", where=str(source)) from exc
    scopes = _text_table(data, "scopes", source, _SCOPE)
    purposes = _text_table(data, "purposes", source, _NAME)
    raw_profiles = data.get("profiles")
    if not isinstance(raw_profiles, dict) or not raw_profiles:
        raise ConfigError("the policy defines no [profiles.NAME] tables", where=str(source))
    profiles = {name: _profile(name, body, scopes, purposes, source) for name, body in raw_profiles.items()}
    return Policy(scopes=scopes, purposes=purposes, profiles=profiles)


def _text_table(data: dict[str, object], key: str, source: Path, pattern: re.Pattern[str]) -> dict[str, str]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise ConfigError(f"the policy has no [{key}] table", where=str(source))
    for name, text in table.items():
        if not pattern.match(name) or not isinstance(text, str) or not text:
            raise ConfigError(f"[{key}] entry {name!r} needs a well-formed name and a description",
                              where=str(source))
    return dict(table)


def _profile(name: str, body: object, scopes: Mapping[str, str], purposes: Mapping[str, str],
             source: Path) -> Profile:
    where = f"{source} [profiles.{name}]"
    if not _NAME.match(name) or not isinstance(body, dict):
        raise ConfigError(f"profile {name!r} must be a table with a lower-case name", where=where)
    wanted_scopes = body.get("scopes")
    wanted_purposes = body.get("purposes")
    if not isinstance(wanted_scopes, list) or not isinstance(wanted_purposes, list) or not wanted_purposes:
        raise ConfigError("a profile needs lists 'scopes' and 'purposes'", where=where)
    profile_scopes = frozenset(scopes) if wanted_scopes == ["*"] else frozenset(wanted_scopes)
    unknown = sorted((profile_scopes - scopes.keys()) | (set(wanted_purposes) - purposes.keys()))
    if unknown:
        raise ConfigError(f"unknown scope or purpose {', '.join(unknown)}", where=where,
                          hint="define it in [scopes] or [purposes] first")
    regions = body.get("regions")
    if regions not in ("national", "required"):
        raise ConfigError(f"regions must be 'national' or 'required', not {regions!r}", where=where)
    return Profile(name=name, description=str(body.get("description", "")),
                   agency=str(body.get("agency", "")),
                   scopes=profile_scopes, purposes=frozenset(wanted_purposes),
                   regions_required=regions == "required")
