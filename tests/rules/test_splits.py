"""Two words read as one: a word split by a space, and a compound written open (judge/rules/splits.py).

Each rule ships what it must catch and the product words side by side that must stay clean.
"""

from __future__ import annotations

import pytest

from judge.rules.normalize import normalize
from judge.rules.splits import MAX_RUN_PIECES, _pieces
from tests.rules.test_examples import FUZZY, INDEX
from tests.rules.test_spellings import _blocked


@pytest.mark.parametrize(("text", "flagged"), [
    # one word split by a space: both halves no words, or the joined word a term as such
    ("Ky ke snacks", True), ("Muthaf eckers mix", True), ("Sh it deals", True), ("Fu ck bites", True),
    ("Motherf ucker fries", True), ("Co ck snacks", True),  # "cock" of "cock-a-leekie" is allowed in that phrase only
    ("Bol lock bites", True), ("Dil dos deals", True),  # two short words: a term as listed
    ("Ho mo snacks", True),  # a split is a disguise: an everyday word that two sources call profane counts
    ("Cream pie recipes", False), ("Nut butter cups", False), ("Hot dog buns", False),  # longer words stay apart
    ("Iced coffee bean bags", False),  # two common English words stay two
    ("Each pack is portioned for one", False), ("Sh its happen", True),  # a word and two letters: a term as listed, no plural
    ("C0 ck snacks", True), ("5h it deals", True), ("C um bites", True), ("B bw party", True),  # leet, a lone letter
    ("Vitamin c tablets", False), ("K cups coffee", False), ("V8 juice", False), ("A sip of tea", False),
    # real words side by side stay apart; a half that is a word makes no compound of its neighbour
    ("Butter to go", False), ("Peanut buttah", False), ("Boost it up", False), ("Cf grape juice", False),
    ("Middles cat treats", False), ("Vegan iu gummies", False), ("Of calm days", False),
    # two common words of another language stay two ("wenig" + "ganz" is no "nigga", "dentes" + "luta" no "slut")
    ("Wenig ganz frisch", False), ("Planung gerade fertig", False), ("Dentes luta saudável", False),
    ("Quanti essa ne vuole", False), ("Obtenu déjeuner léger", False), ("Fais comme si tu étais à Paris", False),
])
def test_a_word_split_by_a_space_is_read_joined(text: str, flagged: bool):
    assert bool(_blocked(text)) == flagged, _blocked(text)


@pytest.mark.parametrize(("text", "flagged"), [
    # a word that the lists call profane in compounds only, written open before a partner piece
    ("Knob eater snacks", True), ("Knob jockey bites", True), ("Gay wad mix", True),
    ("Door knob cookies", False), ("Gay pride picnic", False), ("Chunky monkey ice cream", False), ("Chunky hot salsa", False),
])
def test_an_open_compound_of_a_compound_only_word_and_a_partner_is_caught(text: str, flagged: bool):
    assert bool(_blocked(text)) == flagged, _blocked(text)


@pytest.mark.parametrize(("text", "severity"), [
    # a review term split where a half is no word is that review term: "fa rt", "se xy"
    ("Fa rt cushions", "review"), ("Se xy snacks", "review"), ("Pu be deals", "review"),
    # a long term as listed, split beside a word: "master bation" (a word beside a shorter non-word is a name)
    ("Master bation bites", "block"), ("Nymph omania mix", "block"),
    # two real words make a review term only as they are: "red skin" potatoes; and a name beside a word
    ("Red skin potato salad", None), ("Pec ker snacks", None), ("Ben Jerrys ice cream", None),
    ("Sweet potato fries", None), ("Master chef picks", None),
])
def test_a_split_term_is_a_finding_as_the_term_is(text: str, severity: str | None):
    found = {h.entry.severity.value for h in INDEX.find(normalize(text), FUZZY) if h.how == "split"}
    assert found == ({severity} if severity else set())


@pytest.mark.parametrize(("text", "flagged"), [
    # a quote, bracket or sentence mark around two words, or a possessive, does not hide a word read across them
    ("Knob eater's favorite chips", True), ('"Knob eater" chips', True), ("Knob eater! Chips on sale", True),
    ("Rim job's chips", True), ("(Gay wad) deals", True), ("Sh it, chips and dip", True),
    ("Knob eater-approved chips", True), ("Chips/rim job/dip", True), ("Extra-knob jockey mix", True),
    ("Rim.job snacks", True), ("Meat curtains, chips and dip", True),  # a mark without a space joins; a listed phrase
    ("Hard_on party snacks", True), ("Knob_eater chips", True),  # an underscore for a space, as snake_case writes it
    ("Pick_up party", False), ("Snake_case snacks", False),
    # a mark between the two words ends the first: they are not read as one
    ("Knob, eater of chips", False), ("Rim. Job fair snacks", False), ("Door knob's polish", False),
    ("Meat; curtains and rods", False),
    ("Sugar-free bean bags", False), ("Red skin-on potatoes", False),
])
def test_punctuation_around_a_pair_of_words_does_not_hide_it(text: str, flagged: bool):
    assert bool(_blocked(text)) == flagged, _blocked(text)


@pytest.mark.parametrize(("text", "flagged"), [
    # a term joined by hyphens inside a longer hyphenated chain, and a closing "!" that is punctuation
    ("Knob-face-flavored chips", True), ("Mo-fo-approved snacks", True), ("Mo-fo! Chips", True),
    ("S-lut! Chips", True), ("Super-knob-face mix", True),
    # chains of real words stay clean, the allowed phrase too
    ("Cock-a-leekie soup", False), ("Ready-to-eat sugar-free cookies", False), ("Mix-n-match deals", False),
    ("Hi-c fruit punch", False), ("Stay-fresh bag-clips", False), ("Pick-a-size paper towels", False),
])
def test_a_term_in_a_longer_hyphenated_chain_is_caught(text: str, flagged: bool):
    assert bool(_blocked(text)) == flagged, _blocked(text)


def test_a_long_hyphen_chain_is_read_in_runs_of_a_few_pieces_and_its_terms_still_found():
    chain = "-".join(["ab"] * 1000)
    runs = _pieces(chain)
    assert runs[0] == (0, len(chain))  # the whole word first
    assert len(runs) <= 1 + 1000 * MAX_RUN_PIECES  # not every run of the chain: its length cubed to read
    assert _blocked("-".join(["ab"] * 300 + ["mo", "fo"] + ["ab"] * 300) + " snacks")
