"""Another language's everyday word that English lists call profane, in an English text (judge/rules/borrowed.py)."""

from __future__ import annotations

import pytest

from judge.models import Candidate, Severity
from judge.policy import load_policy
from judge.rules.checks import CheckEnv
from judge.rules.checks.base import Subject
from judge.rules.checks.terms import TermsCheck

POLICY = load_policy("default")
CHECK = TermsCheck(POLICY.checks.terms, CheckEnv(POLICY.base_dir))


def _severities(theme: str) -> set[Severity]:
    cand = Candidate(id="x", placement="p", theme=theme, keywords=["chips", "dip"])
    return {f.severity for f in CHECK.check(Subject(cand)) if f.severity.rank > 0}


def test_the_borrowed_words_are_rare_in_english_and_common_elsewhere():
    assert {"kunt", "tard"} <= set(CHECK.index.borrowed)
    assert not {"douche", "negro", "hell", "homo"} & set(CHECK.index.borrowed)  # English words every day


@pytest.mark.parametrize("theme", ["Kunt party snacks", "Tard night snacks", "Kunt"])
def test_a_borrowed_word_among_english_words_is_reviewed(theme: str):
    assert _severities(theme) == {Severity.REVIEW}


@pytest.mark.parametrize("theme", ["Il est trop tard", "U kunt nu bestellen", "Gel douche fraîcheur", "Tardis snacks"])
def test_the_word_in_its_own_language_or_inside_another_word_is_clean(theme: str):
    assert _severities(theme) == set()


def test_a_policy_that_blocks_the_category_still_only_reviews_the_borrowed_reading():
    cfg = POLICY.checks.terms.model_copy(update={"severity": {"profanity_en_compound": Severity.BLOCK}})
    check = TermsCheck(cfg, CheckEnv(POLICY.base_dir))
    cand = Candidate(id="x", placement="p", theme="Kunt party snacks", keywords=["chips", "dip"])
    assert {f.severity for f in check.check(Subject(cand)) if f.severity.rank > 0} == {Severity.REVIEW}
