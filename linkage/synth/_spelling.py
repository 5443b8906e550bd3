"""Spelling variants agencies introduce: pre-1972 spellings, Muhammad variants, titles, typos."""

from __future__ import annotations

import random
import re

__all__ = [
    "MUHAMMAD_VARIANTS",
    "TITLES_AFTER",
    "TITLES_BEFORE",
    "muhammad_variant",
    "to_new_spelling",
    "to_old_spelling",
    "typo",
]

_NEW_TO_OLD = re.compile(r"KH|NY|SY|C|J|Y|(?<![AEIOU])U")
_OLD_OF = {"KH": "CH", "NY": "NJ", "SY": "SJ", "C": "TJ", "J": "DJ", "Y": "J", "U": "OE"}
_OLD_TO_NEW = re.compile(r"OE|DJ|TJ|NJ|SJ|CH|J")
_NEW_OF = {"OE": "U", "DJ": "J", "TJ": "C", "NJ": "NY", "SJ": "SY", "CH": "KH", "J": "Y"}

MUHAMMAD_VARIANTS = ("MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOCHAMAD", "MOCHAMMAD", "MUCHAMMAD",
                     "M.", "MOH.", "MUH.", "MUCH.", "MOCH.", "MHD", "MOH")
TITLES_BEFORE = ("H.", "HJ.", "IR.", "DRS.", "DR.", "DRA.")
TITLES_AFTER = (", S.H.", ", S.PD.", ", S.E.", ", S.KOM.", ", M.M.", ", A.MD.")


def to_old_spelling(name: str) -> str:
    """Write a name as before 1972 (SUYONO -> SOEJONO, JOKO -> DJOKO, CAHYO -> TJAHJO)."""
    return _NEW_TO_OLD.sub(lambda m: _OLD_OF[m.group()], name)


def to_new_spelling(name: str) -> str:
    """The inverse: what an agency clerk types today for an old-spelled name."""
    return _OLD_TO_NEW.sub(lambda m: _NEW_OF[m.group()], name)


def muhammad_variant(name: str, rng: random.Random) -> str:
    """Replace a leading MUHAMMAD (any spelling) with another spelling."""
    first, _, rest = name.partition(" ")
    if first not in MUHAMMAD_VARIANTS or not rest:
        return name
    return f"{rng.choice(MUHAMMAD_VARIANTS)} {rest}"


def typo(text: str, rng: random.Random, alphabet: str = "AEIOUNRSTKLM") -> str:
    """One substituted, dropped or doubled character."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.5:
        return text[:i] + rng.choice(alphabet) + text[i + 1:]
    if kind < 0.75:
        return text[:i] + text[i + 1:]
    return text[:i] + text[i] + text[i:]
