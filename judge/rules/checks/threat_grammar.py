"""The threat grammar (policies/grammars/threats.yaml), loaded: its templates expanded with the slot lists into
regular expressions, and the word sets the check reads it with.

A template such as ``{verb} (?:{quantifier} )?{group}`` is expanded with the slot lists into one regular
expression per template; the text matched is normalized text, so ``k1ll all migrants`` is ``kill all migrants``.
A slot may be read from a word list beside the grammar (``word_lists``: WordNet's people, peoples and countries); a big
slot of single words is matched as any word, which is then looked up (an alternation of thousands of words is slow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from judge.config import load_yaml
from judge.models import Severity
from judge.rules.normalize import collapse_repeats
from judge.rules.termlists import Examples, read_word_list

K = TypeVar("K")
_SLOT = re.compile(r"\{(\w+)\}")
WORDS = re.compile(r"[^\W\d_]+")
_ANY_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)?(?!['’]\w)"  # a word, not a possessive ("the neighbor's house")
LOOKUP_MIN = 1000  # a slot of this many single words or more is matched as any word and looked up


class ThreatGrammar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    severity: Severity = Severity.BLOCK
    slots: dict[str, list[str]]
    word_lists: dict[str, str] = {}  # slots read from word lists beside the grammar: {"person": "person_nouns.txt"}
    templates: list[str]
    # violence and a group in one text, in any order: no structure, so a reviewer decides ("gas chamber chili for Jews")
    review_templates: list[str] = []
    screen: list[str] = ["group"]  # slots of which every template names one: a text with none of their words is skipped
    emoji: dict[str, str] = {}  # an emoji read as the word it draws in a threat ("💀 all immigrants": "kill")
    examples: Examples = Examples()

    @model_validator(mode="after")
    def _slots_exist(self) -> ThreatGrammar:
        named = {*self.screen, *(m for t in (*self.templates, *self.review_templates) for m in _SLOT.findall(t))}
        missing = sorted(named - set(self.slots) - set(self.word_lists))
        if missing:
            raise ValueError(f"templates or screen name slots that are not defined: {', '.join(missing)}")
        return self

    def alternation(self, slot: str) -> str:
        """The slot's entries as one expression, a trie of their letters: a text is tried letter by letter, not entry
        by entry (a group of a hundred names starts many templates); a longer entry is preferred, as "every last"
        to "every"."""
        return "(?:" + _trie_expression(_trie(" ".join(w.split()) for w in self.slots[slot])) + ")"

    def looked_up(self, slot: str) -> bool:
        words = self.slots[slot]
        return len(words) >= LOOKUP_MIN and all(WORDS.fullmatch(w.replace("-", "")) for w in words)

    def _expression(self, template: str) -> tuple[str, dict[str, str]]:
        """A template as an expression, and its capture groups -> the looked-up slot that each must be a word of."""
        lookups: dict[str, str] = {}

        def slot(m: re.Match[str]) -> str:
            if not self.looked_up(m.group(1)):
                return self.alternation(m.group(1))
            group = f"w{len(lookups)}"
            lookups[group] = m.group(1)
            return f"(?P<{group}>{_ANY_WORD})"

        return _SLOT.sub(slot, template).replace(" ", r"\s+"), lookups

    def anchors(self, templates: list[str]) -> frozenset[str] | None:
        """The words one of which a text must hold for ``templates`` to match: the anchors of the screened slots that
        each names (None when one names no screened slot: the text is always searched)."""
        out: set[str] = set()
        for template in templates:
            screened = [name for name in _SLOT.findall(template) if name in self.screen]
            if not screened:
                return None
            out.update(_anchor(w, self.slots[name]) for name in screened for w in self.slots[name])
        return frozenset(out)

    def compiled(self, templates: list[str]) -> Matcher:
        """The templates without a looked-up slot as one expression (template ``i`` is the named group ``t{i}``), and
        each of the others as its own, with the words its captures must be; each with the words it needs."""
        closed, closed_templates, looked = [], [], []
        for i, template in enumerate(templates):
            expression, lookups = self._expression(template)
            if lookups:
                words = {group: frozenset(self.slots[s]) for group, s in lookups.items()}
                looked.append((i, re.compile(rf"\b{expression}\b"), words, self.anchors([template])))
            else:
                closed.append(f"(?P<t{i}>{expression})")
                closed_templates.append(template)
        pattern = re.compile(r"\b(?:" + "|".join(closed) + r")\b") if closed else None
        return Matcher(pattern, self.anchors(closed_templates), tuple(looked))


Trie = dict[str, "Trie"]


def _trie(entries: Iterable[str]) -> Trie:
    """A letter trie of ``entries``; "" marks where one ends."""
    root: Trie = {}
    for entry in entries:
        node = root
        for letter in entry:
            node = node.setdefault(letter, {})
        node[""] = {}
    return root


def _trie_expression(node: Trie) -> str:
    """The expression a trie matches, a space as any whitespace; where an entry ends and a longer one goes on, the
    longer is tried first (an optional, greedy rest)."""
    branches = [(r"\s+" if letter == " " else re.escape(letter)) + _trie_expression(child)
                for letter, child in sorted(node.items()) if letter]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class Matcher:
    """A grammar's expressions: where a text first matches a template, and which. An expression is searched only in a
    text that holds one of its anchor words (None: any text)."""

    closed: re.Pattern[str] | None
    closed_anchors: frozenset[str] | None
    looked_up: tuple[tuple[int, re.Pattern[str], dict[str, frozenset[str]], frozenset[str] | None], ...]

    def search(self, text: str, words: frozenset[str] | None = None) -> tuple[int, int, int] | None:
        """(template index, start, end) of a match in ``text`` (whose words may be given: the check has them), if any."""
        words = frozenset(WORDS.findall(text)) if words is None else words
        m = None
        if self.closed is not None and (self.closed_anchors is None or not self.closed_anchors.isdisjoint(words)):
            m = self.closed.search(text)
        if m:
            return int(next(k for k, v in m.groupdict().items() if v is not None)[1:]), m.start(), m.end()
        for i, pattern, captures, anchors in self.looked_up:
            if anchors is not None and anchors.isdisjoint(words):
                continue
            pos = 0
            while (m := pattern.search(text, pos)) is not None:
                if all(m.group(g) is None or m.group(g) in ws for g, ws in captures.items()):
                    return i, m.start(), m.end()
                pos = m.start() + 1
        return None


SENTENCE = re.compile(r"[.!?;]+\s*")  # where a sentence ends


def _entries(words: Iterable[str]) -> tuple[frozenset[str], int, frozenset[str]]:
    """A slot's entries as a set, the most words one has, and their first words (what a text must hold for one)."""
    entries = frozenset(words)
    return entries, max((len(e.split()) for e in entries), default=0), frozenset(e.split()[0] for e in entries)


