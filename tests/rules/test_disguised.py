"""Everyday words that lists call profane, read when disguised (judge/rules/disguised.py)."""

from __future__ import annotations

import pytest

from judge.models import Candidate, Severity
from judge.policy import load_policy
from judge.rules.checks import CheckEnv
from judge.rules.checks.base import Subject
from judge.rules.checks.terms import TermsCheck

POLICY = load_policy("default")
CHECK = TermsCheck(POLICY.checks.terms, CheckEnv(POLICY.base_dir))


def _severities(theme: str, check: TermsCheck = CHECK) -> set[Severity]:
    cand = Candidate(id="x", placement="p", theme=theme, keywords=["chips", "dip"])
    return {f.severity for f in check.check(Subject(cand)) if f.severity.rank > 0}


@pytest.mark.parametrize("theme", ["H0m0 party snacks", "D.O.U.C.H.E snacks", "Douuuche snacks"])
def test_a_word_two_lists_call_profane_is_blocked_in_any_disguise(theme: str):
    assert _severities(theme) == {Severity.BLOCK}


@pytest.mark.parametrize("theme", ["F4nny party snacks", "F.A.N.N.Y snacks", "Scr3wing around snacks", "Qu33r snacks"])
def test_a_word_one_list_calls_profane_is_reviewed_in_leet_or_spelled_out(theme: str):
    assert _severities(theme) == {Severity.REVIEW}


@pytest.mark.parametrize("theme", [
    "Fanny packs for road trips",  # the word as written
    "No screwing around: quick dinners",
    "F4T tire lager",  # a short leet token is a code or a size, no disguise
    "Fa*ny party snacks",  # a mask that other words fill ("funny")
    "H3mp seeds", "V.O.D.K.A tasting",  # one list's word that names goods: the list's topic, as a brand may write it
])
def test_the_word_as_written_short_codes_and_open_masks_are_clean(theme: str):
    assert _severities(theme) == set()


def test_a_policy_that_blocks_the_category_still_only_reviews_a_one_list_disguise():
    cfg = POLICY.checks.terms.model_copy(update={"severity": {"profanity_en_compound": Severity.BLOCK}})
    assert _severities("F4nny party snacks", TermsCheck(cfg, CheckEnv(POLICY.base_dir))) == {Severity.REVIEW}
