"""Threats and incitement against groups of people, from a small data-driven grammar (policies/grammars/threats.yaml,
loaded by :mod:`judge.rules.checks.threat_grammar`), read in the field as written and in its other readings (leet,
letters spelled out, glued words apart, masks filled in, emoji as words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject
from judge.rules.checks.patterns import subject_readings
from judge.rules.checks.threat_grammar import (
    SENTENCE,
    WORDS,
    LoadedGrammar,
    load_grammar,
)
from judge.rules.memo import BoundedMemo
from judge.rules.normalize import NormalizedText, Token, collapse_repeats, word_tokens
from judge.rules.nouns import singulars
from judge.rules.spellings import mask_fits
from judge.rules.termlists import load_word_set

_OBFUSCATED = re.compile(r"[0-9@$!|+€£]")
# a quantifier that counts people, or a person's determiner, before a singular group word ("every Mexican", "your teacher")
_COUNTED = frozenset({"every", "each", "any", "all", "a", "an", "your", "my", "our", "their", "his", "her"})
_ONE_OF = frozenset({"every", "each", "any", "last", "a", "an", "one"})  # before a people's singular: one of them
_NEXT_WORD = re.compile(r" +[^\W\d_]")  # the next word in the same clause: no mark between


_GLUED = re.compile(r"[a-z]{5,}")  # a normalized text's token that may be words glued (folded to ASCII)
_LONG = 9  # a token this long is read apart even if it is a word; a shorter one only if no word list knows it


def _unglued(text: str, pieces: frozenset[str], known: frozenset[str]) -> str:
    """``text`` with each token that the grammar's words make up wholly read apart: a long one ("#killallimmigrants" ->
    "kill all immigrants"), or one no word list knows, its spaces left out ("Deathto all", "deserve todie",
    "hangall these"), or as it is."""
    read = {token: " ".join(parts) for token in set(_GLUED.findall(text))
            if (len(token) >= _LONG or token not in known) and (parts := _split(token, pieces))}
    return _GLUED.sub(lambda m: read.get(m.group(), m.group()), text) if read else text


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


def _countered(text: str, start: int, countered: re.Pattern[str] | None) -> bool:
    """Whether a threat that starts at ``start`` follows, in its sentence, a word that negates or condemns it ("I would
    never want to kill all women", "Saying 'death to all Muslims' is vile") or an opening quotation mark."""
    before = SENTENCE.split(text[:start])[-1]
    return countered is not None and countered.search(before) is not None or before.rstrip().endswith(_QUOTES)


_QUOTES = ("'", '"', "“", "‘", "«", "„")


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


def _respelled(text: str, loaded: LoadedGrammar, known: frozenset[str]) -> str:
    """``text`` with each word of three letters or more, no piece and no ``known`` word, that spells a piece with a
    letter doubled or undoubled read as that piece, the nearest in length ("kil", "kiill" -> "kill"; "shooot" ->
    "shoot", not "shot"; not "of" as "off", nor "escapes" as "escapees"), or a piece with a letter left out or two
    swapped ("murdr", "Muslms are scum"), or as it is."""
    read: dict[str, str] = {}
    for word in set(WORDS.findall(text)):  # most words are known: one look-up each
        if len(word) < 3 or word in loaded.pieces or word in known:
            continue
        found = loaded.respelled.get(collapse_repeats(word), ())
        if found:
            read[word] = min(found, key=lambda piece: abs(len(piece) - len(word)))
        elif misspelt := loaded.misspelt.get(word, ()):
            read[word] = misspelt[0]  # "womn": "woman" or "women", a group either way
    return WORDS.sub(lambda m: read.get(m.group(), m.group()), text) if read else text


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
        known = load_word_set(self.word_paths)
        read_anew = (_unglued(text, loaded.pieces, known), _respelled(text, loaded, known),
                     *_unmasked(text, loaded), _emoji_read(text, loaded.grammar.emoji))
        others = {r: None for r in (other, *readings, *read_anew) if r != text}
        read = (f for r in others if (f := self._search_text(r, False)))  # a reading's threat comes first
        return next((f for f in read if f.kind == "threat" or found is None), found)

    def _search_text(self, text: str, as_written: bool) -> ThreatRead | None:
        """What ``text`` holds, the threat first; a match in a reading other than the field ``as_written`` spans it."""
        loaded = load_grammar(self.path)
        words = WORDS.findall(text)
        if loaded.screen.isdisjoint(words):
            return self._harm_near_people(text, words, loaded)
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
        return self._harm_near_people(text, words, loaded)

    def _harm_near_people(self, text: str, words: list[str], loaded: LoadedGrammar) -> ThreatRead | None:
        """Violence that copy seldom names, in a sentence that names a people, in no template's structure: a reviewer
        decides ("Armed patrols to hunt Syrians tonight")."""
        entries, longest, first_words = loaded.harm_near
        if first_words.isdisjoint(words):
            return None  # most texts name no violence: one look-up a word
        for sentence in SENTENCE.split(text):
            words = WORDS.findall(sentence)
            counted = (w + "s" for before, w in zip(words, words[1:]) if before in _ONE_OF)  # "every Somali"
            if loaded.peoples.isdisjoint(words) and loaded.peoples.isdisjoint(counted):
                continue  # no people named, as a group or one of it (not "the Indian summer heat")
            grams = {" ".join(words[i : i + n]) for n in range(1, longest + 1) for i in range(len(words) - n + 1)}
            if not entries.isdisjoint(grams):
                return ThreatRead("violence_near_group", Severity.REVIEW, "violence named beside a people",
                                  "harm near a people", -1, (None, None))
        return None

    def _thing_meant(self, text: str, start: int, end: int, loaded: LoadedGrammar) -> bool:
        """Whether a threat's last word may name a thing: a people's name used as an adjective before a noun ("I hate
        Mexican food", "Beat the Mexican heat": a singular group word, then a food or, in the same clause, any word but
        a person's noun, one of the grammar's ``people_after`` ("Shoot the Mexican now") or a phrase of its slots ("Bomb
        the refugee camp"); counted, a person's or plural it is people: "Deport every Mexican fiesta platter", "Shoot
        your teacher lunchbox", "Kill all immigrants BBQ sale" stay threats), or a person's name that a food has too ("Behead the shrimp", WordNet's "shrimp" is a
        short person first)."""
        last = WORDS.findall(text[start:end])[-1:]
        if self.nouns is None or not last:
            return False
        word = last[0]
        if word not in loaded.group_words:
            return any(w in self.nouns.food for w in (word, *singulars(word)))
        if word.endswith("s"):
            return False
        after = WORDS.findall(text[end : end + 40])[:2]
        if any(self.nouns.kind(" ".join(after[:n]), modifiers=False) == "food" for n in (2, 1) if len(after) >= n):
            return True
        if not after or not _COUNTED.isdisjoint(WORDS.findall(text[start:end])) or _NEXT_WORD.match(text, end) is None:
            return False
        return after[0] not in loaded.people_after and f"{word} {after[0]}" not in loaded.phrases  # "refugee camp"
