"""Spellings of terms that no list holds as such: compounds, inflections, respellings and masks of strong roots.

A mixin of :class:`~judge.rules.lexicon.TermIndex`, as :class:`~judge.rules.phrases.PhraseMatching` is: it reads
the index's exact look-up and its :class:`~judge.rules.morphology.Morphology`, and says how one token (no real
word) hits a block term: ``compound`` ("assfuckers"), ``inflection`` ("cocksuckas"), ``spelling`` ("phuk",
"kunt", "biatch"), ``scrambled`` ("cnut") or ``masked`` ("bit*hers").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property, lru_cache

from judge.models import Severity
from judge.rules.morphology import (
    MAX_MASKS,
    Morphology,
    look_alikes,
    phonetic,
    spelling_key,
)
from judge.rules.normalize import Token
from judge.rules.phrases import TRIPLE
from judge.rules.termlists import TermEntry

# a leet letter inside a word ("n1g3rz") spells; digits after the letters are a number ("CoQ10" is no "cocky")
_INNER_LEET = re.compile(r"[a-z]+(?:[0-9@$!|+]{1,2}[a-z]+)*[@$!|+]{0,2}")  # a symbol may end it: "n1kk@$"


_ENGLISH_PROFANITY = frozenset({"profanity_en", "profanity_en_maybe"})  # the imported English lists' sure and maybe
OTHER_LANGUAGE = re.compile(r"profanity_(?!en(?:_|$))[a-z]{2}(?:_|$)")  # the imported lists' categories, by language
_EMPHASIS = re.compile(r"(\*{1,3})([a-z]+)\1")  # markdown's emphasis around letters: "f**u**ck" renders as "fuck"
_MIN_SHOWN = 3  # letters that a heavily masked word must show to be read at all
_SPOKEN_END = re.compile(r"[au]h([sz]?)$")  # "-uh", "-ahs": an ending as it is said
_VERBAL = ("ed", "ing", "in", "er", "ers")  # a verb's and an agent's endings, each standing for the other
_REVERSED_MIN = 5  # a term this long is read backwards too, holding a strong root or not
_VERBAL_MIN = 7  # a term without a root takes them from this length: "fingerbang", not "pommie" ("pommier")


def destretched(text: str) -> tuple[str, ...]:
    """A stretched token with the stretched letter single and double ("bollllok": "bolok", "bollok")."""
    if not TRIPLE.search(text):
        return ()
    return tuple(dict.fromkeys((TRIPLE.sub(r"\1", text), TRIPLE.sub(r"\1\1", text))))


@lru_cache(maxsize=4096)
def mask_fits(text: str) -> Callable[[str], re.Match[str] | None]:
    """Whether a word fits ``text`` with its "*" read as any letter."""
    return re.compile(re.escape(text).replace(r"\*", "[a-z]")).fullmatch


def flagged(entries: list[TermEntry]) -> list[TermEntry]:
    """The entries to block or review (not those that only inform)."""
    return [e for e in entries if e.severity in (Severity.BLOCK, Severity.REVIEW)]


_VOWELS = frozenset("aeiou")  # Pig Latin's: a word's opening consonants move to its end


class WordTables:
    """What the matching mixins read of :class:`~judge.rules.lexicon.TermIndex`: its look-ups, its morphology and
    how one token hits."""

    exact: dict[str, list[TermEntry]]
    morphology: Morphology | None
    allow: set[str]
    allow_words: frozenset[str]
    compound_only: dict[str, list[TermEntry]]
    disguisable: dict[str, list[TermEntry]]
    _single: Callable[[Token, None], tuple[tuple[TermEntry, str, int], ...]]  # how a token hits, exact to compound
    _respelled: Callable[[str], tuple[tuple[TermEntry, str, int], ...]]  # a token spelled by ear (respellings.py)


class SpellingMatching(WordTables):
    """What :class:`~judge.rules.lexicon.TermIndex` knows of spellings of its strong terms."""

    masked: dict[tuple[int, str, str], list[TermEntry]]
    phonetic_exact: dict[str, list[TermEntry]]

    @cached_property
    def _flagged_by_length(self) -> dict[int, list[tuple[str, list[TermEntry]]]]:
        """Single-word terms to block or review, by length, for words masked too much to fill in."""
        out: dict[int, list[tuple[str, list[TermEntry]]]] = defaultdict(list)
        for key, entries in self.exact.items():
            found = flagged(entries)
            if found and " " not in key and key.isalpha():
                out[len(key)].append((key, found))
        return out

    @cached_property
    def _words_by_length(self) -> dict[int, list[str]]:
        """The real words that the morphology knows and that are no terms, by length: a mask that one of them fits
        is no term."""
        m = self.morphology
        out: dict[int, list[str]] = defaultdict(list)
        words = (m.known | m.common_words | m.foreign) if m is not None else frozenset()
        for w in words | self.allow_words:
            if w not in self.exact:
                out[len(w)].append(w)
        return out

    def _compound(self, tok: Token) -> tuple[tuple[TermEntry, str, int], ...]:
        """A compound or spelling of a strong root ("assfuckers", "phuks", "cok", "cnut"), when the token
        is no real word."""
        m = self.morphology
        if m is None or not any(c.isalpha() for c in tok.text):  # a number spells a term exactly ("80085") or not at all
            return ()
        # a word as written, or with a leet letter inside ("n1ckker"): its spellings count, a number's do not ("CoQ10")
        written = tok.text.isalpha() or _INNER_LEET.fullmatch(tok.text) is not None
        stretched = (d for f in tok.forms for d in destretched(f))  # "cockmaaaster"
        spoken = dict.fromkeys(s for f in tok.forms for s in self._spoken(f))  # "nigah" (in order: a set's varies)
        for form in dict.fromkeys((*tok.forms, *stretched, *spoken)):
            listed = [e for e in self.exact.get(form, ()) if e.severity == Severity.BLOCK] if form in spoken else None
            if listed:
                return tuple((e, "spelling", 0) for e in listed)
            root = m.root_of(form, self.allow_words)
            if root is not None:
                return tuple((e, "compound", 0) for e in self.exact.get(root, ()) if e.severity == Severity.BLOCK)
            if not form.isalpha() or len(form) < 3 or form in self.allow_words:
                continue
            if m.is_word(form) or m.said_as_word(form):
                continue
            weak = self._weak_compound(form) or self._listed_compound(form)
            if weak:
                return weak
            inflected = self._inflection(form)
            if inflected:
                return inflected
            if form in spoken:
                continue  # said aloud is one reading: no respelling of it ("milchkuh" is no "milchker", "hooker")
            respelled = m.unmasked_root(form) or (m.respelled_root(form) or m.vowelless_root(form) if written else None)
            # a word wordfreq knows ("fka", "phx") is no respelling, unless written with leet or marks ("f@k")
            heard = tok.obfuscated or len(form) > 3 and form not in m.rare_words
            spelled = heard and (self.phonetic_exact.get(phonetic(form)) or self.phonetic_exact.get(spelling_key(form))) or [
                e for e in self.exact.get(respelled or "", ()) if e.severity == Severity.BLOCK]
            if spelled:
                return tuple((e, "spelling", 0) for e in spelled)
            respelled_by_ear = self._respelled(form) if heard and written else ()
            if respelled_by_ear:
                return respelled_by_ear
            for variant in look_alikes(form):  # "cnut", "fcuk", "dlck"
                found = [e for e in self.exact.get(variant, ()) if e.severity == Severity.BLOCK and m.strong_or_root(e.key)]
                if found:
                    return tuple((e, "scrambled", 0) for e in found)
            # "kcuf", "tihsllub": a term holding a root no clean word holds, backwards; any other of five letters or
            # more written plainly ("yssup", "ynroh"), as no real word is spelled so (the few that are, "modas", are
            # misread words; a mask's fill is read as the term it fills)
            backwards = [e for e in self.exact.get(form[::-1], ()) if e.severity == Severity.BLOCK and len(form) >= 4
                         and (len(form) >= _REVERSED_MIN and not tok.obfuscated or m.strong(e.key))]
            if backwards:
                return tuple((e, "reversed", 0) for e in backwards)
            pig = [e for r in pig_latin(form) for e in self.exact.get(r, ()) if e.severity == Severity.BLOCK
                   and m.strong_or_root(e.key)]
            if pig:  # "uckfay", "itshay": a root in Pig Latin
                return tuple((e, "pig latin", 0) for e in pig)
        return ()

    def _spoken(self, form: str) -> tuple[str, ...]:
        """A token that is no word, with an ending written as it is said read as spelled: "-uh" and "-ah" are "-er"
        or "-a" ("fookuh", "nigah", "fackuhs")."""
        m = self.morphology
        end = _SPOKEN_END.search(form)
        if end is None or m is None or len(form) < 5 or m.is_word(form) or form in m.rare_words or form in self.allow_words:
            return ()
        stem, plural = form[: end.start()], end.group(1)
        return (stem + "er" + plural, stem + "a" + plural)

    def _listed_block(self, word: str) -> bool:
        return any(e.severity == Severity.BLOCK for e in self.exact.get(word, ()))

    def _listed_or_disguised(self, word: str) -> bool:
        """A block term, or an everyday word that is one when disguised ("douche"): no clean fill of a mask."""
        return self._listed_block(word) or phonetic(word) in self.disguisable

    def _inflection(self, form: str) -> tuple[tuple[TermEntry, str, int], ...]:
        """A block term with an ending, in a token that is no real word ("ejaculatez", "cocksuckas", "pedoz"); real
        words are left alone ("butter" is not "butt" + "er", "cumin" not "cum" + "in"). A term that holds no root
        takes the slang plural "-z" ("pedoz", "skankz"), and, when it is seven letters or more, a verb's or agent's
        ending, one for another too ("fingerbanged"; "carpetmunching" for "carpetmuncher"): "Finocchiona" is no
        "finocchione" + "a", "shavers" no "shav" + "ers", French "pommier" no "pommie" + "r"."""
        m = self.morphology
        assert m is not None
        for affix in m.affixes:
            if len(form) <= len(affix) + 2 or not form.endswith(affix):
                continue
            base = form[: -len(affix)]
            slang = (affix.endswith("z") or affix in _VERBAL) and form not in m.rare_words
            rootless = 4 if affix.endswith("z") else _VERBAL_MIN
            stems = [(base, False), (base + "e", False), *([(base + "er", True)] if affix in _VERBAL else [])]
            for stem, agent in stems:  # an agent noun's stem ("carpetmunch|ing") is the rootless terms' alone
                found = [e for e in self.exact.get(stem, ()) if e.severity == Severity.BLOCK and (
                    slang and len(e.key) >= _VERBAL_MIN if agent else
                    m.strong_or_root(e.key) or slang and len(e.key) >= rootless)]
                if found:
                    return tuple((e, "inflection", 0) for e in found)
        return ()

    def _masked(self, tok: Token) -> list[tuple[TermEntry, str, int]]:
        """A term with letters masked ("f*ck"), as written or leet-folded ("b!*ch"); else a compound or inflection
        of a strong root with its mask filled in ("bit*hers")."""
        forms = [t for t in dict.fromkeys(tok.forms) if len(t) >= 3]
        for text in forms:
            found = [(e, "masked", 0) for e in self._emphasized(text) or self._masked_terms(text)] \
                if "*" not in (text[0], text[-1]) else []
            if found:
                return found
        for text in forms:
            found = [(e, "masked", 0) for e in self._heavily_masked(text) or self._initial_only(text)]
            if found:
                return found
        for text in forms:
            found = self._masked_compound(text)
            if found:
                return found
        return []

    def _emphasized(self, text: str) -> list[TermEntry]:
        """The term a word spells with letters inside it set in markdown's emphasis ("f**u**ck", "sh*i*t"), as a page
        that renders markdown shows it."""
        plain = _EMPHASIS.sub(r"\2", text)  # a masked token: it holds a "*"
        return list(self.exact.get(plain, ())) if plain != text and "*" not in plain else []

    def _heavily_masked(self, text: str) -> list[TermEntry]:
        """The terms that a word masked at an edge, or in more places than fills are tried, spells ("*j*c*l*t*",
        "p**d*ph*l*"), when it shows three letters or more and no real word other than a term fits it too ("h*ll"
        may be "hall"). Such words are rare (and each token is read once): each is compared with every word of its
        length."""
        masks = text.count("*")
        if masks == 0 or len(text) - masks < _MIN_SHOWN or not (masks > MAX_MASKS or "*" in (text[0], text[-1])):
            return []
        found = [e for _, e in self._flagged_fits(text)]
        return [] if found and self._fits_a_word(text) else found

    def _initial_only(self, text: str) -> list[TermEntry]:
        """A word masked but for its first letter ("f***", "sh**" shows two): English profanity as convention
        censors it, when a strong English block term fits ("f***" is "fuck"; not "h***", whose "hell" counts in
        compounds only). Clean words are not masked."""
        m = self.morphology
        shown = len(text.rstrip("*"))
        if m is None or not 1 <= shown <= 2 or len(text) > 6 or not text[:shown].isalpha():
            return []
        return [e for key, e in self._flagged_fits(text)
                if m.strong_or_root(key) and e.severity == Severity.BLOCK and e.category == "profanity_en"]

    def _flagged_fits(self, text: str) -> list[tuple[str, TermEntry]]:
        """The single-word terms to block or review that a masked ``text`` may spell, with their keys."""
        fits = mask_fits(text)
        return [(key, e) for key, entries in self._flagged_by_length.get(len(text), ()) if fits(key) for e in entries]

    def _masked_terms(self, text: str) -> list[TermEntry]:
        """The terms that ``text`` spells with its "*" read as any letter ("f*ck"). With two masks or more, an
        English term as convention reads masks ("f**k", "p*ck*r"), another language's only when no real word fits
        too ("gr**t" is "great", not Dutch "griet")."""
        found = [e for e in self.masked.get((len(text), text[0], text[-1]), ())
                 if all(c == "*" or c == k for c, k in zip(text, e.key, strict=True))]
        if not found or text.count("*") < 2:
            return found
        english = [e for e in found if not OTHER_LANGUAGE.match(e.category)]
        return english or ([] if self._fits_a_word(text) else found)

    def _fits_a_word(self, text: str) -> bool:
        """Whether a real word that is no term fits a masked ``text``."""
        fits = mask_fits(text)
        return any(fits(w) for w in self._words_by_length.get(len(text), ()))

    def _masked_compound(self, text: str) -> list[tuple[TermEntry, str, int]]:
        """A masked compound that starts or ends with a root as it is ("cockm*ster", "dicks*cker"): a mask is
        intent, so an ambiguous root counts too."""
        m = self.morphology
        if m is None:
            return []
        pieces = text.split("*")
        for piece, at_start in ((phonetic(pieces[0]), True), (phonetic(pieces[-1]), False)):
            for k in range(len(piece), 2, -1):
                root = m.roots.get(piece[:k] if at_start else piece[-k:])
                if root:
                    return [(e, "masked", 0) for e in self.exact.get(root, ()) if e.severity == Severity.BLOCK]
        for fill in m.mask_fills(text, self.allow_words, self._listed_or_disguised):  # "bit*hers", "nik*er", "d*ld*"
            found = [(e, "masked", 0) for e, _, _ in self._single(Token(fill, 0, len(fill), obfuscated=True), None)
                     if e.severity == Severity.BLOCK]  # as any disguised token is
            if found:
                return found
        return []

    def _listed_compound(self, form: str) -> tuple[tuple[TermEntry, str, int], ...]:
        """An English profanity term that is no root (a rarer or shorter word: "puss", "skank", "wop"; or a maybe,
        reviewed so: "turd", "knob") beside a partner piece of four letters or more, with its ending ("licker",
        "face"), in a token that no language's word list holds, rarer English words included: "pusslicker",
        "skankface", "wophead", "turdhead" (not "pricking": "king" is a partner, and it is a word)."""
        m = self.morphology
        assert m is not None
        if form in m.rare_words:
            return ()
        for i in range(3, len(form) - 2):
            for term, rest in ((form[:i], form[i:]), (form[i:], form[:i])):
                found = [e for e in self.exact.get(term, ()) if e.category in _ENGLISH_PROFANITY]
                if found and any(rest[: len(rest) - len(a)] in m.partners and len(rest) - len(a) >= 4
                                 for a in ("", *m.affixes) if rest.endswith(a)):
                    return tuple((e, "compound", 0) for e in found)
        return ()

    def _weak_compound(self, form: str) -> tuple[tuple[TermEntry, str, int], ...]:
        """An everyday word that the lists call profane ("gay", "queer", "piss": terms matched only so) beside a root
        or a partner piece of four letters or more, in a token that is no real word: "gayass", "queerhole". One that
        two sources call profane (disguisable, four letters or more) beside any common word: "ragtard", "pissflap"
        ("eggshell", "leotard" and German "hellrot" are words: the known-word lists hold the words that contain one)."""
        m = self.morphology
        if not self.compound_only or m is None or len(form) < 6:
            return ()
        key = phonetic(form)
        for i in range(3, len(key) - 2):  # each split point once, the weak word at either end
            head, tail = key[:i], key[i:]
            for k, rest in ((head, tail), (tail, head)):
                entries = self.compound_only.get(k)
                if entries and (rest in m.roots or len(k) >= 4 and len(rest) >= 4 and rest in m.common and m.partnered(rest)
                                or k in self.disguisable and len(entries[0].key) >= 4 and rest in m.common):
                    return tuple((e, "compound", 0) for e in entries)
        return ()


def pig_latin(word: str) -> tuple[str, ...]:
    """What ``word`` may say in Pig Latin, where a word's opening consonants move to its end before "ay" ("uckfay":
    "fuck", "itshay": "shit", "itchbay": "bitch"), and a word that opens on a vowel takes "way" ("assway")."""
    if len(word) < 5 or not word.endswith("ay"):
        return ()
    stem = word[:-2]
    out = [stem[-k:] + stem[:-k] for k in (1, 2, 3) if k < len(stem) and not _VOWELS.intersection(stem[-k:])
           and stem[0] in _VOWELS]
    if stem.endswith("w") and stem[0] in _VOWELS:
        out.append(stem[:-1])
    return tuple(out)
