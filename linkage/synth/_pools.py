"""Name pools by naming tradition, and how each tradition builds a full name.

Earlier entries are drawn more often (Zipf-like weights), so a few names such as
SITI, NUR, SRI or MUHAMMAD RIZKI recur in one village, as they do in life.
"""

from __future__ import annotations

import random
from itertools import accumulate

__all__ = ["family_of", "female_name", "male_name", "mother_name", "pick"]

_RAW = """
jv_m: SUTRISNO SLAMET BAMBANG SUPARMAN SUGENG HARTONO WAHYUDI SUYONO PURWANTO SUHARTO JOKO SUBAGYO
    SUWARNO SUPRIYADI TRI KUSNADI SUKARDI SUMARNO SUPARNO WIDODO EKO DWI AGUS BUDI SETIYONO HERU
    MULYONO SUNARTO
jv_f: SRI SUMARNI SUPARTI WARSINI TUMINAH SUWARNI ENDANG SUMIATI SUKARNI PARTINI SITI SUPRIHATIN
    WAHYUNI MARYATI SUYATMI RUKMINI TUTIK SRI WAHYUNI SRI LESTARI SUNARSIH
su_m: ASEP UJANG DEDE CECEP DADANG YAYAN AAN UCUP DEDI JAJANG OMAN ENDANG AGUS ADE EMAN
su_f: EUIS ENENG NENG IIS YAYAH CUCU ENTIN IMAS OOM TITIN NENENG YANTI DEDEH ELIS
su_2: SUHERMAN SOBARI HIDAYAT SUNARYA KURNIA RUSTANDI SETIAWAN SUPRIATNA NURJAMAN SAEPUDIN HERMAWAN
    MULYANA SOLIHIN JUANDA RAHMAT
bt_m: BONAR TIGOR MARULI HOTMAN RUDOLF DAVID PARLINDUNGAN JUNJUNGAN TORANG SAHAT MANGARA HORAS
    BINSAR JONNY
bt_f: ROSMA BUTET MARIANI LAMRIA ROSLINA TIOMINAR DORIS HOTNIDA SRIANNA ERNAWATI MARTA
marga: SIREGAR NASUTION HARAHAP SIMANJUNTAK PANJAITAN SITUMORANG HUTAGALUNG SINAGA LUBIS TAMPUBOLON
    SIAHAAN PASARIBU MANURUNG SIHOMBING NAINGGOLAN SIMATUPANG
bali_m: GEDE PUTU
bali_2: MADE KADEK
bali_3: NYOMAN KOMANG
bali_4: KETUT
bali_given_m: SUDARSANA ARTAWAN WIRAWAN SUARDANA ADNYANA SUPARTA MERTAYASA DARMAWAN SUKADANA
bali_given_f: SUARTINI ASTITI SUKMAWATI ARINI SRIASIH WIDIASIH PURNAMI ARIANI YULIANTARI
bg_m: ARIFIN SYAMSUDDIN RUSDI HAMZAH BASO AMIR HASANUDDIN SUDIRMAN AKBAR SAHARUDDIN MUHAMMAD ARSYAD
    ILHAM
bg_f: NURHAYATI HASNAH SITTI RAHMAWATI BECCE HASMAWATI JUMRIANI NURLIAH SALMAWATI
cn_m: HENDRA SUSANTO BUDI WILLIAM KEVIN MICHAEL JOHAN ROBERT FERRY ANDI TONNY
cn_f: LIANA MELISA VERONICA LINDA YENNY SUSAN LILY MEILANI FELICIA JESSICA
cn_family: WIJAYA GUNAWAN HALIM SANTOSO KURNIAWAN TANOTO SALIM SUGIANTO LIMANTO HARTONO TJANDRA
    TANUWIDJAJA
mu_m1: MUHAMMAD AHMAD ABDUL MUHAMMAD RIZKY ANDI
mu_m2: RIZKI FAJAR ILHAM ARIF YUSUF IQBAL HIDAYAT RAHMAN AZIZ HALIM FIRMANSYAH RAMADHAN HASAN
    SYAHRUL FAUZI SAPUTRA
mu_f1: SITI NUR DEWI FITRI PUTRI RINA SRI NURUL
mu_f2: AMINAH FATIMAH RAHMAWATI HIDAYAH AINI HANDAYANI WULANDARI LESTARI KHADIJAH ZAINAB MARYAM
    SAFITRI
"""


