"""Text normalization shared by every text check.

``normalize(text)`` returns a :class:`NormalizedText` that keeps the original string for display and, for every
normalized character, the index of the original character it came from, so a finding can point at the offending span
of what the user actually wrote.

First, HTML's character references read as a browser shows them (:mod:`judge.rules.charrefs`). Steps, per character:
drop format controls (zero-width, bidi, soft hyphen) and variation selectors, Unicode NFKC (fullwidth forms),
casefold, strip combining accents, fold confusable homoglyphs (Cyrillic/Greek look-alikes, from Unicode's
confusables.txt via ``confusable-homoglyphs``) to ASCII, and read a Latin letter that is still styled by its Unicode
name (small capitals, squared letters, regional indicators, "ƒ", "ø"). Then, over the text: letters drawn in strokes
read as letters ("|\\|", "()": :mod:`judge.rules.strokes`), whitespace as spaces, and a symbol standing for a letter
("f#ck", "$#!t") as the mask "*".

Tokenization then yields word tokens with three extra views used by the term matcher: a leetspeak-folded form
(``sh1t`` -> ``shit``, only for tokens that mix letters with digits or symbols), a repeated-letter-collapsed form, and
joined runs of single characters (``s.h.i.t`` / ``s h i t`` -> ``shit``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from judge.rules.charrefs import dereferenced, may_hold_references
from judge.rules.leet import LEET, all_leet, forms
from judge.rules.rotated import may_be_rotated, upright
from judge.rules.strokes import may_hold_strokes, strokes_read

MASK = "*"
_STROKE_TAIL = frozenset("|\\/<{)]-_")  # what follows a stroke drawing's first character ("|<", "|)", "\\/")
# Lowercase look-alikes that Unicode's confusables table leaves out because they are
# only near-identical (small capitals), but that obfuscators use all the same.
NEAR_HOMOGLYPHS = {
    "в": "b", "к": "k", "м": "m", "н": "h", "т": "t", "ь": "b", "п": "n", "г": "r",
    "β": "b", "ε": "e", "κ": "k", "τ": "t", "χ": "x", "η": "n", "μ": "u", "ω": "w",
}
_REPEAT = re.compile(r"(.)\1+")
_SEPARATORS = frozenset(" .-_·•/\\'\"`~^,:;")


@lru_cache(maxsize=1)
def _confusable_map() -> dict[str, str]:
    """Map non-ASCII look-alikes to a single lowercase ASCII letter or digit."""
    data = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_bytes())
    table: dict[str, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in glyphs:
            target = glyph["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[char] = target.lower()
                break
    table.update(NEAR_HOMOGLYPHS)
    return table


class Token(NamedTuple):
    """A word in normalized coordinates: ``text[start:end]`` of the normalized string."""

    text: str
    start: int
    end: int
    obfuscated: bool = False  # leet symbols, digits among letters, masks, homoglyphs or joined
    joined: bool = False  # built from a run of single characters ("s.h.i.t")

    @property
    def forms(self) -> tuple[str, ...]:
        """Spellings to look up: as written, leet-folded (and its ambiguous twin)."""
        return forms(self.text)

    @property
    def masked(self) -> bool:
        return MASK in self.text


def collapse_repeats(text: str) -> str:
    """``shiiit`` -> ``shit``; used as a second look-up key for repeated letters."""
    return _REPEAT.sub(r"\1", text)


class NormalizedText:
    """Normalized text plus, per normalized character, its index in the original."""

    __slots__ = ("original", "text", "offsets", "homoglyphs", "_tokens")

    def __init__(self, original: str, text: str, offsets: Sequence[int], homoglyphs: frozenset[int] = frozenset()) -> None:
        self.original = original
        self.text = text
        self.offsets = offsets
        self.homoglyphs = homoglyphs  # normalized indices folded from another script, a styled letter or strokes
        self._tokens: list[Token] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized ``[start, end)`` span back to the original string."""
        if not self.offsets or end <= start:
            return (0, 0)
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1
        # extend over combining marks that folding dropped, and over the rest of a letter drawn in strokes ("|<")
        while o_end < len(self.original) and unicodedata.combining(self.original[o_end]):
            o_end += 1
        if end - 1 in self.homoglyphs:
            while o_end < len(self.original) and self.original[o_end] in _STROKE_TAIL:
                o_end += 1
        return (o_start, o_end)

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = _tokenize(self)
        return self._tokens


