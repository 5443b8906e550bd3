"""regionStats over HTTP: small cells hidden, and no hidden cell comes back by differencing."""

from __future__ import annotations

from typing import Any

from tests.api._data import VILLAGES
from tests.api._differencing import recover
from tests.api._expect import people_in
from tests.api.conftest import Caller

CELL = "{ count suppressed }"
FIELDS = (f"code persons {CELL} households {CELL} deceased {CELL} deciles {{ decile households {CELL} }} "
          f"programs {{ program persons {CELL} }}")
CODES = sorted({v[:n] for v in VILLAGES for n in (2, 4, 6, 10)})


def _stats(caller: Caller, codes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for start in range(0, len(codes), 10):                       # stay under the alias limit
        chunk = codes[start:start + 10]
        aliases = " ".join(f'r{i}: regionStats(code: "{c}") {{ {FIELDS} }}' for i, c in enumerate(chunk))
        query = "{ " + aliases + " }"
        result = caller.run(query)
        assert result.errors == []
        out.update({c: result.data[f"r{i}"] for i, c in enumerate(chunk)})
    return out


def _cells(stats: dict[str, Any]) -> dict[tuple[str, object], int | None]:
    cells: dict[tuple[str, object], int | None] = {}
    for code, s in stats.items():
        for measure in ("persons", "households", "deceased"):
            cells[(code, measure)] = s[measure]["count"]
        for d in s["deciles"]:
            cells[(code, ("decile", d["decile"]))] = d["households"]["count"]
        for p in s["programs"]:
            cells[(code, ("program", p["program"]))] = p["persons"]["count"]
    return cells


def test_every_region_published_with_small_cells_hidden_and_nothing_recoverable(health: Caller) -> None:
    stats = _stats(health, CODES)
    assert set(stats) == set(CODES) and all(s is not None for s in stats.values())
    for code, s in stats.items():
        persons = len(people_in(code))
        assert s["persons"]["suppressed"] == (s["persons"]["count"] is None)
        assert s["persons"]["count"] in (persons, None)
        if 0 < persons < 10:
            assert s["persons"]["suppressed"]
    cells = _cells(stats)
    assert sum(v is None for v in cells.values()) >= 10        # the data has small cells to hide
    assert recover(cells) == {}


def test_a_regional_token_sees_the_same_cells_as_a_national_one(health: Caller, bandung: Caller) -> None:
    bandung_codes = [c for c in CODES if c.startswith("3273")]
    assert _stats(bandung, bandung_codes) == _stats(health, bandung_codes)
    assert _stats(bandung, ["32"]) == {"32": None}


def test_a_malformed_code_is_a_clear_error(health: Caller) -> None:
    result = health.run('{ regionStats(code: "327") { code } }')
    assert result.data == {"regionStats": None}
    assert "2, 4, 6 or 10 digits" in result.errors[0]["message"]
