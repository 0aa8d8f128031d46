"""The WordNet noun classes of the coherence check (policies/terms/food_nouns.txt, goods_nouns.txt)."""

from __future__ import annotations

import pytest

from judge.resources import data_dir
from judge.rules.nouns import load_noun_classes


@pytest.fixture(scope="module")
def nouns():
    terms = data_dir("policies") / "terms"
    return load_noun_classes(terms / "food_nouns.txt", terms / "goods_nouns.txt", terms / "feed_nouns.txt")


@pytest.mark.parametrize(
    ("keyword", "kind"),
    [
        ("shampoo", "goods"), ("Diapers", "goods"), ("toilet paper", "goods"), ("laundry detergent", "goods"),
        ("bleach", "goods"),  # its first sense is the act of bleaching; its second a substance
        ("tortillas", "food"), ("ground beef", "food"), ("olive oil", "food"), ("kale", "food"),
        ("limes", "food"),  # the fruit is lime's 6th sense
        ("lemon bars", "food"),  # a food word before the head: a bar of food
        ("dog food", "feed"), ("bird seed", "feed"),  # food for animals (WordNet's "feed" and its hyponyms) is not food for the table
        ("razor blades", "goods"), ("Safety Razor Blades", "goods"),  # WordNet's "razorblade" (a "blade" is also beef)
        ("hot dogs", "food"), ("Beef Hot Dogs", "food"),  # a listed phrase at the end of a longer one
        ("", None), ("zzyzx", None),
    ],
)
def test_a_keyword_is_food_goods_or_unknown(nouns, keyword: str, kind: str | None):
    assert nouns.kind(keyword) == kind


def test_a_titles_flavour_or_scent_does_not_make_it_food(nouns):
    assert nouns.kind("Lemon Dish Soap") == "food"  # as a keyword: the modifier decides
    assert nouns.kind("Lemon Dish Soap", modifiers=False) == "goods"  # as a product title: the head noun does
    assert nouns.kind("Lavender Soap") == "goods"  # a plant sense alone is no food


def test_goods_named_by_their_own_products_count_wherever_their_aisle_is():
    from types import SimpleNamespace

    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck

    pet_aisle = "cat food care"  # mostly food for cats: no aisle of goods
    hits = {
        "cat litter": [("Clumping Cat Litter", pet_aisle, "pets")] * 4,
        "pancake mix": [("Buttermilk Pancake Mix", "breakfast", "breakfast")] * 4,
        "maple syrup": [("Pure Maple Syrup", "spreads", "pantry")] * 4,
        "butter": [("Salted Butter", "butter", "dairy eggs")] * 4,
        "eggs": [("Large Brown Eggs", "eggs", "dairy eggs")] * 4,
    }

    class Catalog:
        fingerprint = "fake"

        def search(self, query, k, any_word=False):
            return [SimpleNamespace(title=t, aisle=a, department=d) for t, a, d in hits.get(query, [])]

        def group_titles(self, level, per):
            return {pet_aisle: ["Chicken Pate Cat Food", "Salmon Dinner Cat Food", "Clumping Cat Litter"],
                    "breakfast": ["Pancake Mix"], "spreads": ["Maple Syrup"], "butter": ["Butter"], "eggs": ["Eggs"]}

    def goods(by_titles):
        check = CoherenceCheck(CoherenceConfig(embeddings="off", goods_by_titles=by_titles), CheckEnv(catalog=Catalog()))
        depts = ["pets", "breakfast", "pantry", "dairy eggs"]
        check.__dict__["affinity"] = {(a, b): 0.8 for a in depts for b in depts}  # pets sit close to food, as in MiniLM
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Pancake Sunday", keywords=list(hits))))
        return [f.text for f in found if f.term == "goods_among_food"]

    assert goods(True) == ["cat litter"]
    assert goods(False) == []  # its aisle is no aisle of goods


@pytest.mark.parametrize(
    ("theme", "kind"),
    [
        ("Fish Taco Friday", "food"),  # read past a word that names nothing
        ("Caprese Salad Lunch", "food"), ("Pulled Pork Sandwiches", "food"),
        ("Coconut Oil Body Wash", "goods"),  # the head decides, not a flavour before it
        ("Sushi Night at Home", "food"),  # the part before a preposition first
        ("Cat Care Essentials", None), ("Hangover Helpers", None),
    ],
)
def test_a_theme_names_what_its_head_noun_names(nouns, theme: str, kind: str | None):
    assert nouns.head_kind(theme) == kind


@pytest.mark.parametrize(
    ("theme", "served"),
    [
        ("Breakfast Smoothie Bowls", True), ("Lemonade Stand", True),  # food, then what it is served in or at
        ("Coconut Oil Body Wash", False),  # a head of two words ("body wash") is a product, not a vessel
        ("Coffee Filters", False),  # a phrase WordNet lists is goods as a whole
        ("Pulled Pork Sandwiches", False), ("Spring Cleaning", False),
    ],
)
def test_a_theme_may_name_food_by_what_it_is_served_in(nouns, theme: str, served: bool):
    assert nouns.serves_food(theme) is served
