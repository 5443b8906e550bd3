"""Indonesian personal names: clean display form, titles split out, and a comparison key.

The key folds what differs between documents about one person but carries no
identity: the 20+ spellings of Muhammad, and the pre-1972 (Van Ophuijsen /
Soewandi) spellings oe/u, dj/j, tj/c, nj/ny, sj/sy, ch/kh. Old ``j`` is new
``y`` while old ``dj`` is new ``j``, so no letter-for-letter rewrite can fold
both: the key writes every ``dj``, ``j`` and ``y`` as ``J``, which puts
DJAJA/JAYA, SOEJONO/SUYONO and DJOKO/JOKO on one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["StandardName", "name_key", "standard_name"]

#: Academic, religious and professional titles (compared without dots).
_TITLES = frozenset({
    "H", "HJ", "HAJI", "HAJJAH", "IR", "DRS", "DRA", "DR", "PROF", "KH", "USTADZ", "USTADZAH",
    "SH", "SE", "SPD", "SPDI", "SAG", "SSOS", "SKOM", "SKM", "SKEP", "SIP", "SPSI", "SSI", "ST", "SS",
    "SHI", "SSTP", "STP", "SP", "SPT", "SAP", "SIKOM", "SFARM", "SKG", "SKED",
    "MM", "MH", "MSI", "MPD", "MKES", "MT", "MAG", "MSC", "MBA", "MA", "AMD", "AMKEP", "AMAK", "AMG",
    "APT", "BSC", "PHD", "DRG", "SPOG", "SPA", "SPPD", "SPB", "BA", "BC",
})
#: Titles that are also plausible given names without a dot stay in the name unless dotted.
_DOT_ONLY_TITLES = frozenset({"H", "SE", "ST", "SS", "SP", "MA", "BA", "MT", "SIP", "MM"})
#: Balinese articles (I for men, NI for women) say nothing about which person it is.
_ARTICLES = frozenset({"I", "NI"})
#: Skipped for ``first_key`` too: MUHAMMAD is often dropped or abbreviated to M. on other documents.
_SKIP_FIRST = _ARTICLES | {"MUHAMMAD"}

_MUHAMMAD = re.compile(r"M[OU]H?(?:A|E)?(?:C?H|KH)?A?M{1,2}[AE]D|MUHAMMAD|MOHAMMED")
_MUHAMMAD_ABBR = frozenset({"M", "MOH", "MOCH", "MUH", "MUCH", "MHD", "MUHD", "MOHD", "MD", "MOHM", "MUHAM"})
_OLD_SPELLING = re.compile(r"OE|DJ|TJ|NJ|SJ|CH")
_OLD_TO_NEW = {"OE": "U", "DJ": "J", "TJ": "C", "NJ": "NY", "SJ": "SY", "CH": "KH"}
_NOT_NAME = re.compile(r"[^A-Z0-9 .,'\-]+")
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[.,'`\-]+")


class StandardName(NamedTuple):
    full_name: str | None
    titles: str | None
    key: str | None
    first_key: str | None
    last_key: str | None


def _is_title(token: str) -> bool:
    bare = token.replace(".", "")
    return bare in _TITLES and ("." in token or bare not in _DOT_ONLY_TITLES)


def _split_titles(tokens: list[str], suffix: list[str]) -> tuple[list[str], list[str]]:
    titles: list[str] = []
    while len(tokens) > 1 and _is_title(tokens[0]):
        titles.append(tokens.pop(0))
    while len(tokens) > 1 and _is_title(tokens[-1]):
        titles.insert(len(titles), tokens.pop())
    titles.extend(suffix)
    return tokens, titles


def _key_token(token: str, position: int, count: int) -> str:
    if _MUHAMMAD.fullmatch(token) or (token in _MUHAMMAD_ABBR and position == 0 and count > 1):
        return "MUHAMMAD"
    token = _OLD_SPELLING.sub(lambda m: _OLD_TO_NEW[m.group()], token)
    return token.replace("Y", "J")


@lru_cache(maxsize=524_288)
def name_key(name: str) -> str | None:
    """The comparison key of an already upper-cased name (no titles): punctuation out, spellings folded."""
    tokens = _PUNCT.sub(" ", name).split()
    if not tokens:
        return None
    return " ".join(_key_token(t, i, len(tokens)) for i, t in enumerate(tokens))


@lru_cache(maxsize=524_288)
def standard_name(raw: str) -> StandardName:
    """Upper case, collapsed spaces, titles split off: ``Hj. Siti Aminah, S.Pd.`` -> SITI AMINAH, HJ. S.PD."""
    if not raw.isascii():   # Latin-1 exports carry accents (DÉSIRÉE): fold them, never drop the letter
        raw = "".join(c for c in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(c))
    text = _SPACES.sub(" ", _NOT_NAME.sub(" ", raw.upper())).strip(" ,-'")
    if not text:
        return StandardName(None, None, None, None, None)
    main, _, rest = text.partition(",")
    suffix = [t for t in rest.replace(",", " ").split() if t]
    if suffix and not all(_is_title(t) for t in suffix):
        main, suffix = text.replace(",", " "), []
    tokens, titles = _split_titles(main.split(), suffix)
    full = " ".join(tokens).strip(" .-'") or None
    if full is None:
        return StandardName(None, " ".join(titles) or None, None, None, None)
    key = name_key(full)
    parts = key.split() if key else []
    given = [p for p in parts if p not in _SKIP_FIRST] or parts
    return StandardName(full, " ".join(titles) or None, key, given[0] if given else None,
                        parts[-1] if parts else None)
