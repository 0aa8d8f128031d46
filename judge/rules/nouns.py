"""What a keyword names: food, or goods that nobody eats, by the WordNet class of its head noun.

The lists are written by ``scripts/import_wordnet.py`` (``policies/terms/food_nouns.txt``, ``goods_nouns.txt``,
``feed_nouns.txt``).
A keyword is looked up whole ("toilet paper", "olive oil"); otherwise (when asked to) a food word before the last
one makes it food ("lemon bars", "coffee creamer"), and else its last word decides, singular ("diapers" ->
"diaper"). A word in neither list is unknown, and unknown never counts against a keyword.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from judge.models import simple_key
from judge.rules.termlists import read_word_list

Kind = Literal["food", "goods", "feed"]
MEMO_LIMIT = 200_000  # phrases whose kind is kept (titles and keywords are read again and again)
_PREPOSITIONS = frozenset({"at", "for", "with", "in", "on", "from", "by", "to"})


def singulars(word: str) -> list[str]:
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    return out


@dataclass(frozen=True)
class NounClasses:
    food: frozenset[str]
    goods: frozenset[str]
    feed: frozenset[str] = frozenset()  # food for animals ("birdseed", "dog food"), which is neither
    _memo: dict[tuple[str, bool], Kind | None] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def kind(self, keyword: str, modifiers: bool = True) -> Kind | None:
        """"food", "goods", "feed" or None (not known, or both). ``modifiers=False`` reads the head noun only: a
        product title's flavour or scent ("Lavender Soap", "Mint Toothpaste") does not make it food."""
        key = (keyword, modifiers)
        if key not in self._memo:
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = self._read(keyword, modifiers)
        return self._memo[key]

    def _read(self, keyword: str, modifiers: bool) -> Kind | None:
        words = _words_of(keyword)
        if not words:
            return None
        for span in (words, words[-2:]) if len(words) > 2 else (words,):  # the whole, then its last two words
            for candidate in _phrasings(span):
                found = self._kind(candidate)
                if found:
                    return found
        if len(words) == 1:
            return None
        if modifiers and any(self._kind(w) == "food" for w in words[:-1]):
            return "food"
        for head in singulars(words[-1]):
            found = self._kind(head)
            if found:
                return found
        return None

    def head_kind(self, phrase: str) -> Kind | None:
        """What a phrase names by its rightmost word that names anything, read as a head noun ("Fish Taco Friday"
        names food by "taco"; "Coconut Oil Body Wash" names goods by "body wash", not food by "coconut"), in the part
        before a preposition first ("Sushi Night at Home" names sushi, not a home)."""
        words = _words_of(phrase)
        front = _before_preposition(words)
        return self._head(front)[1] or (self._head(words)[1] if len(front) < len(words) else None)

    def serves_food(self, phrase: str) -> bool:
        """Whether a phrase's head is one word that names goods right after a word that names food: what the food
        is served in or at ("Breakfast Smoothie Bowls", "Lemonade Stand"; not "Coconut Oil Body Wash")."""
        words = _before_preposition(_words_of(phrase))
        end, found = self._head(words)
        if found != "goods" or end < 2:
            return False
        pair = words[end - 2 : end]
        return self.kind(pair[1]) == "goods" and not any(map(self._kind, _phrasings(pair))) and self.kind(pair[0]) == "food"

    def _head(self, words: list[str]) -> tuple[int, Kind | None]:
        """Where the head noun ends (the longest prefix of ``words`` that names anything), and what it names."""
        for end in range(len(words), 0, -1):
            found = self.kind(" ".join(words[:end]), modifiers=False)
            if found:
                return end, found
        return 0, None

    def _kind(self, lemma: str) -> Kind | None:
        food, goods = lemma in self.food, lemma in self.goods
        if lemma in self.feed:
            return "feed"
        return "food" if food and not goods else "goods" if goods and not food else None


def _words_of(phrase: str) -> list[str]:
    return simple_key(phrase).replace("-", " ").split()


def _before_preposition(words: list[str]) -> list[str]:
    """The words before the first preposition that is not the first word ("Sushi Night" of "Sushi Night at Home")."""
    return words[: next((i for i, w in enumerate(words) if i and w in _PREPOSITIONS), len(words))]


def _phrasings(words: list[str]) -> list[str]:
    """A noun phrase as WordNet may list it: spaced, then closed ("razor blades" -> "razor blade", "razorblade")."""
    spaced = [" ".join(words[:-1] + [s]) for s in singulars(words[-1])]
    return spaced + ([" ".join(words[:-2] + [words[-2] + s]) for s in singulars(words[-1])] if len(words) > 1 else [])


@lru_cache(maxsize=8)
def _words(path: Path) -> frozenset[str]:
    """A noun list, read once whichever checks ask for it (coherence reads three, injection two)."""
    return frozenset(read_word_list(path, "a noun list"))


@lru_cache(maxsize=4)
def load_noun_classes(food: Path, goods: Path, feed: Path | None = None) -> NounClasses:
    return NounClasses(_words(food), _words(goods), _words(feed) if feed else frozenset())
