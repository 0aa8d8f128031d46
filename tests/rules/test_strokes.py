"""Letters drawn in strokes (judge/rules/strokes.py), read as letters by normalize()."""

from __future__ import annotations

import pytest

from judge.rules.normalize import normalize
from tests.rules.test_examples import FUZZY, INDEX


@pytest.mark.parametrize(("text", "read"), [
    ("|\\|igger", "nigger"), ("c()ck", "cock"), ("fu(k", "fuck"), ("d!(k", "d!ck"), ("(unt", "cunt"),
    ("fu(|<", "fuck"),  # a "(" read as a "c" touches the "|<" beside it ("|)()uche", "douche"), ("\\/\\/h0re", "wh0re"), ("|<ike", "kike"),
])
def test_letters_drawn_in_strokes_are_read_as_letters_and_mark_the_word_disguised(text: str, read: str):
    nt = normalize(f"Snacks {text} party")
    assert nt.text == f"snacks {read} party"
    token = next(t for t in nt.tokens if t.text == read)
    assert token.obfuscated
    start = nt.text.index(read)
    assert nt.original[slice(*nt.span(start, start + len(read)))] == text


@pytest.mark.parametrize("text", ["Salt / pepper", "A|B tested", "Buy 2 | get 1", "Chips (BBQ) and dips", "see () below",
                                  "Egg(s) and toast", "Tomato(es) sale", "Chips (12 oz", "(new) fall picks"])
def test_strokes_that_touch_no_letter_are_left_as_they_are(text: str):
    assert normalize(text).text == text.lower()


@pytest.mark.parametrize("text", ["|\\|igger snacks", "D()uche chips", "Sh!+ |-|appens sale", "$#!t happens",
                                  "mo+herfu(ker sale", "(un+ snacks",
                                  "$#|t happens", "@$$fµ(|<€r sale",
                                  # a word drawn in symbols alone: "(" a "c" and "#" an "h" in it
                                  "(()(|< sale", "(#|n|< party", "#@rd(()r€ deals", "r@g#€@d picks", "b17(# snacks",
                                  "$#|+ happens", "f µ ( |< sale", "d|(|<#()l€ chips"])
def test_a_term_drawn_in_strokes_or_leet_symbols_is_blocked(text: str):
    assert any(h.entry.severity == "block" for h in INDEX.find(normalize(text), FUZZY))


@pytest.mark.parametrize("text", ["#hits of summer", "Egg( salad", "Chips ( 12 oz ) party", "(12 pack) sodas",
                                  "Top #1 picks", "#itch relief lotion", "Save $*$ today", "a | b | c snacks",
                                  "Rate us 5#1 :-( sad", "Brunch (c) 2024"])
def test_symbols_that_draw_no_term_find_nothing(text: str):
    assert not INDEX.find(normalize(text), FUZZY)


def test_strokes_are_read_beside_other_scripts_and_offsets_still_point_at_the_original():
    original = "Snаcks |\\|igger party"  # a Cyrillic "а" sends the text down the per-character path
    nt = normalize(original)
    assert "nigger" in nt.text
    start = nt.text.index("nigger")
    assert nt.original[slice(*nt.span(start, start + 6))] == "|\\|igger"
    assert next(t for t in nt.tokens if t.text == "nigger").obfuscated
    assert next(t for t in nt.tokens if t.text == "snacks").obfuscated  # the homoglyph's mark survives the strokes
