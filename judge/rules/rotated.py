"""Text turned upside down ("ʞɔnɟ", "ʇᴉɥs"), read upright.

Upside-down generators write each letter rotated half a turn (a turned "a", an open "o" for "c") and the word
backwards, so that it reads right on a turned screen. Unicode names most of those letters TURNED; folding would read
some as other letters ("ɯ" as "w", "ɾ" as "r"), so a word that holds one is read upright first: backwards, each
letter turned back, and the letters that are each other's turn ("n" and "u", "p" and "d", "b" and "q") swapped; words
in a row are read in the turned order ("qoɾ ʍolq" is "blow job").
"""

from __future__ import annotations

import re

# a rotated letter and its upright reading: letters that only a rotation writes (not Turkish "ı", Greek "Λ")
_TURNED = dict(zip("ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ∀ƆƎℲ⅁ſ˥ԀꞀ⊥∩⅄", "acefghijkmrtvwyacefgjlpltuy"))
_SWAPPED = dict(zip("nudpbqmw", "unpdqbwm"))
_UPRIGHT = str.maketrans(_TURNED | _SWAPPED)
_WORD = "[^\\s]*[" + "".join(_TURNED) + "][^\\s]*"  # a word that holds a turned letter
_SAME = "[bdlnopqsuxz0-9'-]+(?!\\S)"  # one that reads as letters either way up ("n", "dn", "1")
# such words in a row, with those between and around them: "qoɾ ʍolq" is "blow job", "ʞ ɔ n ɟ" is "f u c k" upright
# (a few before the first: a long run of them before no turned word would be tried again from each of its words)
_RUN_TURNED = re.compile(f"(?<!\\S)(?:{_SAME}\\s+){{0,3}}{_WORD}(?:\\s+(?:{_WORD}|{_SAME}))*")
_ANY_TURNED = frozenset(_TURNED)


def may_be_rotated(text: str) -> bool:
    """Whether ``text`` holds a letter that only upside-down text writes (most texts hold none)."""
    return not _ANY_TURNED.isdisjoint(text)


def upright(text: str) -> str:
    """``text`` with each run of words that hold a turned letter read upright: backwards, letter by letter (the same
    length, so that a run keeps its place)."""
    return _RUN_TURNED.sub(lambda m: m.group()[::-1].translate(_UPRIGHT), text)
