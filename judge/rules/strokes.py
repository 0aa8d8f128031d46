"""Letters drawn with several strokes, as leetspeak writes them ("|\\|igger", "c()ck", "|<ike", "\\/\\/hore"), read
as the letters they draw before a text is tokenized (the "Leet" article of Wikipedia tabulates them). A stroke that
touches no letter or digit is punctuation ("salt / pepper", "A|B", "Buy 2 | get 1") and stays as it is. So is an
opening parenthesis, but inside a word that it does not open a parenthesis in, where it is a "c" ("fu(k", "d!(k"; not
"Egg(s)"), or opening a word when no parenthesis closes after it ("(un+").
"""

from __future__ import annotations

import re

_STROKES = {"|\\/|": "m", "/\\/\\": "m", "\\/\\/": "w", "|\\|": "n", "/\\/": "n", "|-|": "h", "]-[": "h", "|_|": "u",
            "|<": "k", "|{": "k", "|)": "d", "|_": "l", "\\/": "v", "/\\": "a", "()": "o"}
_WORDISH = "a-z0-9@$!+|*€£#"  # a letter, a digit, or a leet symbol or mask that stands for one
_C_STROKE = re.compile(rf"(?<=[{_WORDISH}])\((?=[{_WORDISH}])(?![^\s)]*\))"  # inside a word it opens nothing in
                       rf"|(?<![^\s])\((?=[{_WORDISH}]{{2}})(?=[{_WORDISH}]*[a-z])(?![^)]*\))")  # opening one, unclosed
_STROKED = re.compile("(?:" + "|".join(map(re.escape, sorted(_STROKES, key=len, reverse=True))) + ")")


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
    c_at = {s for s, _, _ in cs}

    def touches_letter(i: int) -> bool:  # a letter, a digit, or a "(" read as a "c" ("fu(|<")
        return text[i].isalnum() or i in c_at

    drawn_runs = [r for r in runs if r[0].start() > 0 and touches_letter(r[0].start() - 1)
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
