"""Block terms spelled by ear, alone or with an ending or a partner piece: "pryck", "beetch", "zhit", "bytchers",
"cvntface", "nyggerhead", "mthrfckrs".

A mixin of :class:`~judge.rules.lexicon.TermIndex`, as :class:`~judge.rules.spellings.SpellingMatching` is. Two
readings of a token that is no word (no language's list, rarer English words included, holds it):

- its *sound key* is a block term's: the phonetic key (``ph``, ``ck``, ``q``, ``x``, a hard ``c``) with a "y" or "v"
  between consonants read as the vowel it stands for, "ee" as "i", "oo" as "u", "z" as "s", "kh" as "k", "sch" as
  "sh", "tch" as "ch", and letters single. Vowels are kept: with each run of vowels alike, "cantaloupe" would sound
  like "cuntelope" and "kefir" like "kaffer" (the respelled roots of :mod:`~judge.rules.morphology` drop them, for
  the unambiguous roots only);
- a stem that is no word either, with an ending ("-ers", "-az", "-y") or a partner piece ("face", "head", "ass"), spells
  a block term in one of the ways a whole token may (sound key, a masked vowel, other vowels, vowels left out, or
  no vowel at all for an unambiguous root: "btch" + "face").

An unambiguous root without any vowel ("mthrfckr", "bllsht") is read as a whole token from five letters on: shorter
ones are abbreviations as often ("SLTD", "RNCH").
"""

from __future__ import annotations

import re
from functools import cached_property

from judge.models import Severity
from judge.rules.morphology import spelling_key, unstretch
from judge.rules.spellings import OTHER_LANGUAGE, WordTables, destretched
from judge.rules.termlists import TermEntry

_CONSONANT = "bcdfghjklmnpqrstvwxz"
_Y_VOWEL = re.compile(f"(?<=[{_CONSONANT}])y(?=[{_CONSONANT}])")  # "bytch", "pryck", "tyts" (not "pommy": "pommi")
_V_VOWEL = re.compile(f"(?<=[{_CONSONANT}])v(?=[{_CONSONANT}])")  # "cvnt", "pvssy"
_SPELLED = (("sch", "sh"), ("tch", "ch"), ("kh", "k"), ("ee", "i"), ("oo", "u"))
_DOUBLED = re.compile(r"(.)\1+")
_VOWEL = re.compile("[aeiou]")
_ROMANCE = ("o", "os")  # endings that make an English respelling another language's word ("freega|o")
MIN_SOUND = 4  # letters of a term and of a token read by sound: "dik", "fuk" are the phonetic key's
MIN_STEM = 4  # letters of a stem beside an ending or a piece
MIN_BARE = 5  # letters of a root written without a vowel, read as a whole token ("btch" may abbreviate)
MIN_BARE_STEM = 4


def sound_key(word: str) -> str:
    """A word as it sounds, spelled any usual way (see the module's docstring): "pryck" and "prick" are "prik",
    "beetch" and "bitch" "bich", "zhit" and "shit" "shit"."""
    for a, b in _SPELLED:
        word = word.replace(a, b)
    return plain_key(_V_VOWEL.sub("u", _Y_VOWEL.sub("i", word)))


def plain_key(word: str) -> str:
    """The sound key's spelling part only (consonants, not vowels): how a clean word may be misspelled ("kumkuats")."""
    return _DOUBLED.sub(r"\1", spelling_key(word).replace("z", "s"))


def bare_key(word: str) -> str:
    """A word without its vowels but the first letter, spelled by sound: "motherfucker" is "mthrfkr"."""
    key = sound_key(word)
    return _DOUBLED.sub(r"\1", key[0] + re.sub("[aeiouy]", "", key[1:])) if key else key