def _is_dropped(ch: str) -> bool:
    # Cf = format controls: zero-width space/joiners, bidi overrides, BOM, soft hyphen; and variation selectors
    # ("🅾️" is "🅾" drawn as an emoji)
    return unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


_SPACES = str.maketrans("\t\n\r\f\v", "     ")
# a symbol standing for a letter: "f#ck", "sh%t", "c0#k", "fu©k" (a sign that reads as a letter: ©, ®, ¢); a "#" at a
# word's edge too, which a phrase may read as a letter ("blo# job", "alaskan #ipeline"), a hashtag alone being no word
_MASK_CHAR = re.compile(r"[#%?^~•·©®¢]")  # a fast first look
_MASK_SYMBOL = re.compile(r"(?<=[a-z])[#%?^~•·©®¢](?=[a-z0-9@$])|(?<=[a-z0-9@$])[#%?^~•·©®¢](?=[a-z])"
                          r"|(?<=[0-9@$!+|€£])#(?=[0-9@$!+|€£]*[a-z])"  # among leet symbols: "$#!t", "5#|t"
                          r"|(?<=[a-z])#(?=[!+|€£])"  # before one: "r@g#€@d"
                          r"|(?<![\w#])#(?=[@$!|€£])"  # opening a word of leet symbols: "#@rd"
                          r"|(?<![\w#])#(?=[a-z]{2})|(?<=[a-z]{2})#(?![\w#])")


def _finished(text: str) -> str:
    """Whitespace as spaces, and a symbol between letters that stands for one as the mask "*" (1:1 both)."""
    if not text.isprintable():
        text = text.translate(_SPACES)
    return _MASK_SYMBOL.sub(MASK, text) if _MASK_CHAR.search(text) else text


# a Latin letter by its Unicode name: small capitals ("ꜰᴜᴄᴋ"), squared and negative squared or circled letters
# ("🅵🆄🅲🅺"), regional indicators ("🇫🇺"), parenthesized ones, and letters with a hook, stroke or tail that no
# decomposition strips ("ƒ", "ø", "ł", "ɗ")
_LETTER_NAME = re.compile(r"\b(?:LATIN|REGIONAL INDICATOR SYMBOL)\b.*\bLETTER (?:SMALL CAPITAL )?([A-Z])(?: WITH .+)?$")


_STYLED = re.compile(r"\b(?:SMALL CAPITAL|MATHEMATICAL|FULLWIDTH|SQUARED|CIRCLED|PARENTHESIZED|REGIONAL INDICATOR)\b")


@lru_cache(maxsize=4096)
def _styled(ch: str) -> bool:
    """A letter drawn in a style that no language writes words in ("ᴅ", "𝐝", "ｄ", "🅳"); not "é", "ø" or "ß"."""
    return _STYLED.search(unicodedata.name(ch, "")) is not None


def _named_letter(ch: str) -> str | None:
    m = _LETTER_NAME.search(unicodedata.name(ch, ""))
    return m.group(1).lower() if m else None


@lru_cache(maxsize=131072)
def _fold_char(ch: str) -> str:
    folded = _fold_compat(ch)
    if folded.isascii() and len(folded) <= 1:  # an ASCII character, or nothing (a combining mark)
        return folded
    return _named_letter(ch) or folded


def _fold_compat(ch: str) -> str:
    out = []
    cmap = _confusable_map()
    compat = "".join(cmap.get(c, c) for c in unicodedata.normalize("NFKC", ch))
    for c in compat.casefold():
        for d in unicodedata.normalize("NFD", c):
            if unicodedata.combining(d):
                continue
            out.append(d)
    folded = "".join(out)
    if not folded.isascii():
        folded = "".join(cmap.get(c, c) for c in folded)
    return folded


