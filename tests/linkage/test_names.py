"""Name standardisation: display form, titles, and the folding comparison key."""

from __future__ import annotations

import pytest

from linkage.standardise import name_key, standard_name


@pytest.mark.parametrize(("raw", "full", "titles"), [
    ("  siti   aminah ", "SITI AMINAH", None),
    ("Hj. Siti Aminah, S.Pd.", "SITI AMINAH", "HJ. S.PD."),
    ("Drs. H. Bambang Sutrisno", "BAMBANG SUTRISNO", "DRS. H."),
    ("Ir. Joko Widodo", "JOKO WIDODO", "IR."),
    ("Prof. Dr. Ir. Sjahrir Nasution, M.Sc.", "SJAHRIR NASUTION", "PROF. DR. IR. M.SC."),
    ("Budi Santoso SH", "BUDI SANTOSO", "SH"),
    ("Budi, Ahmad", "BUDI AHMAD", None),         # a comma not followed by titles is not a title list
    ("M. Yusuf", "M. YUSUF", None),              # M. is Muhammad, not a title
    ("H Sukarno", "H SUKARNO", None),            # an undotted H may be an initial: kept
    ("", None, None),
])
def test_display_form_and_titles(raw: str, full: str | None, titles: str | None) -> None:
    name = standard_name(raw)
    assert (name.full_name, name.titles) == (full, titles)


@pytest.mark.parametrize("variant", ["MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOCHAMAD", "MOCHAMMAD",
                                     "MUCHAMMAD", "MUCHAMAD", "MOHAMMED", "MUHAMMED", "MOKHAMAD", "MOH.",
                                     "MOH", "MUH", "MUH.", "MUCH.", "MOCH.", "M.", "M", "MHD", "MOHD"])
def test_muhammad_variants_fold(variant: str) -> None:
    assert name_key(f"{variant} RIZKI") == "MUHAMMAD RIZKI"


def test_single_letter_m_only_folds_as_first_of_several() -> None:
    assert name_key("RIZKI M") == "RIZKI M"
    assert name_key("M") == "M"


@pytest.mark.parametrize(("old", "new"), [
    ("SOEHARTO", "SUHARTO"), ("DJOKO", "JOKO"), ("DJAJA", "JAYA"), ("SOEJONO", "SUYONO"),
    ("TJAHJONO", "CAHYONO"), ("NJOMAN", "NYOMAN"), ("SJAMSUL", "SYAMSUL"), ("CHAIRUL", "KHAIRUL"),
    ("JOESOEF", "YUSUF"), ("TJOKRO", "COKRO"),
])
def test_old_spellings_fold_with_new(old: str, new: str) -> None:
    assert name_key(old) == name_key(new)


def test_distinct_names_stay_distinct() -> None:
    assert name_key("JOKO") != name_key("JOKI")
    assert name_key("SITI AMINAH") != name_key("SITI AMINA H")


def test_first_and_last_keys_skip_balinese_article() -> None:
    name = standard_name("I Wayan Sudarsana")
    assert (name.first_key, name.last_key) == ("WAJAN", "SUDARSANA")
    single = standard_name("Sukarno")
    assert (single.first_key, single.last_key) == ("SUKARNO", "SUKARNO")


def test_first_key_skips_muhammad_which_other_documents_drop() -> None:
    assert standard_name("M. Yusuf").first_key == standard_name("Yusuf").first_key == "JUSUF"
    assert standard_name("Muhammad").first_key == "MUHAMMAD"
