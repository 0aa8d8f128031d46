"""Block terms spelled by ear (judge/rules/respellings.py): alone, with an ending, or beside a partner piece.

Each reading ships the spellings it must catch and the real product words (or their misspellings and abbreviations)
that sound or look like them and must stay clean.
"""

from __future__ import annotations

import pytest

from judge.rules.lexicon import build_index
from judge.rules.normalize import normalize
from judge.rules.respellings import bare_key, plain_key, sound_key
from tests.rules.test_examples import DEFAULT, FUZZY, LIST_FILES, MORPHOLOGY, POLICIES
from tests.rules.test_spellings import _blocked, _reviewed

# the default policy's allow-lists, WordNet's too ("kumquat")
WITH_WORDNET = build_index(tuple(LIST_FILES), tuple(POLICIES / ref for ref in DEFAULT.checks.terms.allow), MORPHOLOGY)


@pytest.mark.parametrize(("word", "key"), [
    ("pryck", "prik"), ("prick", "prik"), ("beetch", "bich"), ("bitch", "bich"), ("zhit", "shit"),
    ("foock", "fuk"), ("cvnt", "kunt"), ("dipschit", "dipshit"), ("kumquat", "kumkuat"),
    ("pommy", "pomy"),  # a "y" that ends a word is no masked vowel
])
def test_the_sound_key_reads_spellings_by_ear_alike(word: str, key: str):
    assert sound_key(word) == key


def test_the_plain_key_keeps_vowels_and_the_bare_key_drops_all_but_the_first_letter():
    assert plain_key("kumkuats") == plain_key("kumquats") == "kumkuats"
    assert plain_key("beetch") != plain_key("bitch")  # vowels are a clean word's, not a respelling's
    assert plain_key("poossy") != plain_key("posy")  # doubled as written: "oo" is no "o"
    assert bare_key("motherfucker") == "mthrfkr" and bare_key("bastard") == "bstrd"


@pytest.mark.parametrize("text", [
    "Pryck party", "Beetch please snacks", "Fucx deals", "Jiggabu bites",  # a whole token by ear
    "Bytchers bundle", "Foocking deals", "Zhitty snacks",  # with an ending
    "Cvntface chips", "Nyggerhead mix", "Pvssyhead bites", "Tytsbag deals", "Cocksoocker chips",  # with a piece
    "Assfook fries", "Zhitface snacks",
    "Mthrfckr snacks", "Bllsht bundle", "Btchface bites",  # a root without any vowel, long or beside a piece
])
def test_a_block_term_spelled_by_ear_is_caught(text: str):
    assert _blocked(text), text


@pytest.mark.parametrize("text", [
    "Ccnut raw cocoaminos",  # a doubled first letter abbreviates
    "Good Budddy jerky strips",  # stretched, a real word ("buddy")
    "Btchd brew", "Rnch dressing",  # four letters without a vowel: abbreviations ("batched", "ranch")
    "Pickled ginger with Shiso leaves", "Liquid Phyto-Caps",  # a short term with an ending; a clean word's sound
    "FreeGäó face cream",  # another language's ending ("freega|o")
    "Vanilla Pizzelle gelato bars", "Kefir cultured milk", "Cantaloupe chunks",  # vowels are kept
    "Pommier cider", "Sheet pan dinner", "Beeches nut mix", "Speck ham",  # real words
])
def test_clean_words_that_sound_or_look_like_terms_stay_clean(text: str):
    assert not _blocked(text), _blocked(text)


def test_a_clean_word_misspelled_is_that_word():
    """"Kumkuats" sounds like "cumquat" (an imported term) and is spelled like "kumquats" (WordNet's allow-list)."""
    def blocked(text: str) -> list[str]:
        return [h.entry.term for h in WITH_WORDNET.find(normalize(text), FUZZY) if h.entry.severity == "block"]

    assert not blocked("Kumkuats in syrup") and blocked("Bytchers snacks")


@pytest.mark.parametrize(("text", "flagged"), [
    ("Zexy snacks", True), ("Toord jokes", True), ("Masochyst hot sauce", True),  # evasion's letters: reviewed
    ("Pickled Shiso leaves", False),  # sounds like "schizo", written plainly
])
def test_a_term_to_review_is_read_respelled_when_written_as_evasions_write(text: str, flagged: bool):
    assert bool(_reviewed(text)) == flagged, _reviewed(text)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Ball sakk snacks", True), ("Gyrl on top cupcakes", True), ("Zex toys sale", True),  # a phrase's word by ear
    ("Dip throat lozenges", False),  # every word a real word: two words, no respelling ("deep throat")
    ("Hot karl sauce", False),  # "karl" is a word too (a name): every word real, as in "hot carl" itself
])
def test_a_phrase_with_a_word_respelled_by_ear_is_caught(text: str, flagged: bool):
    assert bool(_blocked(text) or _reviewed(text)) == flagged, (_blocked(text), _reviewed(text))
