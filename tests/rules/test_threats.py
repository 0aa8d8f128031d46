"""The threat grammar's machinery: slots read from word lists, and big slots looked up rather than alternated."""

from __future__ import annotations

import re
from itertools import islice, product
from pathlib import Path
from string import ascii_lowercase

import pytest
import yaml

from judge.errors import ConfigError
from judge.models import Candidate, Severity
from judge.policy import ThreatsConfig
from judge.rules.checks import CheckEnv
from judge.rules.checks.base import Subject
from judge.rules.checks.threat_grammar import LOOKUP_MIN, ThreatGrammar, load_grammar
from judge.rules.checks.threats import ThreatsCheck

PEOPLE = ["person" + a + b + c for a, b, c in islice(product(ascii_lowercase, repeat=3), LOOKUP_MIN)] + ["teachers", "co-workers"]


def _grammar(folder: Path, **extra) -> Path:
    (folder / "people.txt").write_text("# generated\n" + "".join(w + "\n" for w in PEOPLE))
    (folder / "lands.txt").write_text("israel\ngreat britain\n")
    data = {"version": "1", "slots": {"slay": ["kill", "run over"], "curse": ["death to"]},
            "word_lists": {"person": "people.txt", "nation": "lands.txt"}, "screen": ["slay", "curse"],
            "templates": ["{slay} (?:the )?{person}", "{curse} {nation}"], **extra}
    path = folder / "threats.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_big_slot_of_single_words_is_looked_up_and_a_small_one_alternated(tmp_path: Path):
    loaded = load_grammar(_grammar(tmp_path))
    matcher, screen = loaded.threats, loaded.screen
    assert [i for i, *_ in matcher.looked_up] == [0]  # the people: any word, then looked up
    assert matcher.closed is not None and "great\\s+britain" in matcher.closed.pattern  # the countries: alternated
    assert {"kill", "over", "death"} <= screen  # the longest word of an entry


@pytest.mark.parametrize(("text", "template"), [
    ("kill the teachers", 0), ("run over co-workers", 0), ("death to great britain", 1), ("death to israel now", 1),
    ("kill the lights, kill the teachers", 0),  # a first capture that is no person does not hide a later one
])
def test_a_looked_up_slot_matches_its_words_only(tmp_path: Path, text: str, template: int):
    matcher = load_grammar(_grammar(tmp_path)).threats
    found = matcher.search(text)
    assert found is not None and found[0] == template
    assert text[found[1]:found[2]].startswith(("kill the teachers", "run over", "death to"))


@pytest.mark.parametrize("text", ["kill the lights", "kill the teacher's pet", "death to boring lunches", "run over to the deli"])
def test_words_outside_the_lists_or_possessives_do_not_match(tmp_path: Path, text: str):
    matcher = load_grammar(_grammar(tmp_path)).threats
    assert matcher.search(text) is None


def test_a_missing_word_list_is_a_config_error_naming_it(tmp_path: Path):
    path = _grammar(tmp_path)
    (tmp_path / "people.txt").unlink()
    with pytest.raises(ConfigError, match="people.txt"):
        load_grammar(path)


def test_a_slot_that_neither_the_slots_nor_a_word_list_define_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="not defined: place"):
        load_grammar(_grammar(tmp_path, templates=["{slay} {person}", "burn {place}"]))


@pytest.mark.parametrize(("theme", "severities"), [
    ("gas chamber chili for the jews", [Severity.REVIEW]),  # violence beside a group, in no structure
    ("kill the teachers", [Severity.BLOCK]),
    ("kill the teachers, gas chamber jokes for jews", [Severity.BLOCK]),  # a structure wins over a review
    ("chili for the jews", []),
])
def test_violence_beside_a_group_is_sent_to_review_and_a_threat_blocked(tmp_path: Path, theme: str, severities: list):
    assert [f.severity for f in _killing_grammar_findings(tmp_path, theme)] == severities


def _killing_grammar_findings(tmp_path: Path, theme: str) -> list:
    """What a small grammar (killing a person; a gas chamber beside "jews", reviewed) finds in ``theme``."""
    path = _grammar(tmp_path, review_templates=["{violence}\\b.*?\\b{target}"],
                    slots={"slay": ["kill"], "curse": ["death to"], "violence": ["gas chamber"], "target": ["jews"]},
                    screen=["slay", "curse", "target"])
    check = ThreatsCheck(ThreatsConfig(grammar=str(path)), CheckEnv(tmp_path))
    return check.check(Subject(Candidate(id="x", placement="p", theme=theme, keywords=["salsa"])))


