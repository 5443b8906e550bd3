"""The access policy: DESIGN.md's scopes and profiles, validation of bad policy files, the README table."""

from __future__ import annotations

from pathlib import Path

import pytest

from auth import Access, load_policy
from core.errors import ConfigError, ForbiddenError, InputError

README = Path(__file__).parents[2] / "README.md"
POLICY = load_policy()


def test_profiles_hold_the_designed_scopes() -> None:
    assert POLICY.profile("health_ministry").scopes == {
        "person:identity", "person:nik", "person:health", "household:read", "program:read", "stats:read"}
    education = POLICY.profile("education_ministry")
    assert "person:nik" not in education.scopes and "person:education" in education.scopes
    regional = POLICY.profile("regional_government")
    assert regional.regions_required and {"proposal:submit", "household:welfare"} <= regional.scopes
    assert POLICY.profile("data_steward").scopes == set(POLICY.scopes)
    assert len(POLICY.scopes) == 13


def test_every_profile_purpose_is_defined() -> None:
    for profile in POLICY.profiles.values():
        assert profile.purposes and profile.purposes <= POLICY.purposes.keys()


def test_readme_scope_and_purpose_tables_are_the_policy() -> None:
    readme = README.read_text(encoding="utf-8")
    assert POLICY.scope_table_markdown() in readme, (
        "README's scope table drifted from auth/policy.toml; paste policy.scope_table_markdown()")
    assert POLICY.purpose_table_markdown() in readme, (
        "README's purpose table drifted from auth/policy.toml; paste policy.purpose_table_markdown()")


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown client profile") as error:
        POLICY.profile("police")
    assert "health_ministry" in str(error.value.hint)


@pytest.mark.parametrize("codes", [["3"], ["327"], ["32a"], ["32731"], [""]])
def test_bad_region_codes_are_refused(codes: list[str]) -> None:
    with pytest.raises(InputError, match="Kemendagri"):
        POLICY.normalise_regions(codes)


def test_regions_are_normalised_and_required_for_regional_clients() -> None:
    assert POLICY.normalise_regions(["3273", "32", "32.04", "3273"]) == ("32", "3204", "3273")
    with pytest.raises(InputError, match="limited to regions"):
        POLICY.client_regions(POLICY.profile("regional_government"), None)
    assert POLICY.client_regions(POLICY.profile("health_ministry"), None) is None


def test_purposes_can_only_narrow_the_profile() -> None:
    health = POLICY.profile("health_ministry")
    assert POLICY.check_purposes(health, ["health_insurance"]) == {"health_insurance"}
    with pytest.raises(InputError, match="education_aid"):
        POLICY.check_purposes(health, ["education_aid"])


@pytest.mark.parametrize("text, words", [
    ("[scopes]\n'person:x' = 'x'\n[purposes]\na = 'a'\n", "no [profiles"),
    ("[scopes]\n'person:x' = 'x'\n[purposes]\na = 'a'\n[profiles.p]\nscopes = ['person:y']\n"
     "purposes = ['a']\nregions = 'national'\n", "person:y"),
    ("[scopes]\n'person:x' = 'x'\n[purposes]\na = 'a'\n[profiles.p]\nscopes = ['person:x']\n"
     "purposes = ['a']\nregions = 'sometimes'\n", "regions must be"),
    ("[scopes]\nBAD = 'x'\n", "well-formed"),
    ("not toml at all = = =", "cannot read"),
])
def test_bad_policy_files_fail_at_load(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words.replace("[", r"\[")):
        load_policy(path)


def test_access_answers_scope_and_region_questions() -> None:
    access = Access("pemkot", "Pemkot Bandung", "regional_government", frozenset({"person:identity"}),
                    regions=("3273",))
    assert access.has("person:identity") and not access.has("person:nik")
    assert access.in_region("3273010001") and not access.in_region("3204010001")
    assert not access.in_region(None) and not access.national
    with pytest.raises(ForbiddenError, match="person:nik"):
        access.require("person:nik")
    national = Access("kemenkes", "Kemenkes", "health_ministry", frozenset())
    assert national.national and national.in_region(None)
