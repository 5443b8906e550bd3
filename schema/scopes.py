"""Named requirements for the schema's field declarations (each is an OR of ANDs).

These are only spellings; the declaration that counts is the ``scoped(...)`` on each field.
"""

from __future__ import annotations

from schema.requirements import PUBLIC

__all__ = [
    "AUDIT", "CONTACT", "EDUCATION", "HEALTH", "HOUSEHOLD", "HOUSEHOLD_BY_KK", "IDENTITY", "LINKAGE",
    "PERSON_BY_NIK", "PROGRAM", "PROPOSAL", "PUBLIC", "REVIEW", "STATS", "TARGETING_LISTS", "WELFARE",
]

IDENTITY = [["person:identity"]]
CONTACT = [["person:contact"]]
HEALTH = [["person:health"]]
EDUCATION = [["person:education"]]
HOUSEHOLD = [["household:read"]]
WELFARE = [["household:welfare"]]
PROGRAM = [["program:read"]]
LINKAGE = [["linkage:read"]]
REVIEW = [["linkage:review"]]
PROPOSAL = [["proposal:submit"]]
STATS = [["stats:read"]]
AUDIT = [["audit:read"]]
#: Looking a person up by full NIK confirms the number: only for holders of person:nik.
PERSON_BY_NIK = [["person:identity", "person:nik"]]
HOUSEHOLD_BY_KK = [["household:read", "person:nik"]]
#: Inclusion and exclusion errors are judged by welfare decile.
TARGETING_LISTS = [["program:read", "household:welfare"]]
