"""Two words read as one: a word split by a space ("ky ke", "muthaf eckers", "c0 ck"), a compound written open
("knob eater"), words joined by hyphens ("mo-fo", "knob-face"), and a hyphen, dot or underscore standing for a letter
("f-ck", "sh.t").

A mixin of :class:`~judge.rules.lexicon.TermIndex`, as :class:`~judge.rules.spellings.SpellingMatching` is: it
reads the index's exact look-up, its morphology and how one token hits (``_single``), and returns (start, end,
term, how) of the block terms that no single token holds. Each pair of halves is judged once (memoized): most
pairs are two real words, which stay two.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

from judge.models import Severity
from judge.rules.inflection import singulars
from judge.rules.leet import LEET
from judge.rules.morphology import phonetic
from judge.rules.normalize import Token
from judge.rules.phrases import TRIPLE
from judge.rules.spellings import WordTables
from judge.rules.termlists import TermEntry

# a term split in two is a finding as the term is ("fa rt": review), but two real words are a review term only as
# they are ("red skin" potatoes are no "redskin")
_FLAGGED = (Severity.BLOCK, Severity.REVIEW)
# a word with one hyphen, dot or underscore inside, which may stand for a letter: "f-ck", "sh.t", "motherf_cker"
_SEPARATOR_MASK = re.compile(r"(?<![\w@$!*+|.-])[a-z]+[-._][a-z]+(?![\w@$*+|]|![\w@$!*+|]|[-.][a-z])")
_HYPHENATED = re.compile(r"[^\W_@$!+|*]*[^\W\d_][\w@$!+|*]*(?:-[\w@$!+|*]+)+")  # "mo-fo", "va-j-j", "m0-f0", "mo-*o"
# what may open or close a word without being part of it: quotes, brackets, sentence marks, a possessive
_OPENING = re.compile(r"^[\"'(\[{]+")
_CLOSING = re.compile(r"(?:'s|[\"')\]}.,;:?!])+$")
_JOINER = re.compile(r"[-/]")  # what joins two words into one part: "eater-flavored", "chips/knob"


def _ends(part: str) -> tuple[str, str, str, str]:
    """A space-separated part as the head of a pair (its end) and as its tail (its start), each as written and as a
    half (see ``_half``): '"knob eater" chips', "super-knob eater": a quote or a hyphen opens the head; "knob
    eater's", "rim job!", "knob eater-flavored": the tail ends before them."""
    if part.isalpha():
        half = _half(part)
        return part, half, part, half
    head, tail = _OPENING.sub("", _JOINER.split(part)[-1]), _CLOSING.sub("", _JOINER.split(part)[0])
    return head, _half(head), tail, _half(tail)


MAX_RUN_PIECES = 6  # a term spans no more hyphen-joined pieces than this inside a longer chain


def _pieces(word: str) -> list[tuple[int, int]]:
    """Where each run of two or more hyphen-joined pieces of ``word`` starts and ends, the whole word first: a term
    may be one run of a longer chain ("knob-face-flavored"). A shorter run holds no one-letter piece: "pick-a" of
    "Pick-A-Size" is two words, not "picka"; and at most ``MAX_RUN_PIECES`` pieces, so that a chain of a thousand
    ("ab-ab-ab-...") costs what its length does, not its length cubed."""
    cuts = [-1, *(i for i, c in enumerate(word) if c == "-"), len(word)]
    whole = [(0, len(word))] if len(cuts) > 2 else []
    runs = whole + [(cuts[a] + 1, cuts[b]) for a in range(len(cuts) - 1)
                    for b in range(a + 2, min(a + MAX_RUN_PIECES, len(cuts) - 1) + 1)
                    if (a, b) != (0, len(cuts) - 1) and all(cuts[k + 1] - cuts[k] > 2 for k in range(a, b))]
    return sorted(runs, key=lambda r: r[0] - r[1])


_WORD, _COMMON, _OPEN = 1, 2, 4  # what a half is, as flags: a word, a common English word, an open compound's tail
_PLURAL_ENDING = 3  # the most letters that a plural's singular drops ("pansies": "pansy"; see inflection.singulars)