@lru_cache(maxsize=32768)
def normalize(text: str) -> NormalizedText:
    """``text`` normalized (memoized: keywords and themes repeat across candidates, and a NormalizedText is read-only,
    its tokens computed once)."""
    refs = may_hold_references(text)
    if not refs and text.isascii():  # the common case: one C call, identity offsets
        lower = text.lower()
        stroked = strokes_read(lower) if may_hold_strokes(lower) else None
        if stroked:
            read, offsets, drawn = stroked
            return NormalizedText(text, _finished(read), tuple(offsets), frozenset(drawn))
        return NormalizedText(text, _finished(lower), range(len(text)))
    source, at, referenced = dereferenced(text) if refs else (text, range(len(text)), frozenset())
    chars: list[str] = []
    offsets: list[int] = []
    homoglyphs: set[int] = set()
    turned = upright(source) if may_be_rotated(source) else source  # "ʞɔnɟ" read "fuck", in its place
    for i, ch in enumerate(turned):
        if ch.isascii() and turned is source and i not in referenced:
            chars.append(ch.lower())
            offsets.append(at[i])
            continue
        if _is_dropped(ch):
            continue
        folded = _fold_char(ch)
        # a non-Latin letter that folds to ASCII is a homoglyph (Cyrillic "а"), a styled one or a reference ("&#105;") too
        mark = folded.isascii() and folded.isalpha() and (script_of(ch) not in ("LATIN", "COMMON") or _styled(ch)
                                                          or ch != source[i] or i in referenced and ch.isascii())
        for c in folded:
            if mark:
                homoglyphs.add(len(chars))
            chars.append(c)
            offsets.append(at[i])
    folded = "".join(chars)
    stroked = strokes_read(folded) if may_hold_strokes(folded) else None
    if stroked:  # "|\\|igger 🍗": strokes beside other scripts' letters
        folded, at, drawn = stroked
        homoglyphs = {j for j, i in enumerate(at) if i in homoglyphs} | drawn
        offsets = [offsets[i] for i in at]
    return NormalizedText(text, _finished(folded), tuple(offsets), frozenset(homoglyphs))


_WORD = re.compile(r"[\w@$!*+|€£]+")
_MASK_INSIDE = re.compile(r"[a-z]\*+[a-z]|^[a-z]{1,2}\*{2,4}!*$")  # a masked word ("*ssh*l*"; "f***": masked but its initial)


def _raw_tokens(nt: NormalizedText) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    marks = nt.homoglyphs
    text = nt.text.replace("_", " ") if "_" in nt.text else nt.text  # "_" separates, 1:1
    for m in _WORD.finditer(text):
        word = m.group()
        s, e = m.span()
        if word.isalpha():  # the common case
            append(Token(word, s, e, bool(marks) and any(k in marks for k in range(s, e))))
            continue
        if not word.isalnum():
            if len(word) == 1 and 0 < s and e < len(text) and text[s - 1] in _SEPARATORS and text[e] in _SEPARATORS:
                append(Token(word, s, e, True))  # one symbol spelled among single letters: "s.h.!.t"
                continue
            # sentence punctuation is not obfuscation: trim "!" and "*" at the ends, keep "@ss" (and the masks at
            # the ends of a masked word: "f*ckf*c*")
            masked = _MASK_INSIDE.search(word) is not None or _hash_at_edge(nt, word, s, e)
            stripped = word.rstrip("!") if masked else word.rstrip("!*")
            lead = len(stripped) - len(stripped.lstrip("!+|" if masked else "!*+|"))
            if lead and _leet_lead(stripped, lead):  # "+w4+", "!nc35+": the leet word's first letter
                lead = 0
            if stripped != word and _LEET_WORD.fullmatch(stripped) and not word.endswith("!!"):
                stripped += "!"  # "n4z!": a leet word's "!" may be its last letter (read both ways: "sh1t!")
            e = s + len(stripped)
            s += lead
            word = stripped[lead:]
            if not word:
                continue
        obf = not word.isalpha() and not word.isdigit() and (any(c.isalpha() for c in word) or all_leet(word))
        if marks and not obf:
            obf = any(k in marks for k in range(s, e))
        append(Token(word, s, e, obf))
    return tokens


