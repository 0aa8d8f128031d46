"""A record with thousands of keywords is flagged and bounded, not compared pair by pair."""

from __future__ import annotations

from judge.models import Candidate
from judge.policy import FormatConfig
from judge.rules.checks import CheckEnv, Subject
from judge.rules.checks.format import NEAR_DUPLICATE_LIMIT, FormatCheck


def test_twenty_thousand_keywords_are_flagged_and_near_duplicates_bounded():
    keywords = ["chicken broth", "chicken broths"] + [f"kw {i}" for i in range(20_000)] + ["egg noodle", "egg noodles"]
    cand = Candidate(id="big", placement="p", theme="Taco night", keywords=keywords)
    found = FormatCheck(FormatConfig(), CheckEnv(base_dir=".")).check(Subject(cand))
    rules = {f.term for f in found}
    assert "too_many_keywords" in rules and "near_duplicates_partly_checked" in rules
    near = [f.field for f in found if f.term == "near_duplicate_keyword"]
    assert near == ["keywords[1]"]  # within the first NEAR_DUPLICATE_LIMIT; the pair at the end is not compared
    assert NEAR_DUPLICATE_LIMIT < 20_000


def test_a_near_duplicate_within_the_limit_is_found():
    cand = Candidate(id="c", placement="p", theme="Cozy soup season", keywords=["chicken broth", "egg noodles", "chicken broths"])
    found = FormatCheck(FormatConfig(), CheckEnv(base_dir=".")).check(Subject(cand))
    (near,) = [f for f in found if f.term == "near_duplicate_keyword"]
    assert near.field == "keywords[2]" and "keywords[0]" in near.message


def test_a_keyword_given_twice_is_noted_by_default_and_reviewed_by_strict():
    from judge.policy import load_policy

    cand = Candidate(id="c", placement="p", theme="Cozy soup season", keywords=["chicken broth", "egg noodles", "Chicken  Broth"])

    def severity(policy: str) -> str:
        found = FormatCheck(load_policy(policy).checks.format, CheckEnv(base_dir=".")).check(Subject(cand))
        (dup,) = [f for f in found if f.term == "duplicate_keyword"]
        assert dup.field == "keywords[2]"
        return dup.severity.value

    assert severity("default") == "info" and severity("strict") == "review"