def _apart(head: str, head_kind: int, tail: str, tail_kind: int) -> bool:
    """Two words that stay two: one longer than four letters, or two common English words of four."""
    if not head_kind & tail_kind & _WORD:
        return False
    return max(len(head), len(tail)) > 4 or min(len(head), len(tail)) == 4 and bool(head_kind & tail_kind & _COMMON)


def _half(part: str) -> str:
    """A space-separated part as half of a split word: letters, leet read as letters ("c0 ck", "5h it"), or a lone
    letter that is no word of its own ("c um", "b bw"; not "a", "i"); else ""."""
    if part.isalpha():
        return part if len(part) >= 2 or part not in "ai" else ""
    folded = part.translate(LEET)
    return folded if folded.isalpha() and any(c.isalpha() for c in part) else ""


class SplitMatching(WordTables):
    """What :class:`~judge.rules.lexicon.TermIndex` reads across a space or a separator."""

    _inflection: Callable[[str], tuple[tuple[TermEntry, str, int], ...]]
    _masked_terms: Callable[[str], list[TermEntry]]
    _compound: Callable[[Token], tuple[tuple[TermEntry, str, int], ...]]
    _stretched_terms: Callable[[str], list[TermEntry]]

    @cached_property
    def _pair_memo(self) -> dict[tuple[str, str], tuple]:
        return {}  # two space-separated parts -> what they spell joined (see _split_pair): a run's word pairs repeat

    @cached_property
    def _side_memo(self) -> dict[str, tuple[str, int, str, int]]:
        return {}  # a space-separated part -> its halves as tail and head, and their kinds (see _sides)

    @cached_property
    def _hyphen_memo(self) -> dict[str, list[TermEntry]]:
        return {}  # a hyphenated word read joined, as a compound

    @cached_property
    def _mask_memo(self) -> dict[str, tuple[tuple[TermEntry, str], ...]]:
        return {}  # a word with a separator masked -> the terms it spells

    def _split_words(self, text: str) -> list[tuple[int, int, TermEntry, str]]:
        """Words split in two by a space, read joined, or an open compound: (start, end, term, how) of each pair
        that spells a block or review term."""
        if self.morphology is None or " " not in text:
            return []
        out = []
        memo = self._pair_memo
        parts = text.split(" ")
        sides = [self._sides(p) for p in parts]
        start = 0  # where the pair's first part starts
        pairs = zip(zip(parts, parts[1:]), sides, sides[1:])
        for (left, right), (_, _, head, head_kind), (tail, tail_kind, _, _) in pairs:
            if self._stay_apart(head, head_kind, tail, tail_kind):
                start += len(left) + 1
                continue  # most pairs: known from each part alone, no pair looked up
            found = memo.get((left, right))
            if found is None:
                if len(memo) > 500_000:
                    memo.clear()
                found = memo[left, right] = self._split_pair(left, right)
            if found:
                spelled, head, tail = found
                at = start + len(left) - head
                out += [(at, at + head + 1 + tail, e, how) for e, how in spelled]
            start += len(left) + 1
        return out

    def _sides(self, part: str) -> tuple[str, int, str, int]:
        """A part as the tail of a pair and as its head: each half (see ``_ends``) and its kind (see ``_kind``),
        memoized: a run's words repeat, its pairs much less."""
        found = self._side_memo.get(part)
        if found is None:
            if len(self._side_memo) > 500_000:
                self._side_memo.clear()
            _, head, _, tail = _ends(part)
            found = self._side_memo[part] = (tail, self._kind(tail), head, self._kind(head))
        return found

    def _kind(self, half: str) -> int:
        """What a half is, for a pair to stay apart (see ``_stay_apart``)."""
        m = self.morphology
        assert m is not None
        return ((_WORD if self._word_piece(half) else 0) | (_COMMON if half in m.common_words else 0)
                | (_OPEN if half in m.open_partners else 0))

    def _split_pair(self, left: str, right: str) -> tuple[tuple[tuple[TermEntry, str], ...], int, int] | tuple[()]:
        """What two space-separated parts spell read as one word, and the lengths of the head and tail that spell it
        (a part's opening or closing marks aside); () for most pairs, which ``_stay_apart`` passes over unread."""
        (_, head_half, *_), (*_, tail, tail_half) = ends = _ends(left), _ends(right)
        found = self._joined_halves(head_half, tail_half)
        return (found, len(ends[0][0]), len(tail)) if found else ()

    def _hyphenated(self, text: str) -> list[tuple[int, int, TermEntry, str]]:
        """Words joined by hyphens that spell a term joined ("mo-fo", "master-bate", "g0d-d@m"; exact terms, or a
        compound of pieces that hit nothing alone: "knob-face"), as a whole or as a run of a longer chain
        ("knob-face-flavored"); a closing "!" may be punctuation ("mo-fo!")."""
        out = []
        for m in _HYPHENATED.finditer(text) if "-" in text else ():
            word = m.group()
            for form in dict.fromkeys((word, word.rstrip("!") or word)):
                found = []
                for start, end in _pieces(form):
                    entries = self._hyphen_entries(form[start:end])
                    found += [(m.start() + start, m.start() + end, e, "hyphenated") for e in entries]
                    if entries and (start, end) == (0, len(form)):
                        break  # the whole word is the term
                if found:
                    out += found
                    break
        return out

    def _hyphen_entries(self, word: str) -> list[TermEntry]:
        joined = word.replace("-", "")
        folded = joined.translate(LEET)  # "g0d-d@m": digits are letters in pieces that hold letters ("A-55" is a code)
        spelled = folded.isalpha() and all(any(c.isalpha() for c in piece) for piece in word.split("-"))
        entries = [e for key in dict.fromkeys((joined, folded if spelled else joined)) for e in self._joined_entries(key)]
        pieces = word.translate(LEET).split("-")  # a compound of pieces that hit nothing alone: "knob-face"
        if not entries and spelled and all(len(p) >= 3 and p not in self.exact for p in pieces):
            entries = self._hyphen_compound(folded)
        return entries

    def _hyphen_compound(self, joined: str) -> list[TermEntry]:
        """The block terms of a hyphenated word read joined as a compound (memoized: product names repeat)."""
        found = self._hyphen_memo.get(joined)
        if found is None:
            if len(self._hyphen_memo) > 100_000:
                self._hyphen_memo.clear()
            found = self._hyphen_memo[joined] = [e for e, _, _ in self._compound(Token(joined, 0, len(joined)))]
        return found

    def _joined_entries(self, key: str) -> list[TermEntry]:
        """The terms that a word joined from hyphenated pieces spells: as it is, stretched ("god-dddam") or with one
        letter masked ("mo-*o")."""
        if "*" in key:
            return self._masked_terms(key) if key.count("*") == 1 and len(key) >= 4 else []
        return self.exact.get(key) or (self._stretched_terms(key) if TRIPLE.search(key) else [])

    @cached_property
    def _flagged_starts(self) -> tuple[frozenset[str], int]:
        """How block and review terms start, three letters or more of them, and the most letters that a word's reading
        as a plural or an inflected form drops from its end (see ``_starts_no_term``)."""
        assert self.morphology is not None
        starts = frozenset(k[:n] for k, entries in self.exact.items() if any(e.severity in _FLAGGED for e in entries)
                           for n in range(3, len(k) + 1))
        return starts, max(_PLURAL_ENDING, *map(len, self.morphology.affixes))

    def _starts_no_term(self, joined: str) -> bool:
        """Whether no flagged term, nor its plural or inflected form, is spelled by ``joined`` (as ``_joined_halves``
        reads a word beside a piece): such a term starts as the word does, but for the ending a reading drops."""
        starts, dropped = self._flagged_starts
        return joined[: max(3, len(joined) - dropped)] not in starts

    def _stay_apart(self, head: str, head_kind: int, tail: str, tail_kind: int) -> bool:
        """Two halves that ``_split_pair`` would leave apart without a look (see ``_joined_halves``): no half, two
        words that stay two (the tail no open compound's), or a word beside a piece that spells no flagged term."""
        if not head or not tail:
            return True
        if _apart(head, head_kind, tail, tail_kind):
            return not tail_kind & _OPEN
        return bool((head_kind | tail_kind) & _WORD) and self._starts_no_term(head + tail)

    def _separator_masks(self, text: str) -> list[tuple[int, int, TermEntry, str]]:
        """A hyphen, dot or underscore standing for one letter of a word ("f-ck", "sh.t", "b-tches"): (start, end,
        term) where the word with that letter masked spells a block term as listed. Nothing looser: a letter filled
        in makes compounds of real words ("multi-surface" would hold "tits")."""
        if self.morphology is None or "-" not in text and "." not in text and "_" not in text:
            return []
        out = []
        for word in _SEPARATOR_MASK.finditer(text):
            masked = re.sub(r"[-._]", "*", word.group())
            found = self._mask_memo.get(masked)
            if found is None:
                if len(self._mask_memo) > 100_000:
                    self._mask_memo.clear()
                found = self._mask_memo[masked] = tuple(
                    (e, "masked") for e in self._masked_terms(masked) if e.severity == Severity.BLOCK)
            out += [(word.start(), word.end(), e, how) for e, how in found]
        return out

    def _joined_halves(self, head: str, tail: str) -> tuple[tuple[TermEntry, str], ...]:
        """The block or review terms that two halves spell joined ("ky ke", "muthaf eckers", "sh it", "fa rt"), when
        neither hits alone. The more the halves look like words, the less the joined word may be:

        - two halves that are no words: any reading ("muthaf eckers");
        - a word and a piece of four letters or fewer: a term as listed, a plural or an inflection ("sh it"); a word
          and a longer piece: a term of nine letters or more as listed ("master bation");
        - a word and a piece of two letters: a term as listed, not its plural ("pack is" is no "packi" + "s");
        - two short words (four letters or fewer, not two common English words of four): a term as listed ("bol
          lock", "dil dos"; not "bean bags");
        - longer words side by side stay apart ("butter to", "cream pie"), but for an open compound ("knob eater").
        """
        words = [self._word_piece(h) for h in (head, tail)]
        joined = head + tail
        if self._words_apart(head, tail):
            return self._open_compound(head, tail)  # "bean bags" is two English words, whatever "beanbags" is
        if any(words):
            if self._starts_no_term(joined):
                return ()  # no term starts so: most pairs
            if len(head if words[1] else tail) > 4 and len(joined) < 9:
                return ()  # a word beside a longer non-word (a name), but for a long term as listed: "master bation"
            plural_ok = not (words[0] and len(tail) <= 2)
            listed = self.exact.get(joined) or ([e for s in singulars(joined) for e in self.exact.get(s, ())] if plural_ok else [])
            flagged = (Severity.BLOCK,) if all(words) else _FLAGGED
            found = [e for e in listed if e.severity in flagged]
            if not found and not all(words):
                found = [e for e, _, _ in self._inflection(joined)]
        else:
            found = [e for e, how, _ in self._single(Token(joined, 0, len(joined)), None)
                     if e.severity in _FLAGGED and how != "fuzzy"] or self.disguisable.get(phonetic(joined), [])
            # a split is a disguise: "ho mo"
        if not found or any(e.severity in _FLAGGED for h in (head, tail)
                            for e, _, _ in self._single(Token(h, 0, len(h)), None)):
            return ()  # nothing, or a half hits on its own
        return tuple((e, "split") for e in dict.fromkeys(found))

    def _word_piece(self, half: str) -> bool:
        """A half that is a word: of English, another language's common one ("wenig"), or an allowed one."""
        m = self.morphology
        assert m is not None
        return m.is_word(half) or half in m.common_other or half in self.allow_words

    def _words_apart(self, head: str, tail: str) -> bool:
        return _apart(head, self._kind(head), tail, self._kind(tail))

    def _open_compound(self, head: str, tail: str) -> tuple[tuple[TermEntry, str], ...]:
        """An everyday word that the lists call profane in compounds only ("knob", "gay"), written open before one
        of the rarer partner pieces of the lexicon's compounds: "knob eater", "knob jockey", "gay wad" (not "chunky
        hot": a common word is a word)."""
        assert self.morphology is not None
        if tail not in self.morphology.open_partners:
            return ()
        return tuple((e, "compound") for e in self.compound_only.get(phonetic(head), ()) if e.severity == Severity.BLOCK)