def _parse(raw: str) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    key = ""
    for line in raw.strip().splitlines():
        if not line.startswith(" "):
            key, _, line = line.partition(":")
        pools.setdefault(key, []).extend(line.split())
    return pools


_POOLS = _parse(_RAW)
_CUMULATIVE = {k: list(accumulate(1.0 / (i + 1) for i in range(len(v)))) for k, v in _POOLS.items()}
_BALI_ORDER = ("bali_m", "bali_2", "bali_3", "bali_4")


def pick(rng: random.Random, pool: str) -> str:
    """One name from ``pool``, earlier entries more often."""
    return rng.choices(_POOLS[pool], cum_weights=_CUMULATIVE[pool])[0]


def male_name(rng: random.Random, ethnicity: str, *, family: str | None = None, order: int = 0) -> str:
    """A man's full name in the tradition ``ethnicity``; ``family`` carries a marga or family name."""
    if ethnicity == "javanese":
        return pick(rng, "jv_m") if rng.random() < 0.6 else f"{pick(rng, 'jv_m')} {pick(rng, 'jv_m')}"
    if ethnicity == "sundanese":
        return f"{pick(rng, 'su_m')} {pick(rng, 'su_2')}" if rng.random() < 0.7 else pick(rng, "su_m")
    if ethnicity == "batak":
        return f"{pick(rng, 'bt_m')} {family or pick(rng, 'marga')}"
    if ethnicity == "balinese":
        return f"I {pick(rng, _BALI_ORDER[order % 4])} {pick(rng, 'bali_given_m')}"
    if ethnicity == "bugis":
        prefix = "ANDI " if rng.random() < 0.15 else ""
        return f"{prefix}{pick(rng, 'bg_m')}" + (f" {pick(rng, 'mu_m2')}" if rng.random() < 0.5 else "")
    if ethnicity == "chinese":
        return f"{pick(rng, 'cn_m')} {family or pick(rng, 'cn_family')}"
    return f"{pick(rng, 'mu_m1')} {pick(rng, 'mu_m2')}"


def female_name(rng: random.Random, ethnicity: str, *, family: str | None = None, order: int = 0) -> str:
    """A woman's full name in the tradition ``ethnicity``."""
    if ethnicity == "javanese":
        return pick(rng, "jv_f") if rng.random() < 0.6 else f"{pick(rng, 'jv_f')} {pick(rng, 'mu_f2')}"
    if ethnicity == "sundanese":
        return pick(rng, "su_f") if rng.random() < 0.5 else f"{pick(rng, 'su_f')} {pick(rng, 'mu_f2')}"
    if ethnicity == "batak":
        return f"{pick(rng, 'bt_f')} {family or pick(rng, 'marga')}"
    if ethnicity == "balinese":
        return f"NI {pick(rng, _BALI_ORDER[order % 4])} {pick(rng, 'bali_given_f')}"
    if ethnicity == "bugis":
        return pick(rng, "bg_f") if rng.random() < 0.6 else f"{pick(rng, 'bg_f')} {pick(rng, 'mu_f2')}"
    if ethnicity == "chinese":
        return f"{pick(rng, 'cn_f')} {family or pick(rng, 'cn_family')}"
    return f"{pick(rng, 'mu_f1')} {pick(rng, 'mu_f2')}"


def mother_name(rng: random.Random, ethnicity: str) -> str:
    """A mother's maiden name (never the child's family name: marga and family names pass by the father)."""
    return female_name(rng, ethnicity)


def family_of(name: str, ethnicity: str) -> str | None:
    """The marga or family name a father passes on, if his tradition has one."""
    return name.rsplit(" ", 1)[-1] if ethnicity in ("batak", "chinese") and " " in name else None
