"""Text turned upside down ("ʞɔnɟ", "ʇᴉɥs") or mirrored ("ɘvoɿqqɒ"), read upright.

Upside-down generators write each letter rotated half a turn (a turned "a", an open "o" for "c") and the word
backwards, so that it reads right on a turned screen. Unicode names most of those letters TURNED; folding would read
some as other letters ("ɯ" as "w", "ɾ" as "r"), so a word that holds one is read upright first: backwards, each
letter turned back, and the letters that are each other's turn ("n" and "u", "p" and "d", "b" and "q") swapped; words
in a row are read in the turned order ("qoɾ ʍolq" is "blow job").

Mirror generators do the same with a letter's mirror image ("ɘ", "ɿ", "ɒ") and swap "b" and "d", "p" and "q": a run of
words that holds a letter only a mirror writes is read back first ("ɘvoɿqqɒ bnɒ" is "and approve").
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
# a mirrored letter and its reading: letters only a mirror writes ("ɘ", "ɿ"), and those read so in a mirrored word
# only ("ɔ" is a turned "c" too, "ǫ" a Navajo letter); not Cyrillic "я", "и", which Russian writes
_MIRROR_ONLY = dict(zip("ɒɘɿꙅꙄƚᴎꟻᴙꞁƹ", "aersstnfrjz"))
_MIRRORED = _MIRROR_ONLY | dict(zip("ɔǫʜʞƆγ", "cghkCy"))
_UNMIRRORED = str.maketrans(_MIRRORED | dict(zip("bdpq", "dbqp")))
# a word that holds one of those, or a mirrored "g" or "h" beside a turned letter ("ǫniʞɔil"; "ʜ" alone is a small capital)
_MIRROR_WORD = "(?:[^\\s]*[" + "".join(_MIRROR_ONLY) + "]|(?=[^\\s]*[ǫʜ])(?=[^\\s]*[ʞɔ]))[^\\s]*"
# a word that reads the same in a mirror, or with letters that mirror text shares ("ʞ ɔ u ꟻ", "ǫnob ɘlduob")
_MIRROR_SAME = "[bdpqilmnouvwxyAHIMOTUVWXY0-9'ʞɔǫʜ-]+(?!\\S)"
_RUN_MIRRORED = re.compile(f"(?<!\\S)(?:{_MIRROR_SAME}\\s+){{0,3}}{_MIRROR_WORD}(?:\\s+(?:{_MIRROR_WORD}|{_MIRROR_SAME}))*")
_MIRROR_HINTS = frozenset(_MIRROR_ONLY) | frozenset("ǫʜ")
_ANY_TURNED = frozenset(_TURNED) | frozenset(_MIRROR_ONLY)


def may_be_rotated(text: str) -> bool:
    """Whether ``text`` holds a letter that only upside-down or mirrored text writes (most texts hold none)."""
    return not _ANY_TURNED.isdisjoint(text)


def upright(text: str) -> str:
    """``text`` with each run of words that hold a mirrored letter read back, then each run that holds a turned letter
    read upright: backwards, letter by letter (the same length, so that a run keeps its place)."""
    if not _MIRROR_HINTS.isdisjoint(text):
        text = _RUN_MIRRORED.sub(lambda m: m.group()[::-1].translate(_UNMIRRORED), text)
    return _RUN_TURNED.sub(lambda m: m.group()[::-1].translate(_UPRIGHT), text)
