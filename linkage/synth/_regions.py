"""Real Kemendagri province and regency codes, with generated districts and 10-digit villages.

Regency codes and names are real; district and village numbers below them are
generated (districts 01.., villages 1001.. for kelurahan and 2001.. for desa),
which is enough for the code shapes and region prefixes the hub relies on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["REGENCIES", "Regency", "Village", "build_villages"]


@dataclass(frozen=True, slots=True)
class Regency:
    code: str            # 4 digits
    name: str            # as a birth place is written
    weight: int          # relative population
    ethnicities: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Village:
    code: str            # 10 digits
    regency: Regency

    @property
    def district(self) -> str:
        return self.code[:6]


_JAVA_EAST = (("javanese", 70), ("muslim", 25), ("chinese", 5))
_JAVA_WEST = (("sundanese", 65), ("muslim", 30), ("chinese", 5))
_JAKARTA = (("muslim", 35), ("javanese", 25), ("sundanese", 15), ("batak", 10), ("chinese", 15))

REGENCIES: tuple[Regency, ...] = (
    Regency("3171", "JAKARTA SELATAN", 8, _JAKARTA),
    Regency("3172", "JAKARTA TIMUR", 10, _JAKARTA),
    Regency("3174", "JAKARTA BARAT", 9, _JAKARTA),
    Regency("3201", "BOGOR", 20, _JAVA_WEST),
    Regency("3204", "BANDUNG", 14, _JAVA_WEST),
    Regency("3273", "BANDUNG", 10, _JAVA_WEST),
    Regency("3275", "BEKASI", 9, _JAVA_WEST),
    Regency("3671", "TANGERANG", 8, _JAVA_WEST),
    Regency("3374", "SEMARANG", 6, _JAVA_EAST),
    Regency("3372", "SURAKARTA", 3, _JAVA_EAST),
    Regency("3471", "YOGYAKARTA", 2, _JAVA_EAST),
    Regency("3404", "SLEMAN", 4, _JAVA_EAST),
    Regency("3507", "MALANG", 10, _JAVA_EAST),
    Regency("3578", "SURABAYA", 11, _JAVA_EAST),
    Regency("1271", "MEDAN", 9, (("batak", 45), ("muslim", 30), ("chinese", 15), ("javanese", 10))),
    Regency("1202", "TAPANULI UTARA", 2, (("batak", 95), ("muslim", 5))),
    Regency("5171", "DENPASAR", 3, (("balinese", 80), ("muslim", 12), ("javanese", 8))),
    Regency("5103", "BADUNG", 2, (("balinese", 90), ("muslim", 10))),
    Regency("7371", "MAKASSAR", 6, (("bugis", 70), ("muslim", 20), ("chinese", 10))),
    Regency("7311", "BONE", 3, (("bugis", 90), ("muslim", 10))),
    Regency("6171", "PONTIANAK", 3, (("muslim", 55), ("chinese", 30), ("javanese", 15))),
)


def build_villages(rng: random.Random, *, per_district: int = 8, districts: int = 6) -> list[Village]:
    """Villages under every regency: ``districts`` districts of ``per_district`` villages each."""
    villages: list[Village] = []
    for regency in REGENCIES:
        for d in range(1, districts + 1):
            urban = rng.random() < 0.5
            base = 1000 if urban else 2000
            for v in range(1, per_district + 1):
                villages.append(Village(f"{regency.code}{d:02d}{base + v:04d}", regency))
    return villages
