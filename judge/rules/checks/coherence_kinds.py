"""What keywords and themes name, for the coherence check: food, goods that nobody eats, or products for another
consumer (pets, babies), from WordNet's noun classes and the catalog's aisles, departments and titles.

All of it is read from what the catalog evidence already holds (its cached searches, a sample of titles per aisle,
its taxonomy), once per catalog and process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cached_property
from typing import Any

from judge.models import simple_key
from judge.rules.checks.base import CatalogEvidence
from judge.rules.nouns import Kind, NounClasses, singulars

Groups = Callable[[str, bool, str], tuple[int, frozenset[str], float]]


def _words(text: str) -> set[str]:
    """A text's words and their singulars ("babies" -> "babies", "baby")."""
    return {s for w in simple_key(text).split() for s in singulars(w)}


class WhatKeywordsName:
    """``groups(query, any_word, level)`` is the check's cached search: a query's product count, its major
    departments or aisles, and its focus."""

    def __init__(self, cfg: Any, nouns: NounClasses, catalog: CatalogEvidence, groups: Groups) -> None:
        self.cfg, self.nouns, self.catalog, self._groups = cfg, nouns, catalog, groups
        self.other_consumers = frozenset(cfg.other_consumer_departments)
        self._names_goods: dict[str, bool] = {}  # per process: a keyword's products do not change within a run

    def aisles(self, keyword: str) -> frozenset[str]:
        return self._groups(keyword, False, "aisle")[1]

    @cached_property
    def goods_aisles(self) -> frozenset[str]:
        """The aisles whose products are mostly goods, not food: of the sampled titles whose head noun WordNet
        knows, more name goods than food (diapers, hair care, cleaning products; not baby food or snacks)."""
        if not hasattr(self.catalog, "group_titles"):
            return frozenset()
        out = set()
        for group, titles in self.catalog.group_titles("aisle", self.cfg.department_sample).items():
            kinds = Counter(self.nouns.kind(t, modifiers=False) for t in titles)
            if kinds["goods"] > kinds["food"] + kinds["feed"]:
                out.add(group)
        return frozenset(out)

    def names_goods(self, keyword: str) -> bool:
        """Whether most of a keyword's own products are goods by their titles' head nouns ("Clumping Cat Litter"),
        whatever their aisle holds besides (cat litter sits in an aisle of pet food)."""
        if keyword not in self._names_goods:
            self._names_goods[keyword] = self._read_names_goods(keyword)
        return self._names_goods[keyword]

    def _read_names_goods(self, keyword: str) -> bool:
        hits = self.catalog.search(keyword, self.cfg.top_k)
        kinds = Counter(self.nouns.kind(getattr(p, "title", ""), modifiers=False) for p in hits)
        return kinds["goods"] > kinds["food"] + kinds["feed"] and 2 * kinds["goods"] >= len(hits)

    def retrieves_goods(self, keyword: str, kind: Kind | None) -> bool:
        """No food by WordNet (``kind``), and its products sit in aisles of goods or are named as goods."""
        if kind == "food":
            return False
        aisles = self.aisles(keyword)
        return bool(aisles and aisles <= self.goods_aisles) or (self.cfg.goods_by_titles and self.names_goods(keyword))

    def for_another(self, depts: frozenset[str]) -> bool:
        """Whether a keyword's products all sit in one department for another consumer."""
        return len(depts) == 1 and depts <= self.other_consumers

    @cached_property
    def consumer_words(self) -> frozenset[str]:
        """Words that name another consumer: of the names of those departments and of their aisles, but of no two
        other aisles ("pet", "dog", "cat", "baby"; not "food" or "care"; "dog" names "hot dogs" too)."""
        where = self.catalog.aisle_departments() if hasattr(self.catalog, "aisle_departments") else {}
        inside = {w for d in self.other_consumers for w in _words(d)}
        inside |= {w for a, d in where.items() if d in self.other_consumers for w in _words(a)}
        outside = Counter(w for a, d in where.items() if d not in self.other_consumers for w in _words(a))
        return frozenset(w for w in inside if outside[w] < 2)

    def names_consumer(self, keyword: str) -> bool:
        """Whether a keyword names the consumer its products are for ("dog treats", "baby formula"; not "fish sauce",
        which retrieves cat food)."""
        return bool(_words(keyword) & self.consumer_words)

    def borrowed(self, keyword: str, depts: frozenset[str]) -> bool:
        """Whether a keyword retrieves only products for another consumer without naming it: its words name a
        flavour of theirs ("filet mignon", "fish sauce": dog and cat food), so its departments say nothing of it."""
        return self.for_another(depts) and self.nouns.kind(keyword) == "food" and not self.names_consumer(keyword)  # not "puppy pads"

    def from_food_aisles(self, keyword: str) -> bool:
        """Whether a keyword retrieves anything, and from no aisle of goods."""
        aisles = self.aisles(keyword)
        return bool(aisles) and not aisles & self.goods_aisles

    def eaten(self, keyword: str, kind: Kind | None, depts: frozenset[str]) -> bool:
        """Food for the table: food by WordNet or, unknown to it, retrieved only from aisles of food ("kimchi",
        "gochujang"); never what sits only in a department for another consumer (pet food)."""
        if self.for_another(depts):
            return False
        if kind is not None or not depts:
            return kind == "food"
        return self.from_food_aisles(keyword)

    def table_food(self, keyword: str, depts: frozenset[str]) -> bool:
        """Food for the table by its head noun, from no aisle of goods and no department for another consumer
        ("smoked salmon"; not "dish soap", whose modifier alone names food, nor "baby formula")."""
        return self.nouns.kind(keyword, modifiers=False) == "food" and not self.for_another(depts) and self.from_food_aisles(keyword)

    def food_beside(self, keywords: list[str], i: int, depts: dict[int, frozenset[str]]) -> int:
        """How many keywords other than ``i`` are food for the table (``depts``: the departments of those that
        retrieve anything)."""
        return sum(self.eaten(k, self.nouns.kind(k), depts.get(j, frozenset())) for j, k in enumerate(keywords) if j != i)

    def among_food(self, keywords: list[str], i: int, depts: dict[int, frozenset[str]]) -> bool:
        """Whether at least two, and at least ``min_food_share``, of the keywords other than ``i`` are food."""
        food = self.food_beside(keywords, i, depts)
        return food >= 2 and food >= self.cfg.min_food_share * (len(keywords) - 1)

    def food_among_food(self, keywords: list[str], i: int, depts: dict[int, frozenset[str]]) -> bool:
        """Keyword ``i`` is food for the table, and so are enough of the others."""
        return self.table_food(keywords[i], depts.get(i, frozenset())) and self.among_food(keywords, i, depts)

    def keyword_kind(self, keyword: str, depts: frozenset[str]) -> str | None:
        """What a keyword's products are for: a department of ``other_consumers`` when they all sit in it ("pets"),
        "goods" (its head noun names no food, and its products sit in aisles of goods or are named as goods), "food"
        (food by WordNet, from no aisle of goods), or None."""
        if self.for_another(depts):
            return next(iter(depts))
        if self.retrieves_goods(keyword, self.nouns.kind(keyword, modifiers=False)):
            return "goods"
        return "food" if self.nouns.kind(keyword) == "food" and self.from_food_aisles(keyword) else None

    def theme_kind(self, theme: str, theme_depts: frozenset[str]) -> str | None:
        """What a theme names by its head noun, or the other consumer its own products are for when its head names
        no food ("Cat Care Essentials"; not "Chicken Jerky Dog Treats")."""
        kind = self.nouns.head_kind(theme)
        if kind != "food" and self.for_another(theme_depts):
            return next(iter(theme_depts))
        return "food" if kind == "goods" and self.nouns.serves_food(theme) else kind
