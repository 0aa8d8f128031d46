"""The literals and characters that every match of a regular expression holds, read off CPython's own parser: a
text without one is never searched by that expression (the prefilter idea of RE2 and codesearch)."""

from __future__ import annotations

import re
from types import ModuleType

_parser: ModuleType | None
try:  # CPython's own regex parser: private, so tests/rules/test_patterns.py checks the shape we rely on
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # elsewhere there is no prefilter: every pattern runs (same findings, slower)
    _parser = None


def required(pattern: str) -> tuple[frozenset[str], bool] | None:
    r"""Strings of which every match of ``pattern`` contains at least one (lowercase), and whether it holds one at a
    word's start (after ``\b``, ``^``, ``\W*``, a mark: ``\bok\b`` is not in "smoked"; the strings then open on a letter
    or digit).

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
    if op is _c.IN and len(av) <= _CAP and all(o is _c.LITERAL for o, _ in av):
        return frozenset(chr(a).lower() for _, a in av)  # a class of characters listed one by one: "[✓✔]"
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


def _required(items, edge: bool = False) -> tuple[frozenset[str], bool] | None:
    options: list[tuple[frozenset[str], bool]] = []  # each: strings one of which a match holds, and at a word's start
    run: list[frozenset[str]] = []
    bounded = False  # the run opens at a word's start
    # ``edge``: what came before ends at a word's edge, the text's start or a character of no word (see _after)

    def flush() -> None:
        if run:
            joined = frozenset([""])
            for part in run:
                joined = frozenset(a + b for a in joined for b in part)
            if "" not in joined and len(joined) <= _CAP:
                options.append((joined, bounded and all(x[0].isalnum() for x in joined)))
            else:  # too many spellings joined ("["']?(?:approve|pass)["']?"): each part that a match needs
                options.extend((part, False) for part in run if "" not in part)
            run.clear()

    for op, av in items:
        exact = _exact_item(op, av)
        if exact is not None:
            if not run:
                bounded = edge or op is _c.AT and av in _STARTS
            run.append(exact)
            edge = _after(op, av, edge)
            continue
        flush()
        req = None
        if op is _c.SUBPATTERN:
            req = _required(av[-1], edge)
        elif op is _c.BRANCH:
            parts = [_required(b, edge) for b in av[1]]
            req = None if any(p is None for p in parts) else (
                frozenset().union(*(p[0] for p in parts)), all(p[1] for p in parts))  # type: ignore[index]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            sub = _exact(av[2])
            req = (frozenset(x * av[0] for x in sub), False) if sub and "" not in sub else _required(av[2], edge)
        if req and req[0]:
            options.append(req)
        edge = _after(op, av, edge)
    flush()
    if not options:
        return None
    # the rarest: characters beyond ASCII ("✓"), which grocery text hardly holds, else the longest
    best, at_start = max(options, key=lambda o: (not any(x.isascii() for x in o[0]), min(len(x) for x in o[0]), -len(o[0])))
    # "cure" already covers "cures": keep only the minimal strings (at a word's start, a string's own start: "ok" does
    # not cover "aok" there)
    covers = str.startswith if at_start else str.__contains__
    return frozenset(x for x in best if not any(y != x and covers(x, y) for y in best)), at_start


_STARTS = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_BOUNDARY) if _parser is not None else ()


def _after(op, av, edge: bool) -> bool:
    """Whether, after an item of a pattern, a match stands at a word's edge (at the text's start, or after a character
    of no word: "^", "\\W*", "\\s+", "[.!?]", "(?<!\\w)", a \\b before a word), given whether it stood at one before."""
    if op is _c.AT:
        return True if av in _STARTS else edge
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):  # no time (when it may be), or a last time that ends at an edge
        last = _after(_c.SUBPATTERN, (None, 0, 0, av[2]), False)
        return last and (edge or av[0] >= 1)
    if op is _c.ASSERT_NOT:
        return edge or (av[0] < 0 and list(av[1]) == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])])  # (?<!\w)
    if op is _c.ASSERT:
        return edge
    if op is _c.SUBPATTERN:
        for sub_op, sub_av in av[-1]:
            edge = _after(sub_op, sub_av, edge)
        return edge
    if op is _c.BRANCH:
        return all(_after(_c.SUBPATTERN, (None, 0, 0, branch), edge) for branch in av[1])
    return _no_word_char(op, av)


def _no_word_char(op, av) -> bool:
    """An item that matches one character of no word: a space, a mark, ``\\W``, ``\\s``, a class of those."""
    if op is _c.LITERAL:
        return not (chr(av).isalnum() or chr(av) == "_")
    if op is _c.IN:
        return all(o is _c.LITERAL and not (chr(a).isalnum() or chr(a) == "_")
                   or o is _c.CATEGORY and a in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_SPACE) for o, a in av)
    return False


def required_kind(pattern: str) -> str | None:
    """``"digit"`` when every match of ``pattern`` holds a digit, ``"non-ascii"`` when a character beyond ASCII, else
    None: a text without one is passed over by a rule that no literal wakes (a phone number, a row of check marks)."""
    if _parser is None:
        return None
    try:
        return _kind_of(_parser.parse(pattern, re.IGNORECASE))
    except (AttributeError, TypeError, ValueError):  # a parser whose shape changed: the rule runs on every field
        return None


def _kind_of(items) -> str | None:
    return next((kind for op, av in items if (kind := _item_kind(op, av)) is not None), None)


def _item_kind(op, av) -> str | None:
    if op is _c.LITERAL:
        return "non-ascii" if av > 127 else None
    if op is _c.IN:
        if all(o is _c.CATEGORY and a is _c.CATEGORY_DIGIT or o is _c.RANGE and chr(a[0]).isdigit() and chr(a[1]).isdigit()
               for o, a in av):
            return "digit"
        return "non-ascii" if all(o is _c.LITERAL and a > 127 for o, a in av) else None
    if op is _c.SUBPATTERN:
        return _kind_of(av[-1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
        return _kind_of(av[2])
    if op is _c.BRANCH:
        kinds = {_kind_of(b) for b in av[1]}
        return kinds.pop() if len(kinds) == 1 else None
    return None
