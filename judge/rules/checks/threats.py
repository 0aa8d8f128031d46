"""Threats and incitement against groups of people, from a small data-driven grammar (policies/grammars/threats.yaml).

A template such as ``{verb} (?:{quantifier} )?{group}`` is expanded with the slot lists into one regular
expression per template; the text matched is normalized text, so ``k1ll all migrants`` is ``kill all migrants``.
A slot may be read from a word list beside the grammar (``word_lists``: WordNet's people and countries); a big slot
of single words is matched as any word, which is then looked up (an alternation of thousands of words is slow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject
from judge.rules.checks.patterns import subject_readings
from judge.rules.memo import BoundedMemo
from judge.rules.normalize import NormalizedText, Token, collapse_repeats, word_tokens
from judge.rules.nouns import singulars
from judge.rules.spellings import mask_fits
from judge.rules.termlists import Examples, load_word_set, read_word_list

K = TypeVar("K")
_SLOT = re.compile(r"\{(\w+)\}")
_OBFUSCATED = re.compile(r"[0-9@$!|+€£]")
_WORDS = re.compile(r"[^\W\d_]+")
_ANY_WORD = r"[^\W\d_]+(?:-[^\W\d_]+)?(?!['’]\w)"  # a word, not a possessive ("the neighbor's house")
# a quantifier that counts people, or a person's determiner, before a singular group word ("every Mexican", "your teacher")
_COUNTED = frozenset({"every", "each", "any", "all", "a", "an", "your", "my", "our", "their", "his", "her"})
_NEXT_WORD = re.compile(r" +[^\W\d_]")  # the next word in the same clause: no mark between
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
        words = sorted(self.slots[slot], key=len, reverse=True)
        return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + ")"

    def looked_up(self, slot: str) -> bool:
        words = self.slots[slot]
        return len(words) >= LOOKUP_MIN and all(_WORDS.fullmatch(w.replace("-", "")) for w in words)

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
            out.update(_anchor(w) for name in screened for w in self.slots[name])
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


@dataclass(frozen=True)
class Matcher:
    """A grammar's expressions: where a text first matches a template, and which. An expression is searched only in a
    text that holds one of its anchor words (None: any text)."""

    closed: re.Pattern[str] | None
    closed_anchors: frozenset[str] | None
    looked_up: tuple[tuple[int, re.Pattern[str], dict[str, frozenset[str]], frozenset[str] | None], ...]

    def search(self, text: str, words: frozenset[str] | None = None) -> tuple[int, int, int] | None:
        """(template index, start, end) of a match in ``text`` (whose words may be given: the check has them), if any."""
        words = frozenset(_WORDS.findall(text)) if words is None else words
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


_LONG = re.compile(r"[a-z]{9,}")  # a normalized text's long token (folded to ASCII)


def _unglued(text: str, pieces: frozenset[str]) -> str:
    """``text`` with each long token that the grammar's words make up wholly read apart ("#killallimmigrants" -> "kill
    all immigrants"), or as it is."""
    return _LONG.sub(lambda m: " ".join(_split(m.group(), pieces) or [m.group()]), text) if _LONG.search(text) else text


def _respelled_in_place(text: str, tokens: Sequence[Token], form: Callable[[Token], str]) -> str:
    """``text`` with each token written as ``form`` gives it, what lies between tokens kept ("teachers' gifts under
    $20": the apostrophe that makes "teachers'" a possessive stays)."""
    out, pos = [], 0
    for t in tokens:
        out += [text[pos : t.start], form(t)]
        pos = t.end
    return "".join(out) + text[pos:]


@lru_cache(maxsize=65_536)
def _split(token: str, pieces: frozenset[str]) -> tuple[str, ...] | None:
    """``token`` as two or more of ``pieces`` in a row, the longest first at each step, if it is made of them."""
    for end in range(len(token), 1, -1):
        head = token[:end]
        if head in pieces and head != token:
            rest = (token[end:],) if token[end:] in pieces else _split(token[end:], pieces)
            if rest is not None:
                return (head, *rest)
    return None