@pytest.mark.parametrize(("theme", "severities"), [
    ("k i l l the teachers", [Severity.BLOCK]),  # letters spelled out
    ("kill_the_teachers", [Severity.BLOCK]),  # joined by underscores
    ("Kill. The. Teachers. Gas chamber jews.", [Severity.BLOCK]),  # one word a sentence: the reading's threat wins
    ("skill the teachers", []),
])
def test_a_threat_is_read_in_the_fields_plain_readings_too(tmp_path: Path, theme: str, severities: list):
    found = _killing_grammar_findings(tmp_path, theme)
    assert [f.severity for f in found] == severities
    assert all(f.span == (0, len(theme)) for f in found)  # a reading's match spans the field


@pytest.mark.parametrize(("theme", "flagged"), [
    ("#killallimmigrants", True), ("Kill allimmigrants BBQ", True), ("killthejews now", True),
    ("#killthelights movie night", False), ("#beattheheat popsicles", False), ("#feedthekids lunch", False),
])
def test_a_threat_glued_into_one_token_is_read_apart(theme: str, flagged: bool):
    check = ThreatsCheck(ThreatsConfig(), CheckEnv())
    found = check.check(Subject(Candidate(id="x", placement="p", theme=theme, keywords=["salsa"])))
    assert bool(found) == flagged, found


@pytest.mark.parametrize(("theme", "flagged"), [("ki11 the teachers", True), ("k1ll the teachers", True),
                                                ("fi11 the teachers' mugs", False)])
def test_each_reading_of_a_leet_digit_is_tried(tmp_path: Path, theme: str, flagged: bool):
    assert bool(_killing_grammar_findings(tmp_path, theme)) == flagged  # "1" is an "i" or an "l"


@pytest.mark.parametrize(("theme", "severity"), [
    ("I hate Mexican food", Severity.REVIEW), ("Kill Chinese takeout cravings", Severity.REVIEW),
    ("Behead the shrimp: seafood prep", Severity.REVIEW), ("Behead the traitors", Severity.BLOCK),
    ("Kill All Immigrants BBQ Sale", Severity.BLOCK), ("I hate Mexicans", Severity.BLOCK), ("Kill all Chinese", Severity.BLOCK),
    # a people's name before any noun is an adjective; before a person, or a word that ends a clause, a people's
    ("Beat the Mexican heat with paletas", Severity.REVIEW), ("Shoot the Mexican guy", Severity.BLOCK),
    ("Shoot the Mexican now", Severity.BLOCK), ("Kill every Muslim and Jew", Severity.BLOCK),
])
def test_a_threat_whose_last_word_may_name_a_thing_is_reviewed(theme: str, severity: Severity):
    check = ThreatsCheck(ThreatsConfig(), CheckEnv())
    found = check.check(Subject(Candidate(id="x", placement="p", theme=theme, keywords=["salsa"])))
    assert [f.severity for f in found] == [severity], found  # a cuisine, or a person's name a food has; a plural is people


def test_without_the_noun_lists_a_peoples_name_before_a_food_stays_a_threat():
    check = ThreatsCheck(ThreatsConfig(food_nouns=None), CheckEnv())
    found = check.check(Subject(Candidate(id="x", placement="p", theme="I hate Mexican food", keywords=["salsa"])))
    assert [f.severity for f in found] == [Severity.BLOCK]


@pytest.mark.parametrize(("theme", "severity"), [
    ("I would never want to kill all women", Severity.REVIEW), ("Nobody should say 'Death to all Muslims'", Severity.REVIEW),
    ("'Kill all immigrants' BBQ", Severity.REVIEW), ("No disabled person deserves to die", Severity.REVIEW),
    ("Kill all immigrants", Severity.BLOCK), ("No Irish, no blacks, no dogs", Severity.BLOCK),
    ("Never again? Kill all immigrants", Severity.BLOCK),  # a negation counts in its own sentence only
])
def test_a_threat_negated_quoted_or_condemned_is_reviewed_not_blocked(theme: str, severity: Severity):
    check = ThreatsCheck(ThreatsConfig(), CheckEnv())
    found = check.check(Subject(Candidate(id="x", placement="p", theme=theme, keywords=["salsa"])))
    assert [f.severity for f in found] == [severity], found  # counter-speech, or a disguise: a reviewer decides


def test_a_slot_as_a_letter_trie_matches_its_entries_the_longest_first():
    grammar = ThreatGrammar(version="t", slots={"q": ["every", "every last", "all", "all the", "a"]}, templates=["{q}"], screen=["q"])
    expression = re.compile(rf"(?:{grammar.alternation('q')})")
    assert [expression.match(t).group() for t in ("every last one", "every  last", "all the", "all of", "a")] == [
        "every last", "every  last", "all the", "all", "a"]  # a space in an entry is any whitespace
    assert expression.fullmatch("ever") is None and expression.fullmatch("every las") is None
