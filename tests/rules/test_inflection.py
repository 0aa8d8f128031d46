"""English inflection by rule, and the verb forms of terms that the matcher reads with it."""

from __future__ import annotations

import pytest

from judge.rules.inflection import doers, singulars, verb_forms
from judge.rules.lexicon import TermIndex
from judge.rules.normalize import normalize
from judge.rules.termlists import Category
from tests.rules.test_examples import INDEX, MORPHOLOGY


@pytest.mark.parametrize(("verb", "forms"), [
    ("rape", ("raped", "raping")),
    ("molest", ("molested", "molesting")),
    ("shag", ("shagged", "shagging")),  # one syllable, one vowel, one consonant: doubled
    ("fuck", ("fucked", "fucking")),  # two consonants: not doubled
    ("pee", ("peed", "peeing")),
    ("bully", ("bullied", "bullying")),
    ("frolic", ("frolicked", "frolicking")),
    ("spic", ("spicked", "spicking")),  # never "spiced"
    ("ax", ()),
])
def test_verb_forms_are_spelled_as_english_spells_them(verb: str, forms: tuple[str, ...]):
    assert verb_forms(verb) == forms


def test_doers_and_singulars():
    assert doers("rape") == ("raper", "rapist", "rapor")
    assert "molester" in doers("molest")
    assert singulars("potatoes") == ("potatoe", "potato")
    assert singulars("pansies") == ("pansie", "pansy")
    assert singulars("glass") == ()


def _index(terms: list[str]) -> TermIndex:
    from judge.rules.morphology import load_morphology
    return TermIndex([Category(id="profanity_en", description="t", severity="block", terms=terms)], [],
                     load_morphology(MORPHOLOGY))


def test_a_term_used_as_a_verb_is_read_in_its_verb_forms():
    """"rapist" is listed: "rape" is a verb of the lists, and "raped" one of its forms."""
    index = _index(["rape", "rapist"])
    hits = index.find(normalize("Raped party snacks"))
    assert [(h.entry.term, h.how) for h in hits] == [("rape", "inflected")]


@pytest.mark.parametrize("text", ["Spiced apple cider", "Pricking the sausages"])
def test_a_noun_term_lends_no_verb_forms(text: str):
    """"spiced" is no form of "spic"; "prick" has no verb form nor doer in the lists: its verb pricks sausages."""
    index = _index(["spic", "prick", "rapist"])
    assert index.find(normalize(text)) == []


def test_no_verb_forms_without_evidence_or_for_fragments():
    index = _index(["rape", "pudd", "pudder"])
    assert "raped" not in index.inflected  # no form nor doer of "rape" listed
    assert "pudding" not in index.inflected  # "pudd" is no word


@pytest.mark.parametrize("text", ["Raped", "Molested", "Groping"])
def test_the_shipped_lists_read_verb_forms(text: str):
    assert INDEX.find(normalize(f"{text} party snacks"))