def _countering(grammar: ThreatGrammar) -> re.Pattern[str] | None:
    anywhere = rf"\b{grammar.alternation('countered')}\b" if "countered" in grammar.slots else None
    last = rf"\b{grammar.alternation('countered_next')}\s*$" if "countered_next" in grammar.slots else None
    both = [e for e in (anywhere, last) if e]
    return re.compile("|".join(both)) if both else None


def _countered(text: str, start: int, countered: re.Pattern[str] | None) -> bool:
    """Whether a threat that starts at ``start`` follows, in its sentence, a word that negates or condemns it ("I would
    never want to kill all women", "Saying 'death to all Muslims' is vile") or an opening quotation mark."""
    sentence = max(text.rfind(mark, 0, start) for mark in ".!?;") + 1
    before = text[sentence:start]
    return countered is not None and countered.search(before) is not None or before.rstrip().endswith(_QUOTES)


_QUOTES = ("'", '"', "“", "‘", "«", "„")


def _anchor(entry: str) -> str:
    """The word of a slot's entry that a text must hold for it to match: its longest ("person" of "white person",
    "bullet" of "a bullet"), which is rarer in grocery copy than its first."""
    return max(_WORDS.findall(entry) or [entry], key=len)


_MASKED = re.compile(r"(?<![\w*])[a-z*]*[a-z]\*+[a-z*]*(?![\w*])|(?<![\w*])\*+[a-z][a-z*]*(?![\w*])")  # "m*slims"
_MAX_FITS = 3  # a masked word that more pieces fit is left as it is


def _unmasked(text: str, loaded: LoadedGrammar) -> tuple[str, ...]:
    """``text`` read with each masked word that showing two letters or more, a few pieces fit filled in: a reading per
    fit ("Exterminate all m*slims": "muslims", and the list's "moslims"); none when no word is so masked."""
    if "*" not in text:
        return ()
    filled_in: dict[str, list[str]] = {}
    for word in _MASKED.findall(text):
        fits = mask_fits(word)
        found = [p for p in loaded.by_length.get(len(word), ()) if fits(p)]
        if 0 < len(found) <= _MAX_FITS and len(word) - word.count("*") >= 2:
            filled_in[word] = found

    def filled(m: re.Match[str], k: int) -> str:
        found = filled_in.get(m.group())
        return found[min(k, len(found) - 1)] if found else m.group()

    return tuple(_MASKED.sub(lambda m: filled(m, k), text) for k in range(max(map(len, filled_in.values()), default=0)))


def _emoji_read(text: str, emoji: dict[str, str]) -> str:
    """``text`` with each emoji of the grammar read as its word ("💀 all immigrants": "kill all immigrants")."""
    if text.isascii() or not emoji:
        return text
    return "".join(f" {emoji[c]} " if c in emoji else c for c in text)


class ThreatRead(NamedTuple):
    """What a text holds: which matcher's template, where (None, None: the whole field, read with its leet folded)."""

    kind: str  # "threat", or "violence_near_group"
    severity: Severity
    message: str
    label: str
    template: int
    span: tuple[int | None, int | None]


class LoadedGrammar(NamedTuple):
    grammar: ThreatGrammar
    threats: Matcher  # a threat's structure: the grammar's severity
    nearby: Matcher  # violence near a group: review
    screen: frozenset[str]  # every template names a screened slot: a text holding no anchor of theirs is skipped
    pieces: frozenset[str]  # the slots' one-word entries: what a glued token ("#killallimmigrants") is read apart into
    respelled: dict[str, tuple[str, ...]]  # letters with repeats collapsed -> the pieces so spelled ("kil": "kill")
    by_length: dict[int, tuple[str, ...]]  # the pieces by their length: what a masked word may spell
    group_words: frozenset[str]  # the group slot's words
    people_after: frozenset[str]  # words after a singular group word that keep it a people's name: persons, "now"
    phrases: frozenset[str]  # the slots' entries of two words or more ("refugee camp")
    countered: re.Pattern[str] | None  # a threat's sentence before it, countered: the ``countered`` slot's words in it, or
    # the ``countered_next`` slot's at its end


