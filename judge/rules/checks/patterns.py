"""Regex rule checks (claims, PII, prompt injection) whose patterns live in policies/patterns.yaml."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import ahocorasick
from pydantic import BaseModel, ConfigDict, field_validator

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import data_dir
from judge.rules.checks.base import Check, Subject
from judge.rules.decoded import (
    decoded_readings,
    has_plain_readings,
    may_be_encoded,
    plain_readings,
)
from judge.rules.normalize import NormalizedText, normalize
from judge.rules.termlists import Examples

_parser: ModuleType | None
try:  # CPython's own regex parser: private, so tests/rules/test_patterns.py checks the shape we rely on
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # elsewhere there is no prefilter: every pattern runs (same findings, slower)
    _parser = None


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


def required_literals(pattern: str) -> frozenset[str] | None:
    r"""Strings of which every match of ``pattern`` contains at least one (lowercase).

    ``None`` when no such set can be derived; the pattern then always runs. This is
    the prefilter idea of RE2 and codesearch, reduced to what our patterns need:
    adjacent literal parts are concatenated (``\.(?:com|net)`` -> ``.com``, ``.net``).
    """
    if _parser is None:
        return None
    try:
        return _required(_parser.parse(pattern, re.IGNORECASE))
    except (AttributeError, TypeError, ValueError):  # a parser whose shape changed: no prefilter
        return None


_CAP = 64


def _exact(items) -> frozenset[str] | None:
    """The finite set of strings a sequence matches, or None."""
    out = frozenset([""])
    for op, av in items:
        part = _exact_item(op, av)
        if part is None:
            return None
        out = frozenset(a + b for a in out for b in part)
        if len(out) > _CAP:
            return None
    return out


def _exact_item(op, av) -> frozenset[str] | None:
    if op is _c.LITERAL:
        return frozenset([chr(av).lower()])
    if op is _c.AT:
        return frozenset([""])  # \b, ^, $ are zero-width
    if op is _c.SUBPATTERN:
        return _exact(av[-1])
    if op is _c.BRANCH:
        parts = [_exact(b) for b in av[1]]
        return None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[1] <= 3:
        sub = _exact(av[2])
        if sub is None:
            return None
        out: set[str] = set()
        for n in range(av[0], av[1] + 1):
            combos = frozenset([""])
            for _ in range(n):
                combos = frozenset(a + b for a in combos for b in sub)
            out |= combos
        return frozenset(out) if len(out) <= _CAP else None
    return None


def _required(items) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    run: list[frozenset[str]] = []

    def flush() -> None:
        if run:
            joined = frozenset([""])
            for part in run:
                joined = frozenset(a + b for a in joined for b in part)
            if "" not in joined and len(joined) <= _CAP:
                options.append(joined)
            run.clear()

    for op, av in items:
        exact = _exact_item(op, av)
        if exact is not None:
            run.append(exact)
            continue
        flush()
        req = None
        if op is _c.SUBPATTERN:
            req = _required(av[-1])
        elif op is _c.BRANCH:
            parts = [_required(b) for b in av[1]]
            req = None if any(p is None for p in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            sub = _exact(av[2])
            req = frozenset(x * av[0] for x in sub) if sub and "" not in sub else _required(av[2])
        if req:
            options.append(req)
    flush()
    if not options:
        return None
    best = max(options, key=lambda o: (min(len(x) for x in o), -len(o)))
    # "cure" already covers "cures": keep only the minimal strings
    return frozenset(x for x in best if not any(y != x and y in x for y in best))


@dataclass(frozen=True, eq=False)
class PatternRule:
    group: PatternGroup
    regex: re.Pattern[str]


class _Rules(NamedTuple):
    needing: tuple[tuple[PatternRule, ...], ...]  # the rules that need a literal, by the literal's number
    always: tuple[PatternRule, ...]  # the few that must always run
    literals: ahocorasick.Automaton  # every literal -> its number: all of them found in one pass over a text

    def active(self, text: str) -> list[PatternRule]:
        """The rules that may match ``text``, in file order."""
        present = sorted({i for _, i in self.literals.iter(text)}) if self.needing else ()
        return [*self.always, *(r for i in present for r in self.needing[i])]

    def woken_in(self, texts: list[str]) -> list[set[PatternRule]]:
        """For each of ``texts``, the rules that a literal of its own wakes (one pass over them all): a rule needs its
        literal in the text it matches, so it is searched for in those texts only."""
        woken: list[set[PatternRule]] = [set() for _ in texts]
        if not self.needing:
            return woken
        ends = list(accumulate(len(t) + 1 for t in texts))  # each text's end in the joined text, its newline included
        for end, i in self.literals.iter("\n".join(texts)):
            woken[bisect_left(ends, end + 1)].update(self.needing[i])
        return woken


@lru_cache(maxsize=8)
def _rules(path: Path) -> _Rules:
    by_literal: dict[str, list[PatternRule]] = {}
    always: list[PatternRule] = []
    for g in load_patterns(path).groups:
        for p in g.patterns:
            rule = PatternRule(g, re.compile(p, re.IGNORECASE | re.MULTILINE))
            lits = required_literals(p)
            if lits is None:
                always.append(rule)
            else:
                for lit in lits:
                    by_literal.setdefault(lit, []).append(rule)
    automaton = ahocorasick.Automaton()
    for i, lit in enumerate(by_literal):
        automaton.add_word(lit, i)
    if by_literal:
        automaton.make_automaton()
    return _Rules(tuple(map(tuple, by_literal.values())), tuple(always), automaton)


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
        found = subject.memo["patterns"] = find_patterns(subject.fields, subject_readings(subject),
                                                         subject_active(subject))
    return found


def subject_active(subject: Subject) -> list[PatternRule]:
    """The rules that a literal of a field or of its readings wakes, computed once per subject."""
    found = subject.memo.get("active")
    if found is None:
        found = subject.memo["active"] = _woken(subject.fields, subject_readings(subject))
    return found


def subject_readings(subject: Subject) -> dict[str, list[str]]:
    """Each field's plain readings (see ``_readings``), computed once per subject."""
    found = subject.memo.get("readings")
    if found is None:
        found = subject.memo["readings"] = _readings(subject.fields)
    return found


