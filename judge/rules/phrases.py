"""Multi-word terms: n-grams looked up as written, leet-folded, plural, stretched ("blowww job"), spelled out in
single letters ("B.L.O.W. .J.O.B", a joined token) or with one masked word ("blo* job"), and the allow-list's
phrases. A mixin of :class:`~judge.rules.lexicon.TermIndex`, which fills the tables it reads.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from judge.rules.inflection import singulars
from judge.rules.leet import LEET
from judge.rules.normalize import Token, collapse_repeats
from judge.rules.termlists import Hit, TermEntry

TRIPLE = re.compile(r"(.)\1{2,}")  # three of a letter or more: stretching, never spelling
CLAUSE_BREAK = re.compile(r"[.,;:?!]\s")  # punctuation then a space: words on either side are in two clauses


class PhraseMatching:
    """What :class:`~judge.rules.lexicon.TermIndex` knows of its multi-word terms."""

    exact: dict[str, list[TermEntry]]
    allow: set[str]
    allow_last: frozenset[str]  # the last word of each allowed phrase
    allow_max_n: int
    max_n: int

    def _init_phrases(self) -> None:
        # phrases as one run of single letters ("B.L.O.W. .J.O.B" joins to "blowjob") and with letters stretched
        self.joined_phrases: dict[str, list[TermEntry]] = defaultdict(list)
        self.collapsed_phrases: dict[str, list[TermEntry]] = defaultdict(list)

    def _add_phrase(self, e: TermEntry) -> None:
        self.joined_phrases[e.key.replace(" ", "")].append(e)
        self.collapsed_phrases[" ".join(collapse_repeats(w) for w in e.key.split(" "))].append(e)

    def _index_phrases(self) -> None:
        self.first_words = {k.split(" ", 1)[0] for k in self.exact if " " in k}
        self.next_words: dict[str, set[str]] = defaultdict(set)  # a phrase's first word -> the words after it
        self._after: dict[str, frozenset[str]] = {}  # the same, for a word as any of its spellings (memo)
        for k in self.exact:
            first, *rest = k.split(" ")
            if rest:
                self.next_words[first].update((*rest, *map(collapse_repeats, rest)))  # "baby baaatter"
        self.first_collapsed = {k.split(" ", 1)[0] for k in self.collapsed_phrases}
        self.phrase_keys: dict[int, list[str]] = defaultdict(list)  # words -> multi-word keys (for masked words)
        for k in self.exact:
            if " " in k:
                self.phrase_keys[k.count(" ") + 1].append(k)

    def _phrases(self, tokens: list[Token], text: str) -> list[Hit]:
        """Multi-word terms: only n-grams whose first word starts some phrase are looked up, and those with a
        masked word ("blo* job", "ball *ack") are compared with the phrases of as many words."""
        hits: list[Hit] = []
        first = self.first_words
        masks = [_mask_pattern(t, text) for t in tokens] if "*" in text else None
        for i, tok in enumerate(tokens):
            if masks and any(masks[i : i + self.max_n]):
                hits += self._masked_phrases(tokens, masks, i)
                continue
            other_forms = tok.obfuscated or tok.text.isalpha()  # leet, or every letter doubled ("bbllooww jjoobb")
            if tok.text not in first and not self._starts_stretched(tok.text) and (not other_forms or not any(f in first for f in tok.forms)):
                continue
            for n in range(2, min(self.max_n, len(tokens) - i) + 1):
                gram = tokens[i : i + n]
                if CLAUSE_BREAK.search(text, gram[-2].end, gram[-1].start):
                    break  # "Knob, eater of chips", "Rim. Job fair": two clauses hold no phrase ("blow.job" is one)
                for how, key in self._gram_keys(gram):
                    entries = self.exact.get(key)
                    if entries:
                        hits += [Hit(e, gram[0].start, gram[-1].end, how) for e in entries]
                        break
                else:
                    entries = self._stretched_phrase(gram)
                    hits += [Hit(e, gram[0].start, gram[-1].end, "repeat") for e in entries]
        return hits

    def _may_continue(self, first: str, words: list[str]) -> bool:
        """Whether a phrase that ``first`` starts may go on in a text of plain ``words``, read as the phrase matcher
        reads them (other spellings, plural, stretched): when none may, the text holds no phrase."""
        after = self._after.get(first)
        if after is None:
            after = self._after[first] = frozenset().union(*(self.next_words.get(f, ()) for f in _readings(first)))
        return any(not after.isdisjoint(_readings(w)) for w in words)

    def _masked_phrases(self, tokens: list[Token], masks: list[str | None], i: int) -> list[Hit]:
        """Phrases starting at token ``i`` that masked words (and the others as they are) spell."""
        hits: list[Hit] = []
        for n in range(2, min(self.max_n, len(tokens) - i) + 1):
            words = [masks[j] or tokens[j].text for j in range(i, i + n)]
            if masks[i] is None and not any(masks[i + 1 : i + n]):
                continue
            for key in self.phrase_keys.get(n, ()):
                if all(_fits(w, k) for w, k in zip(words, key.split(" "), strict=True)):
                    hits += [Hit(e, tokens[i].start, tokens[i + n - 1].end, "masked") for e in self.exact[key]]
        return hits

    def _starts_stretched(self, word: str) -> bool:
        return bool(TRIPLE.search(word)) and collapse_repeats(word) in self.first_collapsed

    def _stretched_phrase(self, gram: list[Token]) -> list[TermEntry]:
        """A phrase one of whose words has a letter three times or more ("blowww job", "ball sssack")."""
        if not any(TRIPLE.search(t.text) for t in gram):
            return []
        return self.collapsed_phrases.get(" ".join(collapse_repeats(t.text) for t in gram), [])

    def _gram_keys(self, gram: list[Token]) -> list[tuple[str, str]]:
        plain = " ".join(t.text for t in gram)
        keys = [("exact", plain)]
        marked = any(t.text.endswith("!") for t in gram)  # a leet word's last "!" read as a letter, then as a mark
        for spellings in ([t.forms for t in gram], *([[_marked_off(t) for t in gram]] if marked else [])):
            for j in range(1, max(map(len, spellings))):  # ("7hr0@7!": "throati", then "throat")
                alt = " ".join(_leet_form(t, forms, j) for t, forms in zip(gram, spellings, strict=True))
                if alt != plain and ("leet", alt) not in keys:
                    keys.append(("leet", alt))
        last = gram[-1].forms[-1]
        for sing in singulars(last):
            keys.append(("plural", " ".join([*(t.text for t in gram[:-1]), sing])))
        return keys

    def _allowed_ranges(self, tokens: list[Token]) -> list[tuple[int, int]]:
        if not self.allow:
            return []
        # what each token may close an allowed phrase as: itself or a singular ("potatoes") that ends one
        ends = [[w for w in (t.text, *singulars(t.text)) if w in self.allow_last] for t in tokens]
        ranges = []
        for j, last in enumerate(ends):
            for n in range(1, min(self.allow_max_n, j + 1) + 1) if last else ():
                gram = tokens[j - n + 1 : j + 1]
                words = " ".join(t.text for t in gram[:-1])
                if any((f"{words} {w}" if words else w) in self.allow for w in last):
                    ranges.append((gram[0].start, gram[-1].end))
        return ranges


@lru_cache(maxsize=65536)
def _readings(word: str) -> frozenset[str]:
    """A plain word as the phrase matcher may read it: its spellings, singular and letters unstretched."""
    return frozenset((*Token(word, 0, len(word)).forms, *singulars(word), collapse_repeats(word)))


def _mask_pattern(tok: Token, text: str) -> str | None:
    """The token with its masked letter as "?" ("br*asts", "bal*", "*ack" in the text), or None if unmasked."""
    before = tok.start > 0 and text[tok.start - 1] == "*"
    after = tok.end < len(text) and text[tok.end] == "*"
    if "*" in tok.text or before or after:
        return ("?" if before else "") + tok.text.replace("*", "?") + ("?" if after else "")
    return None


def _fits(word: str, key: str) -> bool:
    """Whether a word with "?" for masked letters spells ``key`` (same length, the other letters equal): a word of
    one letter may be masked whole ("menage * trois"), a longer one keeps a letter ("mound o* venus")."""
    masked = word.count("?")
    return len(word) == len(key) and all(a in ("?", b) for a, b in zip(word, key, strict=True)) and (
        masked < len(key) or len(key) == 1)


def _leet_form(tok: Token, forms: tuple[str, ...], j: int) -> str:
    """The token's ``j``-th spelling (of ``forms``) in a phrase that holds leetspeak: digits or a lone symbol are
    letters there too ("h0w 70 k1ll", "m3n@g3 @ 7r01$"), which alone they are not ("Top 10 snacks")."""
    if len(forms) > 1:
        return forms[min(j, len(forms) - 1)]
    folded = tok.text.translate(LEET)
    return folded if folded.isalpha() else tok.text


def _marked_off(tok: Token) -> tuple[str, ...]:
    """A leet word's spellings with its last "!" read as a mark only ("kn0ck3r$!": "kn0ck3r$", "knockers")."""
    stripped = tok.text.rstrip("!")
    return tok.forms[tok.forms.index(stripped):] if stripped != tok.text and stripped in tok.forms else tok.forms