@lru_cache(maxsize=4)
def load_grammar(path: Path) -> LoadedGrammar:
    """The grammar with its word lists read, its expressions and its screen."""
    grammar = load_yaml(path, ThreatGrammar, "threat grammar")
    read = {slot: read_word_list(path.parent / name, "the threat grammar's word list") for slot, name in
            grammar.word_lists.items()}
    grammar = grammar.model_copy(update={"slots": grammar.slots | read})
    screen = frozenset(_anchor(w) for slot in grammar.screen for w in grammar.slots[slot])
    pieces = frozenset(w for words in grammar.slots.values() for w in words if _WORDS.fullmatch(w) and len(w) > 1)
    return LoadedGrammar(grammar, grammar.compiled(grammar.templates), grammar.compiled(grammar.review_templates), screen,
                         pieces, _grouped((p for p in pieces if len(p) >= 3), collapse_repeats), _grouped(pieces, len),
                         frozenset(grammar.slots.get("group", ())),
                         frozenset((*grammar.slots.get("person", ()), *grammar.slots.get("people_after", ()))),
                         frozenset(w for words in grammar.slots.values() for w in words if " " in w),
                         _countering(grammar))


def _grouped(pieces: Iterable[str], key: Callable[[str], K]) -> dict[K, tuple[str, ...]]:
    """``pieces`` grouped by ``key``, each group in order: by length (what a masked word may spell), or by letters with
    repeats collapsed ("shot": "shoot" and "shot")."""
    groups: dict[K, list[str]] = {}
    for piece in sorted(pieces):
        groups.setdefault(key(piece), []).append(piece)
    return {k: tuple(found) for k, found in groups.items()}


def _respelled(text: str, loaded: LoadedGrammar, known: frozenset[str]) -> str:
    """``text`` with each word of three letters or more, no piece and no ``known`` word, that spells a piece with a
    letter doubled or undoubled read as that piece, the nearest in length ("kil", "kiill" -> "kill"; "shooot" ->
    "shoot", not "shot"; not "of" as "off", nor "escapes" as "escapees"), or as it is."""
    read: dict[str, str] = {}
    for word in set(_WORDS.findall(text)):  # most words are known: one look-up each
        found = () if len(word) < 3 or word in loaded.pieces or word in known else \
            loaded.respelled.get(collapse_repeats(word), ())
        if found:
            read[word] = min(found, key=lambda piece: abs(len(piece) - len(word)))
    return _WORDS.sub(lambda m: read.get(m.group(), m.group()), text) if read else text


