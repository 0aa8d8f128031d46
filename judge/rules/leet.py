"""Leetspeak: the tables that read digits and symbols as letters, and the readings of a token that leet or doubled
letters may hide (:attr:`judge.rules.normalize.Token.forms`)."""

from __future__ import annotations

import re
from functools import lru_cache

LEET = str.maketrans(
    {
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b",
        "9": "g", "@": "a", "$": "s", "!": "i", "+": "t", "|": "l", "€": "e", "£": "l",
    }
)
LEET_ALT = str.maketrans({"1": "l", "|": "i", "!": "l"})
_ONE_AS_L = str.maketrans({"1": "l"})

_DIGRAPH_B = re.compile(r"[l|1i]3(?=[a-z0-9@$!+|])")


def all_leet(text: str) -> bool:
    """Symbols and digits that spell a word of three letters or more, with a symbol among them ("@$$", "@55"; not
    "7177", which may be a number, nor "$1"), or five digits or more ("80085", "7177135"); one letter may be masked
    ("$*!+")."""
    if len(text) < 3 or len(text) < 5 and not any(c in "@$!+|€£" for c in text):
        return False
    folded = text.translate(LEET)
    return folded.isalpha() or folded.count("*") == 1 and folded.replace("*", "").isalpha()


@lru_cache(maxsize=65536)
def forms(text: str) -> tuple[str, ...]:
    """The token as written, leet-folded, other readings of it, and (last: what fuzzy matching reads) the folded
    form with "1", "|", "!" read the other way; a word with every character, or every vowel, doubled, as written and
    read once. A leet word that ends in "!" is read with it as a letter and without it ("n4z!", "sh1t!"), fuzzy
    matching reading it without."""
    if len(text) > 2 and text[-1] == "!" and text[-2] != "!":
        bare = _forms(text[:-1])
        return (*dict.fromkeys((*_forms(text)[:-1], *bare[:-1])), bare[-1])
    return _forms(text)


def _forms(text: str) -> tuple[str, ...]:
    if text.isalpha():
        reading = _halved(text) or _vowels_halved(text)
        return (text, reading) if reading else (text,)
    has_alpha = any(c.isalpha() for c in text)
    if not (has_alpha or all_leet(text)):
        return (text,)
    folded = text.translate(LEET)
    alt = text.translate(LEET_ALT).translate(LEET)
    readings = []
    if len(text) >= 5 and text.endswith("8") and has_alpha:  # "masterb8" (not "V8")
        readings.append((text[:-1] + "ate").translate(LEET))
    if has_alpha and _DIGRAPH_B.search(text):  # "l3itch", "|3itch": two strokes drawn as a "b"
        readings.append(_DIGRAPH_B.sub("b", text).translate(LEET))
    halved = _halved(text) if has_alpha else None  # "ff00cckk": leet, every character doubled
    if halved:
        readings += [halved.translate(LEET), halved.translate(LEET_ALT).translate(LEET)]
    if _INTERLEAVED.fullmatch(text):  # "f*u*c*k", "s+h+i+t": one symbol between every two letters separates them
        readings.append(re.sub(r"[*+|]", "", text).translate(LEET))
    if "1" in text and ("!" in text or "|" in text):  # "4551!ck": "1" an "l" beside "!" an "i"
        readings.append(text.translate(_ONE_AS_L).translate(LEET))
    if text[0] == "@" and text[1:].isalpha() and len(text) >= 4:  # "@shithead": a handle, as well as a leet "a"
        readings.append(text[1:])
    out = [f for f in dict.fromkeys([text, folded, *readings]) if f != alt]
    return (*out, alt)


_RUN = re.compile(r"(.)\1*")
_INTERLEAVED = re.compile(r"[a-z0-9@$]([*+|])[a-z0-9@$](?:\1[a-z0-9@$])+")


def _halved(text: str) -> str | None:
    """A word with every letter written twice ("ffuucckk", "ff0cckk") read once: no word is spelled so. Symbols and
    digits are halved when doubled too ("ff00cckk"), and kept when single."""
    if len(text) < 6:
        return None
    runs = [m.group() for m in _RUN.finditer(text)]
    if any(len(r) % 2 and r[0].isalpha() for r in runs) or not any(r[0].isalpha() for r in runs):
        return None
    return "".join(r if len(r) % 2 else r[: len(r) // 2] for r in runs)


VOWEL_RUN = re.compile(r"[aeiou]+")


def _vowels_halved(text: str) -> str | None:
    """A word with every vowel written twice ("aassbaag", "fuuckeer") read with each once. English doubles "oo" and
    "ee" ("cookbook", "teepee"): a word whose doubled vowels are only those is left as it is, as is one with a single
    vowel doubled, which names do ("Jaap", "Raab"; Dutch "vaag": a stretched letter is read elsewhere)."""
    runs = VOWEL_RUN.findall(text)
    if len(runs) < 2 or any(len(r) % 2 or r[::2] != r[1::2] for r in runs) or all(r in ("oo", "ee") for r in runs):
        return None
    return VOWEL_RUN.sub(lambda m: m.group()[::2], text)