def _woken(fields: list[tuple[str, NormalizedText]], readings: dict[str, list[str]]) -> list[PatternRule]:
    """The rules that a literal of the fields or of their readings wakes (one pass over them all)."""
    texts = [*(nt.text for _, nt in fields), *(r for rs in readings.values() for r in rs)]
    return _rules(patterns_path()).active("\n".join(texts))


def find_patterns(fields: list[tuple[str, NormalizedText]], readings: dict[str, list[str]] | None = None,
                  active: list[PatternRule] | None = None) -> list:
    """Pattern matches of every group in ``fields``, as (field, text, group, start, end); ``active``, the rules that
    the fields' and readings' literals wake, when known."""
    if readings is None:
        readings = _readings(fields)
    if active is None:
        active = _woken(fields, readings)
    found = []
    seen: set[tuple[str, str, int, int]] = set()
    rules = _rules(patterns_path())
    always, woken = set(rules.always), rules.woken_in([nt.text for _, nt in fields])
    for rule in dict.fromkeys(active):
        for (field_name, nt), by_literal in zip(fields, woken):
            if rule not in by_literal and rule not in always:
                continue  # its literal is not in this field: no match can be
            for m in rule.regex.finditer(nt.text):
                key = (field_name, rule.group.id, m.start(), m.end())
                if rule.group.allow and _allowed(nt.text, m.start(), m.end(), rule.group.allow):
                    continue
                if m.end() > m.start() and key not in seen:
                    seen.add(key)
                    found.append((field_name, nt, rule.group, m.start(), m.end()))
    if readings:
        found += _read_plainly(fields, readings, active, {(f, g.id) for f, _, g, _, _ in found})
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
    if not plain and not encoded:
        return ()
    readings = [r for r in plain_readings(text) if r != text] if plain else []
    readings += [normalize(d).text for d in decoded_readings(original)] if encoded else []
    return tuple(readings)


class ClaimsCheck(PatternCheck):
    id = "claims"
    description = "Unverifiable superlatives, health claims, price and delivery promises"


class PiiCheck(PatternCheck):
    id = "pii"
    description = "Email addresses, phone numbers and URLs"