class ThreatsCheck(Check):
    id = "threats"
    description = ("Threats and incitement (a violent verb and a group or person, 'X should die', ...); violence beside a group "
                   "is reviewed; implicit hate is the LLM rubric's")

    @cached_property
    def path(self) -> Path:
        return resolve_data_file(self.cfg.grammar, "policies", self.ctx.base_dir).resolve()

    @cached_property
    def word_paths(self) -> tuple[Path, ...]:
        return tuple(resolve_data_file(r, "policies", self.ctx.base_dir).resolve() for r in self.cfg.words)

    @property
    def data_files(self) -> list[Path]:
        grammar = load_grammar(self.path).grammar
        return [self.path, *(self.path.parent / name for name in grammar.word_lists.values()), *self.word_paths,
                *(self.noun_paths or ())]

    def check(self, subject: Subject) -> list[Finding]:
        out: list[Finding] = []
        readings = subject_readings(subject)  # the injection patterns' readings: read once for both checks
        for field_name, nt in subject.fields:
            found = self._read(nt, readings.get(field_name, ()))
            if found is not None:
                out.append(self.finding(self.severity(found.kind, found.severity), found.message, field_name, nt,
                                        *found.span, term=f"{found.label} {found.template + 1}", category="threat"))
        return out

    @cached_property
    def _memo(self) -> BoundedMemo[str, ThreatRead | None]:
        return BoundedMemo(100_000)

    def _read(self, nt: NormalizedText, readings: Sequence[str]) -> ThreatRead | None:
        """What a field's text holds, the threat first (memoized: a run's themes and keywords repeat)."""
        return self._memo.read(nt.text, lambda: self._search(nt, readings))

    def _search(self, nt: NormalizedText, readings: Sequence[str]) -> ThreatRead | None:
        """The field as written (its leet folded: "k1ll" -> "kill"), then its other readings: the leet's other letters
        ("ki11" -> "kill", not "kiii"), the field's plain readings (letters spelled out or joined by underscores, one
        word a sentence: "k i l l", "kill_all", "Kill. All. Them."), glued words apart."""
        text, other = nt.text, nt.text
        if not text.isalpha() and _OBFUSCATED.search(text):
            tokens = word_tokens(nt)
            text = _respelled_in_place(nt.text, tokens, lambda t: t.forms[min(1, len(t.forms) - 1)])
            other = _respelled_in_place(nt.text, tokens, lambda t: t.forms[-1])
        found = self._search_text(text, text is nt.text)
        if found is not None and found.kind == "threat":
            return found
        loaded = load_grammar(self.path)
        read_anew = (_unglued(text, loaded.pieces), _respelled(text, loaded, load_word_set(self.word_paths)),
                     *_unmasked(text, loaded), _emoji_read(text, loaded.grammar.emoji))
        others = {r: None for r in (other, *readings, *read_anew) if r != text}
        read = (f for r in others if (f := self._search_text(r, False)))  # a reading's threat comes first
        return next((f for f in read if f.kind == "threat" or found is None), found)

    def _search_text(self, text: str, as_written: bool) -> ThreatRead | None:
        """What ``text`` holds, the threat first; a match in a reading other than the field ``as_written`` spans it."""
        loaded = load_grammar(self.path)
        words = _WORDS.findall(text)
        if loaded.screen.isdisjoint(words):
            return None
        for matcher, kind, severity, message, label in (
            (loaded.threats, "threat", loaded.grammar.severity, "threat or incitement against a group", "template"),
            (loaded.nearby, "violence_near_group", Severity.REVIEW, "violence named beside a group", "review template"),
        ):
            found = matcher.search(text, frozenset(words))
            if found:
                template, start, end = found
                span = (start, end) if as_written else (None, None)  # a folded or read match: the whole field
                if kind == "threat" and _countered(text, start, loaded.countered):
                    return ThreatRead("violence_near_group", Severity.REVIEW, "threat words negated, quoted or condemned "
                                      "(counter-speech, or a disguise of a threat: a reviewer decides)", label, template, span)
                if kind == "threat" and self._thing_meant(text, start, end, loaded):
                    return ThreatRead("violence_near_group", Severity.REVIEW, "violence named beside a thing (a people's "
                                      "name before a noun, or a person's that a food has: a reviewer decides)", label,
                                      template, span)
                return ThreatRead(kind, severity, message, label, template, span)
        return None

    def _thing_meant(self, text: str, start: int, end: int, loaded: LoadedGrammar) -> bool:
        """Whether a threat's last word may name a thing: a people's name used as an adjective before a noun ("I hate
        Mexican food", "Beat the Mexican heat": a singular group word, then a food or, in the same clause, any word but
        a person's noun, one of the grammar's ``people_after`` ("Shoot the Mexican now") or a phrase of its slots ("Bomb
        the refugee camp"); counted, a person's or plural it is people: "Deport every Mexican fiesta platter", "Shoot
        your teacher lunchbox", "Kill all immigrants BBQ sale" stay threats), or a person's name that a food has too ("Behead the shrimp", WordNet's "shrimp" is a
        short person first)."""
        last = _WORDS.findall(text[start:end])[-1:]
        if self.nouns is None or not last:
            return False
        word = last[0]
        if word not in loaded.group_words:
            return any(w in self.nouns.food for w in (word, *singulars(word)))
        if word.endswith("s"):
            return False
        after = _WORDS.findall(text[end : end + 40])[:2]
        if any(self.nouns.kind(" ".join(after[:n]), modifiers=False) == "food" for n in (2, 1) if len(after) >= n):
            return True
        if not after or not _COUNTED.isdisjoint(_WORDS.findall(text[start:end])) or _NEXT_WORD.match(text, end) is None:
            return False
        return after[0] not in loaded.people_after and f"{word} {after[0]}" not in loaded.phrases  # "refugee camp"