def _countering(grammar: ThreatGrammar) -> re.Pattern[str] | None:
    """What counters a threat in the words before it in its sentence: a ``countered`` word anywhere ("never"), a
    ``countered_next`` word right before it ("No disabled person deserves to die")."""
    anywhere = rf"\b{grammar.alternation('countered')}\b" if "countered" in grammar.slots else None
    last = rf"\b{grammar.alternation('countered_next')}\s*$" if "countered_next" in grammar.slots else None
    both = [e for e in (anywhere, last) if e]
    return re.compile("|".join(both)) if both else None


def _anchor(entry: str, slot: Collection[str] = ()) -> str:
    """The word of a slot's entry that a text must hold for it to match: a word that is an entry of the slot itself
    ("men" of "white men": a text with "white" alone need not be searched), else its longest ("person" of "white
    person", "bullet" of "a bullet"), which is rarer in grocery copy than its first."""
    words = WORDS.findall(entry) or [entry]
    own = [w for w in words if w in slot] if len(words) > 1 else []
    return max(own or words, key=len)


class LoadedGrammar(NamedTuple):
    grammar: ThreatGrammar
    threats: Matcher  # a threat's structure: the grammar's severity
    nearby: Matcher  # violence near a group: review
    screen: frozenset[str]  # every template names a screened slot: a text holding no anchor of theirs is skipped
    pieces: frozenset[str]  # the slots' one-word entries and the templates' words: what a glued token is read apart into
    respelled: dict[str, tuple[str, ...]]  # letters with repeats collapsed -> the pieces so spelled ("kil": "kill")
    misspelt: dict[str, tuple[str, ...]]  # an own slot's word, a letter left out or two swapped -> it ("murdr": "murder")
    by_length: dict[int, tuple[str, ...]]  # the pieces by their length: what a masked word may spell
    group_words: frozenset[str]  # the group slot's words
    people_after: frozenset[str]  # words after a singular group word that keep it a people's name: persons, "now"
    phrases: frozenset[str]  # the slots' entries of two words or more ("refugee camp")
    peoples: frozenset[str]  # the ``peoples`` and ``near_peoples`` slots' words: a people named
    harm_near: tuple[frozenset[str], int, frozenset[str]]  # the ``harm_near`` slot's entries, their most words, first words
    countered: re.Pattern[str] | None  # a threat's sentence before it, countered: the ``countered`` slot's words in it, or
    # the ``countered_next`` slot's at its end


