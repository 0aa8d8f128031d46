"""The language check (judge/rules/checks/language.py): text in a language the storefront does not serve is reviewed."""

from __future__ import annotations

from judge.models import Candidate, Severity
from judge.policy import load_policy
from judge.rules.checks import CheckEnv
from judge.rules.checks.base import Subject
from judge.rules.checks.language import LanguageCheck, likeliest_language

DEFAULT = load_policy("default").checks.language
GAELIC = "Biadh blasta airson an teaghlaich air oidhche Haoine"  # "tasty food for the family on Friday night"
POLISH = "Pyszne przekąski dla całej rodziny na weekend"
ENGLISH = "Quick and easy recipes for the whole family to enjoy on busy weeknights"


def _findings(cfg, **fields):
    cand = Candidate(id="x", placement="p", **({"theme": "Snack night", "keywords": ["chips", "dip"]} | fields))
    return LanguageCheck(cfg, CheckEnv()).check(Subject(cand))


def test_a_description_in_an_unserved_language_is_reviewed_with_its_language_named():
    [finding] = _findings(DEFAULT, description=GAELIC)
    assert (finding.field, finding.severity, finding.term, finding.category) == (
        "description", Severity.REVIEW, "unserved_language", "gd")
    assert finding.score >= DEFAULT.min_confidence and finding.text == GAELIC


def test_the_served_languages_are_the_policys():
    polish_store = DEFAULT.model_copy(update={"languages": ["pl"]})
    assert _findings(DEFAULT, theme=POLISH) and not _findings(polish_store, theme=POLISH)
    assert [f.category for f in _findings(polish_store, description=ENGLISH)] \
        == ["en"]


def test_a_field_shorter_than_min_words_is_not_identified():
    cheap_snacks = "Tanie przekąski na weekend dla dzieci"  # six words
    assert _findings(DEFAULT, theme=cheap_snacks)
    assert not _findings(DEFAULT.model_copy(update={"min_words": 7}), theme=cheap_snacks)


def test_the_likeliest_language_and_its_probability():
    language, probability = likeliest_language("Recettes rapides pour les dîners en famille")
    assert language == "fr" and 0.9 <= probability <= 1
