import pytest

from judge.models import simple_key
from judge.rules.normalize import collapse_repeats, normalize, word_tokens


def texts(s: str) -> list[str]:
    return [t.text for t in normalize(s).tokens]


def test_zero_width_and_bidi_controls_are_removed_but_offsets_point_at_the_original():
    original = "fr\u200bee \u202eshit\u202c"
    nt = normalize(original)
    assert nt.text == "free shit"
    start = nt.text.index("shit")
    a, b = nt.span(start, start + 4)
    assert original[a:b] == "shit"


def test_fullwidth_and_case_fold_to_ascii():
    assert normalize("ＦＵＣＫ").text == "fuck"


def test_styled_latin_letters_fold_by_their_unicode_names():
    assert normalize("ꜱᴍᴀʟʟ 🅲🅰🅿🆂 🇫🇷 ⒫⒜⒭⒠⒩ ƒøł").text == "small caps fr paren fol"
    assert normalize("½ ① ß ﬁ").text == "1⁄2 1 ss fi"  # other compatibility forms as NFKC gives them


def test_cyrillic_and_greek_homoglyphs_fold_and_mark_the_token_obfuscated():
    nt = normalize("p\u0430yp\u03b1l")  # Cyrillic a, Greek alpha
    assert nt.text == "paypal"
    assert nt.tokens[0].obfuscated


def test_accents_are_stripped_without_marking_obfuscation():
    nt = normalize("Café")
    assert nt.text == "cafe"
    assert not nt.tokens[0].obfuscated


def test_leetspeak_forms_only_for_mixed_tokens():
    toks = {t.text: t.forms for t in normalize("sh1t @ss a$$ 2024 7up").tokens}
    assert "shit" in toks["sh1t"]
    assert "ass" in toks["@ss"] and "ass" in toks["a$$"]
    assert toks["2024"] == ("2024",)  # pure numbers are not letters


def test_sentence_punctuation_is_not_leet():
    assert [t.text for t in word_tokens(normalize("Great deals!"))] == ["great", "deals"]


def test_separator_collapsing_joins_single_letters():
    assert "shit" in texts("s.h.i.t happens")
    assert "shit" in texts("s h i t")
    assert "shit" in texts("s-h-i-t")
    assert "shit" not in texts("s.h. it")  # two singles only


def test_repeat_collapse():
    assert collapse_repeats("shiiiit") == "shit"


def test_simple_key_is_stable_across_case_and_spacing():
    assert simple_key("  Weeknight   FLAVOR builders ") == simple_key("weeknight flavor builders")


@pytest.mark.parametrize(("text", "words"), [
    ("C.O.O.T's chips", {"coot", "coots"}),  # a possessive after a spelled-out word: read without it too
    ("F.U.C.K.E.R's mix", {"fucker", "fuckers"}),
    ("s'h'i't chips", {"shit"}),  # apostrophes between letters are separators, the last letter no possessive
    ("b.i.t.c.h.e.s chips", {"bitches"}),
])
def test_a_spelled_out_word_is_joined_with_and_without_a_possessive(text: str, words: set[str]):
    assert {t.text for t in normalize(text).tokens if t.joined} == words


@pytest.mark.parametrize(("word", "reading"), [
    ("aassbaag", "assbag"), ("fuuckeer", "fucker"), ("aapeeshiit", "apeshit"),  # every vowel written twice
    ("cookbook", None), ("teepee", None), ("coock", None),  # English doubles "oo" and "ee"
    ("hawaii", None), ("vacuum", None), ("bazaar", None),  # a vowel written once
    ("jaap", None), ("vaag", None), ("skiing", None),  # one vowel, doubled: names and words do it
])
def test_a_word_with_every_vowel_doubled_is_read_with_each_once(word: str, reading: str | None):
    forms = normalize(word).tokens[0].forms
    assert forms == ((word, reading) if reading else (word,))


def test_a_word_with_every_letter_doubled_is_read_once_not_with_its_vowels_alone_halved():
    assert normalize("ffiinnggeerr").tokens[0].forms == ("ffiinnggeerr", "finger")


def test_a_hash_between_leet_symbols_is_a_masked_letter():
    assert normalize("$#!t happens").text == "$*!t happens"


@pytest.mark.parametrize(("text", "token", "reading"), [
    ("+w4+ snacks", "+w4+", "twat"), ("!nc35+ sale", "!nc35+", "incest"),  # the leet word's first letter kept
    ("4551!ck sale", "4551!ck", "asslick"),  # "1" an "l" beside "!" an "i"
])
def test_leet_words_keep_their_first_letter_and_read_one_as_l_beside_an_i(text: str, token: str, reading: str):
    first = normalize(text).tokens[0]
    assert first.text == token and reading in first.forms and first.obfuscated


@pytest.mark.parametrize(("text", "readings"), [
    ("n4z! party", {"nazi", "naz"}), ("sh1t! happens", {"shiti", "shit"}),  # the "!" a letter, or an exclamation
    ("Great deals!", None), ("W1N!! prizes", None),  # a plain word's "!", and a leet word's "!!", punctuation only
])
def test_a_leet_words_last_exclamation_mark_is_read_as_a_letter_too(text: str, readings: set[str] | None):
    first = normalize(text).tokens[0]
    assert (readings <= set(first.forms) and first.text.endswith("!")) if readings else not first.text.endswith("!")


def test_punctuation_before_a_plain_word_is_no_letter():
    assert texts("!Sale: snacks") == ["sale", "snacks"]
    assert texts("|Chips dips") == ["chips", "dips"]
    assert texts("+Plus size") == ["plus", "size"]
