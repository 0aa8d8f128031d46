"""HTML's character references read as the characters a browser shows: a storefront's page renders "Sh&#105;t" as
"Sh" + "i" + "t", so the checks read what the shopper sees (:func:`judge.rules.normalize.normalize` reads them first,
and counts an ASCII letter written so as a disguise)."""

from __future__ import annotations

import html
import re

# HTML's character references, as a storefront's page shows them: numeric ("&#105;", "&#x69;") and named with their
# semicolon ("&amp;", "&shy;"; "AT&T" holds none)
_CHAR_REF = re.compile(r"&#[0-9]{1,7};?|&#[xX][0-9A-Fa-f]{1,6};?|&[A-Za-z][A-Za-z0-9]{1,31};")


def may_hold_references(text: str) -> bool:
    return "&" in text and _CHAR_REF.search(text) is not None


def dereferenced(text: str) -> tuple[str, list[int], frozenset[int]]:
    """``text`` with its character references read, each character's index in ``text``, and the indexes of the
    characters that a reference wrote (an unknown name stays as written)."""
    out: list[str] = []
    at: list[int] = []
    referenced: set[int] = set()
    pos = 0
    for m in _CHAR_REF.finditer(text):
        out += text[pos : m.start()]
        at += range(pos, m.start())
        read = html.unescape(m.group())
        if read == m.group():
            out += read
            at += range(m.start(), m.end())
        else:
            referenced.update(range(len(out), len(out) + len(read)))
            out += read
            at += [m.start()] * len(read)
        pos = m.end()
    out += text[pos:]
    at += range(pos, len(text))
    return "".join(out), at, frozenset(referenced)
