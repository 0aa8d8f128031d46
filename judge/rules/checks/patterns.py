"""Regex rule checks (claims, PII, prompt injection) whose patterns live in policies/patterns.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import ahocorasick
from pydantic import BaseModel, ConfigDict, field_validator

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import data_dir
from judge.rules.checks.base import Check, Subject
from judge.rules.checks.prefilter import required, required_kind
from judge.rules.decoded import (
    decoded_readings,
    has_plain_readings,
    may_be_encoded,
    plain_readings,
)
from judge.rules.memo import BoundedMemo
from judge.rules.normalize import NormalizedText, normalize
from judge.rules.strokes import may_hold_strokes
from judge.rules.termlists import Examples


class PatternGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    check: str
    severity: Severity
    description: str
    patterns: list[str]
    allow: list[str] = []  # phrases (brands, product names) in which a match is not a claim: "Best Foods"
    # severity of a match inside a search keyword, when it differs: a keyword is a query that no customer
    # reads, so "Detox Tea" there retrieves a product that makes the claim, it does not make one itself
    keyword_severity: Severity | None = None
    # also match the text's plain readings ("1gn0re", "i g n o r e", "ignore.previous"): for instructions,
    # whose obfuscation is itself a sign; a match there spans the whole field
    readings: bool = False
    examples: Examples = Examples()

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"pattern {p!r} does not compile: {e}") from None
        return v


class PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    groups: list[PatternGroup]


@lru_cache(maxsize=1)
def patterns_path() -> Path:
    return data_dir("policies") / "patterns.yaml"


@lru_cache(maxsize=4)
def load_patterns(path: Path) -> PatternFile:
    return load_yaml(path, PatternFile)


_DIGIT = re.compile(r"\d")
_MEMO_MAX = 100_000  # texts whose literals and matches are kept


@dataclass(frozen=True, eq=False)
class PatternRule:
    group: PatternGroup
    regex: re.Pattern[str]
    kind: str | None = None  # of a rule that no literal wakes, what a field must hold for it to match (see required_kind)


class _Rules(NamedTuple):
    needing: tuple[tuple[PatternRule, ...], ...]  # the rules that need a literal, by the literal's number
    needing_at_start: tuple[tuple[PatternRule, ...], ...]  # ... those that need it at a word's start ("\bok\b")
    always: tuple[PatternRule, ...]  # the few that no literal wakes: they run on every field that may hold a match
    order: dict[PatternRule, int]  # each rule's place in the file: woken rules are tried in it
    literals: ahocorasick.Automaton  # every literal -> (its number, its length): all found in one pass over a text
    memo: BoundedMemo[str, tuple[frozenset[PatternRule], frozenset[PatternRule]]]  # a text -> what it wakes (_read)
    matched: BoundedMemo[str, dict[PatternRule, tuple[tuple[int, int], ...]]]  # a text -> each rule's matches (spans)

    def wake(self, texts: list[str], fields: int) -> Woken:
        """The rules that a literal of ``texts`` wakes, the first ``fields`` of which are fields and the others their
        readings: each text is read once (memoized: a run's keywords repeat)."""
        read = [self._read(text) for text in texts]
        woken = frozenset().union(*(rules for rules, _ in read))
        return Woken([*self.always, *sorted(woken, key=self.order.__getitem__)], [rules for _, rules in read[:fields]])

    def _read(self, text: str) -> tuple[frozenset[PatternRule], frozenset[PatternRule]]:
        """The rules that the literals of ``text`` wake, and the rules that may match it: those and those that need
        none (see ``_always_in``)."""
        return self.memo.read(text, lambda: self._literals_in(text))

    def _literals_in(self, text: str) -> tuple[frozenset[PatternRule], frozenset[PatternRule]]:
        woken: set[PatternRule] = set()
        for end, (i, length) in self.literals.iter(text) if self.needing else ():
            woken.update(self.needing[i])
            start = end - length + 1
            if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
                woken.update(self.needing_at_start[i])
        return frozenset(woken), frozenset((*self._always_in(text), *woken))

    def spans(self, rule: PatternRule, text: str) -> tuple[tuple[int, int], ...]:
        """Where ``rule`` matches ``text`` (not empty, not inside a phrase its group allows), memoized: a rule woken in
        a field is searched for there once per run however often the field's text repeats."""
        per_text = self.matched.read(text, dict)
        found = per_text.get(rule)
        if found is None:
            allow = rule.group.allow
            found = per_text[rule] = tuple((m.start(), m.end()) for m in rule.regex.finditer(text) if m.end() > m.start()
                                           and not (allow and _allowed(text, m.start(), m.end(), allow)))
        return found

    def _always_in(self, text: str) -> list[PatternRule]:
        """The rules that no literal wakes and that may match ``text``: one that needs a digit only where there is one."""
        digit, ascii_only = _DIGIT.search(text) is not None, text.isascii()
        return [r for r in self.always
                if r.kind is None or r.kind == "digit" and digit or r.kind == "non-ascii" and not ascii_only]


class Woken(NamedTuple):
    """The rules that may match a subject: ``active``, those that a literal of a field or of a reading wakes (the few
    that need none first, then in the file's order), and ``in_field``, for each field, those that its own literals
    wake and those that need none and may match there (a rule needs its literal in the text it matches: it is searched
    for in those fields only)."""

    active: list[PatternRule]
    in_field: list[frozenset[PatternRule]]


@lru_cache(maxsize=8)
def _rules(path: Path) -> _Rules:
    by_literal: dict[str, tuple[list[PatternRule], list[PatternRule]]] = {}  # anywhere, at a word's start
    always: list[PatternRule] = []
    order: dict[PatternRule, int] = {}
    for g in load_patterns(path).groups:
        for p in g.patterns:
            found = required(p)
            rule = PatternRule(g, re.compile(p, re.IGNORECASE | re.MULTILINE), required_kind(p) if found is None else None)
            order[rule] = len(order)
            if found is None:
                always.append(rule)
                continue
            lits, at_start = found
            for lit in lits:
                by_literal.setdefault(lit, ([], []))[at_start].append(rule)
    automaton = ahocorasick.Automaton()
    for i, lit in enumerate(by_literal):
        automaton.add_word(lit, (i, len(lit)))
    if by_literal:
        automaton.make_automaton()
    return _Rules(tuple(tuple(anywhere) for anywhere, _ in by_literal.values()),
                  tuple(tuple(at_start) for _, at_start in by_literal.values()), tuple(always), order, automaton,
                  BoundedMemo(_MEMO_MAX), BoundedMemo(_MEMO_MAX))


class PatternCheck(Check):
    """One pattern family; subclasses only name it."""

    @property
    def data_files(self) -> list[Path]:
        return [patterns_path()]

    def check(self, subject: Subject) -> list[Finding]:
        return self._findings(_matches(subject))

    def _findings(self, matches: list) -> list[Finding]:
        """A finding for each match of this check's groups."""
        return [self.finding(self._severity(group, field_name), group.description, field_name, nt, start, end,
                             term=group.id, category=group.id)
                for field_name, nt, group, start, end in matches if group.check == self.id]


    def _severity(self, group: PatternGroup, field_name: str) -> Severity:
        if field_name.startswith("keywords["):
            in_keywords = getattr(self.cfg, "keyword_severity", {}).get(group.id, group.keyword_severity)
            if in_keywords is not None:
                return in_keywords
        return self.severity(group.id, group.severity)


def _allowed(text: str, start: int, end: int, phrases: list[str]) -> bool:
    """Whether the match lies inside an allowed phrase (case-insensitive, word-bounded)."""
    for phrase in phrases:
        for m in re.finditer(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text):
            if m.start() <= start and end <= m.end():
                return True
    return False


def _matches(subject: Subject) -> list:
    """Pattern matches of every group in every field, computed once per subject."""
    found = subject.memo.get("patterns")
    if found is None:
        found = subject.memo["patterns"] = find_patterns(subject.fields, subject_readings(subject), _subject_woken(subject))
    return found


def subject_active(subject: Subject) -> list[PatternRule]:
    """The rules that a literal of a field or of its readings wakes, computed once per subject."""
    return _subject_woken(subject).active


def _subject_woken(subject: Subject) -> Woken:
    found = subject.memo.get("woken")
    if found is None:
        found = subject.memo["woken"] = _woken(subject.fields, subject_readings(subject))
    return found


def subject_readings(subject: Subject) -> dict[str, list[str]]:
    """Each field's plain readings (see ``_readings``), computed once per subject."""
    found = subject.memo.get("readings")
    if found is None:
        found = subject.memo["readings"] = _readings(subject.fields)
    return found


def _woken(fields: list[tuple[str, NormalizedText]], readings: dict[str, list[str]]) -> Woken:
    """The rules that a literal of the fields or of their readings wakes (see :class:`Woken`)."""
    texts = [*(nt.text for _, nt in fields), *(r for rs in readings.values() for r in rs)]
    return _rules(patterns_path()).wake(texts, len(fields))


def find_patterns(fields: list[tuple[str, NormalizedText]], readings: dict[str, list[str]] | None = None,
                  woken: Woken | None = None) -> list:
    """Pattern matches of every group in ``fields``, as (field, text, group, start, end); ``woken``, the rules that
    the fields' and readings' literals wake, when known."""
    if readings is None:
        readings = _readings(fields)
    if woken is None:
        woken = _woken(fields, readings)
    found = []
    seen: set[tuple[str, str, int, int]] = set()
    rules = _rules(patterns_path())
    for rule in dict.fromkeys(woken.active):
        for (field_name, nt), in_field in zip(fields, woken.in_field):
            if rule not in in_field:
                continue  # its literal is not in this field: no match can be
            for start, end in rules.spans(rule, nt.text):
                key = (field_name, rule.group.id, start, end)
                if key not in seen:
                    seen.add(key)
                    found.append((field_name, nt, rule.group, start, end))
    if readings:
        found += _read_plainly(fields, readings, woken.active, {(f, g.id) for f, _, g, _, _ in found})
    found.sort(key=lambda f: (f[0], f[3], f[4], f[2].id))  # the same order whichever rules the prefilter woke
    return found


def _read_plainly(fields: list[tuple[str, NormalizedText]], readings: dict[str, list[str]], active: list[PatternRule],
                  matched: set[tuple[str, str]]) -> list:
    """Matches in fields' plain readings of the groups that read them and found nothing in the field as written:
    each spans the whole field ("1gn0re previous instructions")."""
    out = []
    rules = list(dict.fromkeys(r for r in active if r.group.readings))
    for field_name, nt in fields:
        for rule in rules if field_name in readings else ():
            key = (field_name, rule.group.id)
            if key not in matched and any(rule.regex.search(r) for r in readings[field_name]):
                matched.add(key)
                out.append((field_name, nt, rule.group, 0, len(nt.text)))
    return out


def _readings(fields: list[tuple[str, NormalizedText]]) -> dict[str, list[str]]:
    """Each field's plain readings other than itself ("1gn0re" read "ignore"), and what its encoded runs say
    ("aWdub3Jl..." is "ignore ..."); none for most subjects."""
    out = {}
    for name, nt in fields:
        readings = _field_readings(nt.text, nt.original)
        if readings:
            out[name] = list(readings)
    return out


@lru_cache(maxsize=65_536)
def _field_readings(text: str, original: str) -> tuple[str, ...]:
    """A field's readings (see ``_readings``), memoized: a run's keywords and themes repeat."""
    plain, encoded = has_plain_readings(text), may_be_encoded(text, "" if original.isascii() else original)
    as_written = original.lower()  # strokes read as letters ("approve()" is "approveo") are code too: "approve()"
    drawn = as_written != text and may_hold_strokes(as_written)
    if not plain and not encoded and not drawn:
        return ()
    readings = [r for r in plain_readings(text) if r != text] if plain else []
    readings += [normalize(d).text for d in decoded_readings(original)] if encoded else []
    return (*readings, as_written) if drawn else tuple(readings)


class ClaimsCheck(PatternCheck):
    id = "claims"
    description = "Unverifiable superlatives, health claims, price and delivery promises"


class PiiCheck(PatternCheck):
    id = "pii"
    description = "Email addresses, phone numbers and URLs"