class RespellingMatching(WordTables):
    """What :class:`~judge.rules.lexicon.TermIndex` knows of its block terms as they sound."""

    @cached_property
    def _sounds(self) -> dict[str, list[TermEntry]]:
        """Single-word block terms by sound key, four letters or more."""
        out: dict[str, list[TermEntry]] = {}
        for key, entries in self.exact.items():
            block = [e for e in entries if e.severity == Severity.BLOCK]
            if block and key.isalpha() and len(key) >= MIN_SOUND and not OTHER_LANGUAGE.match(block[0].category):
                out.setdefault(sound_key(key), []).extend(block)
        return out

    @cached_property
    def _clean_spellings(self) -> frozenset[str]:
        """The plain keys of the real words that are no terms (of every list the morphology reads) and of the
        allow-list's: a token spelled like one is that word misspelled ("Kumkuats"), not a term."""
        m = self.morphology
        words = (m.known | m.common_words | m.foreign | m.rare_words) if m else frozenset()
        allowed = {w for w in self.allow if w.isalpha()}  # a word allowed alone: "kumquat", not "spic" of "spic and span"
        clean = [w for w in words - allowed if w.isalpha() and not self._listed(w)]
        # keyed in one pass, joined by newlines, which no rule of the key reads across
        return frozenset(plain_key("\n".join([*clean, *allowed])).split("\n"))

    def _listed(self, word: str) -> bool:
        """A term of any severity, as spelled or stretched ("shiiit", a word of wordfreq's, is "shit")."""
        return any(w in self.exact or w in self.compound_only for w in (word, *destretched(word)))

    @cached_property
    def _bare_roots(self) -> dict[str, str]:
        """The unambiguous roots without any vowel ("btch", "mthrfkr"), four letters or more."""
        m = self.morphology
        roots = sorted(m.respelled.values() if m else (), key=len, reverse=True)
        return {k: r for r in roots if len(k := bare_key(r)) >= MIN_BARE_STEM and k != sound_key(r)}

    @cached_property
    def _pieces(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What may end a respelled stem (English endings and partner pieces) and start one (partner pieces and roots
        of three letters or more), longest first."""
        m = self.morphology
        if m is None:
            return (), ()
        ends = {*(a for a in m.affixes if a not in _ROMANCE), *(p for p in m.partners if len(p) >= 3)}
        starts = {p for p in (*m.partners, *m.root_spellings) if len(p) >= 3 and p.isalpha()}
        return tuple(sorted(ends, key=len, reverse=True)), tuple(sorted(starts, key=len, reverse=True))

    def _by_sound(self, form: str, piece: bool = False, partnered: bool = False) -> tuple[tuple[TermEntry, str, int], ...]:
        """The block terms that ``form`` (no word, lowercase letters) spells by ear: whole, or as a stem (``piece``)
        beside an ending or a partner piece; without any vowel, an unambiguous root from five letters on, or
        from four beside a partner piece (``partnered``: "btchface"; "Btchd" and "btchs" are batched, batches)."""
        m = self.morphology
        assert m is not None
        plain = plain_key(form)
        if plain in self._clean_spellings or len(plain) > 4 and plain.endswith("s") and plain[:-1] in self._clean_spellings:
            return ()
        sound = sound_key(form)
        entries = self._sounds.get(sound) if len(form) >= MIN_SOUND else None
        if entries and piece and not partnered:  # with an ending: a root, or a term of five letters with a vowel
            # after its first ("btch|d" is batched, "shis|o" shiso)
            entries = [e for e in entries if m.strong_or_root(e.key) or len(e.key) >= 5 and _VOWEL.search(e.key, 1)]
        if entries:
            return tuple((e, "spelling", 0) for e in entries)
        root = m.unmasked_root(form) or m.respelled_root(form) or m.vowelless_root(form) if piece else None
        if root is None and not _VOWEL.search(form, 1) and len(form) >= (MIN_BARE_STEM if partnered else MIN_BARE):
            root = self._bare_roots.get(bare_key(form))
        return tuple((e, "spelling", 0) for e in self.exact.get(root or "", ()) if e.severity == Severity.BLOCK)

    def _respelled(self, form: str) -> tuple[tuple[TermEntry, str, int], ...]:
        """A token (no word) that spells a block term by ear, alone or as a stem with an ending or a piece."""
        if self.morphology is None or form[:1] == form[1:2] or any(map(self.morphology.is_word, destretched(form))):
            return ()  # a doubled first letter abbreviates ("Ccnut"); "Budddy" is "buddy"
        found = self._by_sound(form)
        if found:
            return found
        ends, starts = self._pieces
        for end in ends:
            if form.endswith(end) and len(form) - len(end) >= MIN_STEM:
                found = self._stem(form[: -len(end)], end not in self.morphology.affix_set)
                if found:
                    return found
        for start in starts:
            if form.startswith(start) and len(form) - len(start) >= MIN_STEM:
                found = self._stem(form[len(start):], partnered=True)
                if found:
                    return found
        return ()

    def _stem(self, stem: str, partnered: bool) -> tuple[tuple[TermEntry, str, int], ...]:
        m = self.morphology
        assert m is not None
        if m.is_word(stem) or stem in m.rare_words or stem in self.allow_words or m.is_word(unstretch(stem)):
            return ()
        return self._by_sound(stem, piece=True, partnered=partnered)
