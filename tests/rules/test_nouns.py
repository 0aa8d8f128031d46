"""The WordNet noun classes of the coherence check (policies/terms/food_nouns.txt, goods_nouns.txt)."""

from __future__ import annotations

import pytest

from judge.resources import data_dir
from judge.rules.nouns import load_noun_classes


@pytest.fixture(scope="module")
def nouns():
    terms = data_dir("policies") / "terms"
    return load_noun_classes(terms / "food_nouns.txt", terms / "goods_nouns.txt")


@pytest.mark.parametrize(
    ("keyword", "kind"),
    [
        ("shampoo", "goods"), ("Diapers", "goods"), ("toilet paper", "goods"), ("laundry detergent", "goods"),
        ("bleach", "goods"),  # its first sense is the act of bleaching; its second a substance
        ("tortillas", "food"), ("ground beef", "food"), ("olive oil", "food"), ("kale", "food"),
        ("limes", "food"),  # the fruit is lime's 6th sense
        ("lemon bars", "food"),  # a food word before the head: a bar of food
        ("dog food", "food"),  # food all the same: the rule cannot tell whose
        ("", None), ("zzyzx", None),
    ],
)
def test_a_keyword_is_food_goods_or_unknown(nouns, keyword: str, kind: str | None):
    assert nouns.kind(keyword) == kind


def test_a_titles_flavour_or_scent_does_not_make_it_food(nouns):
    assert nouns.kind("Lemon Dish Soap") == "food"  # as a keyword: the modifier decides
    assert nouns.kind("Lemon Dish Soap", modifiers=False) == "goods"  # as a product title: the head noun does
    assert nouns.kind("Lavender Soap") == "goods"  # a plant sense alone is no food
