"""Letters drawn with several strokes, as leetspeak writes them ("|\\|igger", "c()ck", "|<ike", "\\/\\/hore"), read
as the letters they draw before a text is tokenized (the "Leet" article of Wikipedia tabulates them). A stroke that
touches no letter or digit is punctuation ("salt / pepper", "A|B", "Buy 2 | get 1") and stays as it is. So is an
opening parenthesis, but inside a word that it does not open a parenthesis in, where it is a "c" ("fu(k", "d!(k"; not
"Egg(s)"), or opening a word when no parenthesis closes after it ("(un+"). A word drawn in symbols throughout, written
together or one piece at a time ("(()(|<", "(#|n|<", "f u ( |<"), is read whole: its every "(" a "c" and "#" an "h".
"""

from __future__ import annotations

import re

_STROKES = {"|\\/|": "m", "/\\/\\": "m", "\\/\\/": "w", "|\\|": "n", "/\\/": "n", "|-|": "h", "]-[": "h", "|_|": "u",
            "|<": "k", "|{": "k", "|)": "d", "|_": "l", "\\/": "v", "/\\": "a", "()": "o"}
_WORDISH = "a-z0-9@$!+|*€£#"  # a letter, a digit, or a leet symbol or mask that stands for one
_C_STROKE = re.compile(rf"(?<=[{_WORDISH}])\((?=[{_WORDISH}])(?![^\s)]*\))"  # inside a word it opens nothing in
                       rf"|(?<![^\s])\((?=[{_WORDISH}]{{2}})(?=[{_WORDISH}]*[a-z])(?![^)]*\))")  # opening one, unclosed
_SYMBOL_LETTERS = {"(": "c", "#": "h"}  # in a word drawn in symbols
_STROKE_ALTERNATIVES = "|".join(map(re.escape, sorted(_STROKES, key=len, reverse=True)))
_STROKED = re.compile(f"(?:{_STROKE_ALTERNATIVES})")
# a word of three pieces or more, each a letter, a stroke drawing, a "(" read as a "c" or a leet symbol ("(()(|<",
# "(#|n|<", "$p@("), written together or one by one
_PIECE = rf"(?:{_STROKE_ALTERNATIVES}|\(|[a-z0-9@$!+|€£#*])"
_SYMBOL_WORD = re.compile(rf"(?<!\S){_PIECE}{{3,}}(?=[.,;:?\"']*(?:\s|$))"
                          rf"|(?<!\S){_PIECE}(?:[ ._-]{_PIECE}){{2,}}(?!\S)")  # spelled out: "f u ( |<", "$_#_|_t"


def may_hold_strokes(text: str) -> bool:
    """A fast first look: most texts hold no stroke at all."""
    return "|" in text or "\\" in text or "(" in text


def strokes_read(text: str) -> tuple[str, list[int], set[int]] | None:
    """``text`` with its letters drawn in strokes read as letters, each kept at its first stroke's offset, and the
    letters so read (a disguise, as a homoglyph is); None when it holds none in a word. A run of such letters
    ("|)()") is read when a letter or digit touches it."""
    runs: list[list[re.Match[str]]] = []
    for m in _STROKED.finditer(text):
        if runs and runs[-1][-1].end() == m.start():
            runs[-1].append(m)
        else:
            runs.append([m])
    cs = [(m.start(), m.end(), "c") for m in _C_STROKE.finditer(text)]
    words = [m.span() for m in _SYMBOL_WORD.finditer(text) if _drawn_in_symbols(m.group())] \
        if _may_hold_symbol_words(text) else []
    c_at = {s for s, _, _ in cs}
    if words:
        cs += _symbol_letters(text, words, runs, c_at)

    def touches_letter(i: int) -> bool:  # a letter, a digit, or a "(" read as a "c" ("fu(|<")
        return text[i].isalnum() or i in c_at

    drawn_runs = [r for r in runs if any(s <= r[0].start() < e for s, e in words)
                  or r[0].start() > 0 and touches_letter(r[0].start() - 1)
                  or r[-1].end() < len(text) and touches_letter(r[-1].end())]
    strokes = [(m.start(), m.end(), _STROKES[m.group()]) for run in drawn_runs for m in run] + cs
    if not strokes:
        return None
    chars: list[str] = []
    offsets: list[int] = []
    drawn: set[int] = set()
    pos = 0
    for s, e, letter in sorted(strokes):
        chars += text[pos:s]
        offsets += range(pos, s)
        drawn.add(len(chars))
        chars.append(letter)
        offsets.append(s)
        pos = e
    chars += text[pos:]
    offsets += range(pos, len(text))
    return "".join(chars), offsets, drawn


def _may_hold_symbol_words(text: str) -> bool:
    """A fast first look: a parenthesis that closes, with no stroke or leet symbol in the text, is only one ("(12 oz)"),
    and a bar between spaces a separator ("Salsa | mild")."""
    return ("()" in text or "|" in text.replace(" | ", " ") or "\\" in text or text.count("(") != text.count(")")
            or any(c in text for c in "#@$€£!+"))


def _drawn_in_symbols(word: str) -> bool:
    """A word of pieces that holds a stroke drawing ("(()x"), or a "(", a letter and another symbol or digit ("$p@(",
    "€((#|"; not "Egg(" nor "(12")."""
    if _STROKED.search(word):
        return True
    return "(" in word and any(c.isalpha() for c in word) and any(not c.isalpha() and c != "(" for c in word)


def _symbol_letters(text: str, words: list[tuple[int, int]], runs: list[list[re.Match[str]]],
                    read: set[int]) -> list[tuple[int, int, str]]:
    """Each "(" of a word drawn in symbols that no stroke drawing holds and that is not ``read`` yet, read as a "c",
    and each "#" as an "h"."""
    in_strokes = read | {i for run in runs for m in run for i in range(m.start(), m.end())}
    return [(i, i + 1, _SYMBOL_LETTERS[text[i]]) for s, e in words for i in range(s, e)
            if text[i] in _SYMBOL_LETTERS and i not in in_strokes]