@lru_cache(maxsize=4)
def load_grammar(path: Path) -> LoadedGrammar:
    """The grammar with its word lists read, its expressions and its screen."""
    grammar = load_yaml(path, ThreatGrammar, "threat grammar")
    read = {slot: read_word_list(path.parent / name, "the threat grammar's word list") for slot, name in
            grammar.word_lists.items()}
    grammar = grammar.model_copy(update={"slots": grammar.slots | read})
    screen = frozenset(_anchor(w, grammar.slots[slot]) for slot in grammar.screen for w in grammar.slots[slot])
    entries = [w for words in grammar.slots.values() for w in words]
    pieces = frozenset(w for w in entries if WORDS.fullmatch(w) and len(w) > 1) | _template_words(grammar.templates)
    own_words = {w for slot, words in grammar.slots.items() if slot not in grammar.word_lists for e in words for w in e.split()}

    def of(*slots: str) -> frozenset[str]:
        return frozenset(w for slot in slots for w in grammar.slots.get(slot, ()))

    return LoadedGrammar(
        grammar=grammar, threats=grammar.compiled(grammar.templates), nearby=grammar.compiled(grammar.review_templates),
        screen=screen, pieces=pieces, respelled=_grouped((p for p in pieces if len(p) >= 3), collapse_repeats),
        misspelt=_misspellings(own_words), by_length=_grouped(pieces, len), group_words=of("group"),
        people_after=of("person", "people_after"), phrases=frozenset(w for w in entries if " " in w),
        peoples=of("peoples", "near_peoples"), harm_near=_entries(grammar.slots.get("harm_near", ())),
        countered=_countering(grammar))


_MISSPELT_MIN = 4  # a shorter piece left a letter short is another word too often ("kil" is read by ``respelled``)


def _misspellings(pieces: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each word of four letters or more of the grammar's own slots (not the word lists': WordNet's thousands of
    persons), its phrases' too ("cancer" of "a cancer"), with one letter after the first left out, or two letters after
    the first swapped ("murdr", "muslms", "immigrnts", "cancr", "murdre"): the words so misspelt."""
    found: dict[str, set[str]] = {}
    for piece in pieces:
        if len(piece) < _MISSPELT_MIN or not piece.isalpha():
            continue
        variants = {piece[:i] + piece[i + 1 :] for i in range(1, len(piece))}
        variants |= {piece[:i] + piece[i + 1] + piece[i] + piece[i + 2 :] for i in range(1, len(piece) - 1)}
        for v in variants - {piece}:
            found.setdefault(v, set()).add(piece)
    return {v: tuple(sorted(ps)) for v, ps in found.items()}


def _template_words(templates: Iterable[str]) -> frozenset[str]:
    """The words the templates write out ("death", "to", "throats"), of two letters or more: what a glued token may be
    made of too ("Deathto all")."""
    plain = (_SLOT.sub(" ", t).replace("\\b", " ").replace("\\s", " ") for t in templates)
    return frozenset(w for t in plain for w in re.findall(r"[a-z]{2,}", t))


def _grouped(pieces: Iterable[str], key: Callable[[str], K]) -> dict[K, tuple[str, ...]]:
    """``pieces`` grouped by ``key``, each group in order: by length (what a masked word may spell), or by letters with
    repeats collapsed ("shot": "shoot" and "shot")."""
    groups: dict[K, list[str]] = {}
    for piece in sorted(pieces):
        groups.setdefault(key(piece), []).append(piece)
    return {k: tuple(found) for k, found in groups.items()}
