"""Review items are ordered by how uncertain they are, then by what is at stake."""

from __future__ import annotations

from hub._publication import review_priority


def test_uncertainty_leads_and_program_enrolments_raise_the_stake() -> None:
    coin_toss, sure_ish = review_priority(0.5, []), review_priority(0.95, [])
    assert coin_toss > sure_ish
    # the same uncertainty with benefits at stake comes first
    assert review_priority(0.7, ["PKH"]) > review_priority(0.7, [])
    assert review_priority(0.7, ["PKH", "PBI-JK"]) > review_priority(0.7, ["PKH"])
    assert review_priority(0.7, ["PKH", "PBI-JK", "PIP"]) == review_priority(0.7, ["PKH", "PBI-JK"])
    # a conflict (no probability) counts as a coin toss
    assert review_priority(None, ["PKH"]) == review_priority(0.5, ["PKH"])
    assert review_priority(0.99, []) >= 0.0 and review_priority(None, ["A", "B"]) <= 1.0
