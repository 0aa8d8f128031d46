"""Every rule ships example cases (hit and ok); this runs them all, semgrep-rules style."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from judge.config import load_yaml
from judge.models import Candidate
from judge.policy import load_policy
from judge.resources import data_dir
from judge.rules.checks import CheckEnv
from judge.rules.checks.addressed import load_addressed
from judge.rules.checks.base import Subject
from judge.rules.checks.coherence import CoherenceCheck
from judge.rules.checks.format import FormatCheck
from judge.rules.checks.injection import InjectionCheck
from judge.rules.checks.language import LanguageCheck
from judge.rules.checks.patterns import PatternCheck, load_patterns, patterns_path
from judge.rules.checks.script import ScriptCheck
from judge.rules.checks.threat_grammar import load_grammar
from judge.rules.checks.threats import ThreatsCheck
from judge.rules.checks.vocabulary import VocabularyCheck
from judge.rules.lexicon import build_index
from judge.rules.normalize import normalize
from judge.rules.nouns import load_noun_classes
from judge.rules.termlists import MorphologyFile, load_allow_list, load_term_list

POLICIES = data_dir("policies")
DEFAULT = load_policy("default")
LIST_FILES = [POLICIES / ref for ref in DEFAULT.checks.terms.lists]
ALLOW = POLICIES / "terms" / "allow.yaml"
MORPHOLOGY = POLICIES / "terms" / "morphology.yaml"
TERM_LISTS = sorted((POLICIES / "terms").glob("*.yaml"))
NOUNS = load_noun_classes(POLICIES / DEFAULT.checks.terms.food_nouns, POLICIES / DEFAULT.checks.terms.goods_nouns)
INDEX = build_index(tuple(LIST_FILES), (ALLOW,), MORPHOLOGY, NOUNS.food | NOUNS.goods)
FUZZY = DEFAULT.checks.terms.fuzzy


def load_morphology_file() -> MorphologyFile:
    return load_yaml(MORPHOLOGY, MorphologyFile)


def _categories():
    for path in LIST_FILES:
        for cat in load_term_list(path).categories:
            yield path.name, cat


def test_every_category_ships_hit_and_ok_examples():
    for name, cat in _categories():
        assert cat.examples.hit, f"{name}:{cat.id} has no hit examples"
        assert cat.examples.ok, f"{name}:{cat.id} has no ok examples"


TERM_CASES = [
    pytest.param(cat.id, text, expect, id=f"{cat.id}-{expect}-{text[:30]}")
    for _, cat in _categories()
    for expect, texts in (("hit", cat.examples.hit), ("ok", cat.examples.ok))
    for text in texts
]


MORPHOLOGY_CASES = [
    pytest.param(text, expect, id=f"morphology-{expect}-{text[:30]}")
    for expect, texts in (("hit", load_morphology_file().examples.hit), ("ok", load_morphology_file().examples.ok))
    for text in texts
]


@pytest.mark.parametrize(("text", "expect"), MORPHOLOGY_CASES)
def test_morphology_examples(text: str, expect: str):
    hits = INDEX.find(normalize(text), FUZZY)
    if expect == "hit":
        assert any(h.entry.severity == "block" for h in hits), f"{text!r} should be caught"
    else:
        assert hits == [], f"{text!r} should stay clean, hit {[h.entry.term for h in hits]}"


@pytest.mark.parametrize(("category", "text", "expect"), TERM_CASES)
def test_term_list_examples(category: str, text: str, expect: str):
    cats = {h.entry.category for h in INDEX.find(normalize(text), FUZZY)}
    if expect == "hit":
        assert category in cats, f"{text!r} should hit {category}"
    else:
        assert category not in cats, f"{text!r} should not hit {category}"


@pytest.mark.parametrize("text", load_allow_list(ALLOW).examples.ok)
def test_allow_list_examples_hit_nothing(text: str):
    assert INDEX.find(normalize(text), FUZZY) == []


GROUPS = load_patterns(patterns_path()).groups
PATTERN_CASES = [
    pytest.param(g.check, g.id, text, expect, id=f"{g.id}-{expect}-{text[:30]}")
    for g in GROUPS
    for expect, texts in (("hit", g.examples.hit), ("ok", g.examples.ok))
    for text in texts
]


def test_every_pattern_group_ships_hit_and_ok_examples():
    for g in GROUPS:
        assert g.examples.hit and g.examples.ok, g.id


@pytest.mark.parametrize(("check_id", "group", "text", "expect"), PATTERN_CASES)
def test_pattern_examples(check_id: str, group: str, text: str, expect: str):
    check_cls = next(c for c in PatternCheck.__subclasses__() if c.id == check_id)
    check = check_cls(getattr(DEFAULT.checks, check_id), CheckEnv())
    subject = Subject(Candidate(id="x", placement="p", theme=text, keywords=[]))
    groups = {f.term for f in check.check(subject)}
    assert (group in groups) == (expect == "hit"), f"{text!r} {expect} {group}: got {groups}"


CODE_CHECKS = {"format": FormatCheck, "script": ScriptCheck, "language": LanguageCheck, "vocabulary": VocabularyCheck,
               "coherence": CoherenceCheck, "injection": InjectionCheck}
CASES = yaml.safe_load((POLICIES / "examples" / "checks.yaml").read_text())["cases"]


def test_every_code_check_ships_hit_and_ok_examples():
    for check_id in CODE_CHECKS:
        kinds = {c["expect"] for c in CASES if c["check"] == check_id}
        assert kinds == {"hit", "ok"}, check_id


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['check']}-{c['rule']}-{c['expect']}")
def test_code_check_examples(case: dict):
    cfg = getattr(DEFAULT.checks, case["check"])
    if case["rule"].endswith("_lexical"):
        cfg = cfg.model_copy(update={"embeddings": "off"})
    if case["rule"].endswith("_embedding"):
        from judge.rules import embeddings

        if not embeddings.available() and not os.environ.get("REQUIRE_EMBED"):
            pytest.skip("the embed extra is not installed (.ci/run installs it)")
    if case["check"] == "vocabulary":
        cfg = cfg.model_copy(update={"enabled": True, "path": str(POLICIES / "examples" / "vocabulary.txt")})
    check = CODE_CHECKS[case["check"]](cfg, CheckEnv())
    cand = Candidate(id="x", placement="p", theme=case["theme"], keywords=case["keywords"],
                     description=case.get("description"))
    rules = {f.term for f in check.check(Subject(cand))}
    assert (case["rule"] in rules) == (case["expect"] == "hit"), f"{case}: got {rules}"


def test_policies_folder_has_no_unused_term_lists():
    terms = DEFAULT.checks.terms
    referenced = {Path(p).name for p in [*terms.lists, *terms.allow, terms.morphology or ""] if p}
    assert referenced == {p.name for p in TERM_LISTS}


def _threat_cases():
    grammar = load_grammar(POLICIES / "grammars" / "threats.yaml").grammar
    return [pytest.param(t, e, id=f"threats-{e}-{t[:30]}") for e, ts in (("hit", grammar.examples.hit), ("ok", grammar.examples.ok)) for t in ts]


@pytest.mark.parametrize(("text", "expect"), _threat_cases())
def test_threat_grammar_examples(text: str, expect: str):
    check = ThreatsCheck(DEFAULT.checks.threats, CheckEnv(POLICIES))
    found = check.check(Subject(Candidate(id="x", placement="p", theme=text, keywords=["salsa"])))
    assert bool(found) == (expect == "hit"), (text, found)


def test_a_threat_grammar_naming_an_undefined_slot_is_refused():
    from pydantic import ValidationError

    from judge.rules.checks.threat_grammar import ThreatGrammar

    with pytest.raises(ValidationError, match="not defined: place"):
        ThreatGrammar(version="1", slots={"group": ["cops"]}, templates=["burn {place}"])


INJECTION_GRAMMAR = load_addressed(POLICIES / "grammars" / "injection.yaml")
INJECTION_OK = [t for g in GROUPS if g.check == "injection" for t in g.examples.ok]


def _addressed_cases():
    examples = INJECTION_GRAMMAR.grammar.examples
    return [pytest.param(t, e, id=f"addressed-{e}-{t[:30]}")
            for e, ts in (("hit", examples.hit), ("ok", [*examples.ok, *INJECTION_OK])) for t in ts]


@pytest.mark.parametrize(("text", "expect"), _addressed_cases())
def test_injection_grammar_examples(text: str, expect: str):
    # the injection patterns' look-alikes ("Judge's Choice Cheeses") are the grammar's too
    found = INJECTION_GRAMMAR.find(normalize(text).text)
    assert (found is not None) == (expect == "hit"), (text, found)