_LEET_WORD = re.compile(r"(?=.*[a-z])(?=.*[0-9])[a-z0-9@$+|]+")  # letters with a digit among them


def _hash_at_edge(nt: NormalizedText, word: str, s: int, e: int) -> bool:
    """Whether a mask at ``word``'s edge was written "#" beside its letters, which is a letter ("b!t(#", "#@rd"), not
    punctuation (a footnote's "*")."""
    o = nt.original
    if word[0] == MASK and o[nt.offsets[s]] == "#" and not o[nt.offsets[s] + 1 : nt.offsets[s] + 2].isalpha():
        return True  # "#@rd": not a hashtag ("#hits")
    return word[-1] == MASK and o[nt.offsets[e - 1]] == "#"


def _leet_lead(word: str, lead: int) -> bool:
    """Whether the symbols that open ``word`` are its first letters in leet: the rest is leet too ("+w4+", "!nc35+"),
    not a word after punctuation ("!sale")."""
    rest = word[lead:].rstrip("!+|*")
    return len(word) >= 3 and bool(rest) and not rest.isalpha() and word.translate(LEET).isalpha()


_SPELLED_SPACE = re.compile(r"[^\s-]\s+[^\s-]")  # "f.a.g. .h.a.g": a space spelled between two separators


def _join_single_chars(nt: NormalizedText, tokens: list[Token]) -> list[Token]:
    """Join runs of >= 3 single-character tokens separated only by separators. A spelled hyphen or space ends a
    word and the run goes on: "s.h.i.t.-.h.e.e.l" is "shit", "heel" and "shitheel"; "f.a.g. .h.a.g" "fag" too."""
    joined: list[Token] = []
    words: list[list[Token]] = [[]]  # the run, split at spelled hyphens

    def emit(part: list[Token]) -> None:
        if len(part) >= 4 and part[-1].text == "s" and "'" in nt.text[part[-2].end : part[-1].start]:
            emit(part[:-1])  # "C.O.O.T's": a possessive, read without it too
        if len(part) >= 3:
            joined.append(Token("".join(t.text for t in part), part[0].start, part[-1].end, obfuscated=True, joined=True))

    def flush() -> None:
        for part in words if len(words) > 1 else ():
            emit(part)
        emit([t for part in words for t in part])
        words[:] = [[]]

    for tok in tokens:
        if len(tok.text) == 1 or len(tok.text) <= 4 and tok.text.isalpha() and len(set(tok.text)) == 1:  # "f u ccc k"
            last = next((part[-1] for part in reversed(words) if part), None)
            if last is not None:
                gap = nt.text[last.end : tok.start]
                if len(gap) > 3 or any(c not in _SEPARATORS and not _is_symbol(c) for c in gap):
                    flush()
                elif "-" in gap and len(gap) > 1 or _SPELLED_SPACE.fullmatch(gap):
                    words.append([])
            words[-1].append(tok)
        else:
            flush()
    flush()
    return joined


@lru_cache(maxsize=1024)
def _is_symbol(ch: str) -> bool:
    """An emoji or other symbol, which separates single letters as a dot does ("f🍑u🍑c🍑k")."""
    return not ch.isascii() and unicodedata.category(ch) in ("So", "Sk", "Sm")


def _tokenize(nt: NormalizedText) -> list[Token]:
    tokens = _raw_tokens(nt)
    if sum(1 for t in tokens if len(t.text) == 1) < 3:
        return tokens
    return tokens + _join_single_chars(nt, tokens)


def word_tokens(nt: NormalizedText) -> list[Token]:
    """Ordinary word tokens only (no joined runs), in text order."""
    return [t for t in nt.tokens if not t.joined]


SCRIPT_OF_CACHE: dict[str, str] = {}


def script_of(ch: str) -> str:
    """Unicode script alias of a character (LATIN, CYRILLIC, GREEK, COMMON, ...)."""
    s = SCRIPT_OF_CACHE.get(ch)
    if s is None:
        from confusable_homoglyphs import categories

        try:
            s = categories.alias(ch)
        except Exception:  # unassigned code points
            s = "UNKNOWN"
        SCRIPT_OF_CACHE[ch] = s
    return s
