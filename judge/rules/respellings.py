"""Terms spelled by ear, alone, with an ending or a partner piece, or as a word of a phrase: "pryck", "beetch",
"zhit", "bytchers", "cvntface", "nyggerhead", "mthrfckrs", "ball sakk".

A mixin of :class:`~judge.rules.lexicon.TermIndex`, as :class:`~judge.rules.spellings.SpellingMatching` is. Two
readings of a token that is no word (no language's list, rarer English words included, holds it), and one of phrases:

- its *sound key* is an English term's: the phonetic key (``ph``, ``ck``, ``q``, ``x``, a hard ``c``) with a "y" or "v"
  between consonants read as the vowel it stands for, "ee" as "i", "oo" as "u", "z" as "s", "kh" as "k", "sch" as
  "sh", "tch" as "ch", and letters single. Vowels are kept: with each run of vowels alike, "cantaloupe" would sound
  like "cuntelope" and "kefir" like "kaffer" (the respelled roots of :mod:`~judge.rules.morphology` drop them, for
  the unambiguous roots only);
- a stem that is no word either, with an ending ("-ers", "-az", "-y") or a partner piece ("face", "head", "ass"), spells
  a block term in one of the ways a whole token may (sound key, a masked vowel, other vowels, vowels left out, or
  no vowel at all for an unambiguous root: "btch" + "face");
- a phrase of plain words, one of them at least no word, that sounds like a multi-word term ("byg black", "gyrl on
  top"; "dip throat" is two words).

A term to block is read so; a term to review only when the respelling writes a sound with a letter that evasions use
and the term does not ("zexy", "toord", "pekker"; "Shiso" sounds like "schizo" but writes it plainly). A token
spelled like a clean word, vowels as written ("kumkuats"), is that word misspelled. An unambiguous root without any
vowel ("mthrfckr", "bllsht") is read as a whole token from five letters on: shorter ones are abbreviations as often
("SLTD", "RNCH").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cached_property, lru_cache

from judge.models import Severity
from judge.rules.morphology import single_letters, spelling_key, unstretch
from judge.rules.normalize import Token
from judge.rules.phrases import CLAUSE_BREAK
from judge.rules.spellings import OTHER_LANGUAGE, WordTables, destretched, flagged
from judge.rules.termlists import Hit, TermEntry

_CONSONANT = "bcdfghjklmnpqrstvwxz"
_Y_VOWEL = re.compile(f"(?<=[{_CONSONANT}])y(?=[{_CONSONANT}])")  # "bytch", "pryck", "tyts" (not "pommy": "pommi")
_V_VOWEL = re.compile(f"(?<=[{_CONSONANT}])v(?=[{_CONSONANT}])")  # "cvnt", "pvssy"
_SPELLED = (("sch", "sh"), ("tch", "ch"), ("kh", "k"), ("ee", "i"), ("oo", "u"))
_DOUBLED_CONSONANT = re.compile(f"([{_CONSONANT}])\\1+")
_VOWEL = re.compile("[aeiou]")
_EVASION_MARKS = ("oo", "ee", "kk", "ph", "z", "q", "x")  # letters written for another's sound
_ROMANCE = ("o", "os")  # endings that make an English respelling another language's word ("freega|o")
MIN_SOUND = 4  # letters of a term and of a token read by sound: "dik", "fuk" are the phonetic key's
MIN_STEM = 4  # letters of a stem beside an ending or a piece
MIN_BARE = 5  # letters of a root written without a vowel, read as a whole token ("btch" may abbreviate)
MIN_BARE_STEM = 4  # the same beside a partner piece ("btch" + "face")


def sound_key(word: str) -> str:
    """A word as it sounds, spelled any usual way (see the module's docstring): "pryck" and "prick" are "prik",
    "beetch" and "bitch" "bich", "zhit" and "shit" "shit"."""
    for a, b in _SPELLED:
        word = word.replace(a, b)
    return single_letters(_spelled(_V_VOWEL.sub("u", _Y_VOWEL.sub("i", word))))


@lru_cache(maxsize=65536)
def _word_sound(word: str) -> str:
    """A text's word by sound, kept: phrases are read so in every text that holds a word of one."""
    return sound_key(word)


def plain_key(word: str) -> str:
    """The sound key's spelling part only, its vowels as written: how a clean word may be misspelled ("kumkuats"
    is "kumquats"; "poossy" is no "posy")."""
    return _DOUBLED_CONSONANT.sub(r"\1", _spelled(word))


def _spelled(word: str) -> str:
    return spelling_key(word).replace("z", "s")


def _evasive(form: str, term: str) -> bool:
    """Whether ``form`` writes a sound of ``term`` with a letter that evasions use and the term does not ("zexy",
    "toord", "pekker", "masochyst"): a term to review is read respelled only so ("Shiso" sounds like "schizo", but
    writes it plainly)."""
    return any(m in form and m not in term for m in _EVASION_MARKS) or any(
        r.search(form) and not r.search(term) for r in (_Y_VOWEL, _V_VOWEL))


def bare_key(word: str) -> str:
    """A word without its vowels but the first letter, spelled by sound: "motherfucker" is "mthrfkr"."""
    key = sound_key(word)
    return single_letters(key[0] + re.sub("[aeiouy]", "", key[1:])) if key else key


class RespellingMatching(WordTables):
    """What :class:`~judge.rules.lexicon.TermIndex` knows of its terms as they sound."""

    @cached_property
    def _sounds(self) -> dict[str, list[TermEntry]]:
        """Single-word English terms to block or review by sound key, four letters or more: a term respelled is the
        term, at its severity ("zexy" is reviewed as "sexy" is)."""
        out: dict[str, list[TermEntry]] = {}
        for key, entries in self.exact.items():
            found = flagged(entries)
            if found and key.isalpha() and len(key) >= MIN_SOUND and not OTHER_LANGUAGE.match(found[0].category):
                out.setdefault(sound_key(key), []).extend(found)
        return out

    @cached_property
    def _clean_spellings(self) -> frozenset[str]:
        """The plain keys of the real words that are no terms (of every list the morphology reads) and of the
        allow-list's: a token spelled like one is that word misspelled ("Kumkuats"), not a term."""
        m = self.morphology
        words = (m.known | m.common_words | m.foreign | m.rare_words) if m else frozenset()
        allowed = {w for w in self.allow if w.isalpha()}  # a word allowed alone: "kumquat", not "spic" of "spic and span"
        unlisted = words - allowed - self.exact.keys() - self.compound_only.keys()  # terms of any severity
        clean = [w for w in unlisted if w.isalpha() and not self._listed_stretched(w)]
        # keyed in one pass, joined by newlines, which no rule of the key reads across
        return frozenset(plain_key("\n".join([*clean, *allowed])).split("\n"))

    def _listed_stretched(self, word: str) -> bool:
        """A term stretched ("shiiit", a word of wordfreq's, is "shit")."""
        return any(w in self.exact or w in self.compound_only for w in destretched(word))

    @cached_property
    def _bare_roots(self) -> dict[str, str]:
        """The unambiguous roots without any vowel ("btch", "mthrfkr"), four letters or more."""
        m = self.morphology
        roots = sorted(m.respelled.values() if m else (), key=len, reverse=True)
        return {k: r for r in roots if len(k := bare_key(r)) >= MIN_BARE_STEM and k != sound_key(r)}

    @cached_property
    def _pieces(self) -> tuple[frozenset[str], frozenset[str]]:
        """What may end a respelled stem (English endings and partner pieces) and start one (partner pieces and roots
        of three letters or more)."""
        m = self.morphology
        if m is None:
            return frozenset(), frozenset()
        ends = {*(a for a in m.affixes if a not in _ROMANCE), *(p for p in m.partners if len(p) >= 3)}
        return frozenset(ends), frozenset(p for p in (*m.partners, *m.root_spellings) if len(p) >= 3 and p.isalpha())

    def _by_sound(self, form: str, piece: bool = False, partnered: bool = False) -> tuple[tuple[TermEntry, str, int], ...]:
        """The terms to block (or to review, written as evasions write) that ``form`` (no word, lowercase letters)
        spells by ear: whole, or as a stem (``piece``) beside an ending or a partner piece; without any vowel, an
        unambiguous root from five letters on, or from four beside a partner piece (``partnered``: "btchface";
        "Btchd" and "btchs" are batched, batches)."""
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
        entries = [e for e in entries or () if e.severity == Severity.BLOCK or _evasive(form, e.key)]
        if entries:
            return tuple((e, "spelling", 0) for e in entries)
        root = m.unmasked_root(form) or m.respelled_root(form) or m.vowelless_root(form) if piece else None
        if root is None and not _VOWEL.search(form, 1) and len(form) >= (MIN_BARE_STEM if partnered else MIN_BARE):
            root = self._bare_roots.get(bare_key(form))
        return tuple((e, "spelling", 0) for e in self.exact.get(root or "", ()) if e.severity == Severity.BLOCK)

    def _respelled(self, form: str) -> tuple[tuple[TermEntry, str, int], ...]:
        """A token (no word) that spells a term by ear, alone or as a stem with an ending or a piece."""
        m = self.morphology
        if m is None or form[:1] == form[1:2] or any(map(m.is_word, destretched(form))) or form in m.common_other:
            return ()  # a doubled first letter abbreviates ("Ccnut"); "Budddy" is "buddy"; another language's word
        found = self._by_sound(form)
        if found:
            return found
        ends, starts = self._pieces
        for i in range(MIN_STEM, len(form)):  # each split point once, the longest piece first
            if form[i:] in ends:
                found = self._stem(form[:i], form[i:] not in self.morphology.affix_set)
                if found:
                    return found
        for i in range(len(form) - MIN_STEM, 2, -1):
            if form[:i] in starts:
                found = self._stem(form[i:], partnered=True)
                if found:
                    return found
        return ()

    def _stem(self, stem: str, partnered: bool) -> tuple[tuple[TermEntry, str, int], ...]:
        m = self.morphology
        assert m is not None
        if m.is_word(stem) or stem in m.rare_words or stem in self.allow_words or m.is_word(unstretch(stem)):
            return ()
        return self._by_sound(stem, piece=True, partnered=partnered)

    @cached_property
    def _sound_phrases(self) -> tuple[dict[str, list[TermEntry]], dict[str, frozenset[str]]]:
        """Multi-word English terms to block or review by their words' sound keys, and each first word's sound key
        with those of the words that follow it in some term."""
        phrases: dict[str, list[TermEntry]] = defaultdict(list)
        after: dict[str, set[str]] = defaultdict(set)
        for key, entries in self.exact.items():
            words = key.split(" ")
            found = flagged(entries)
            if len(words) < 2 or not found or OTHER_LANGUAGE.match(found[0].category) or not key.replace(" ", "").isalpha():
                continue
            sounds = [sound_key(w) for w in words]
            phrases[" ".join(sounds)] += found
            after[sounds[0]].update(sounds[1:])
        return dict(phrases), {k: frozenset(v) for k, v in after.items()}

    def starts_phrase_by_ear(self, word: str) -> bool:
        """Whether a plain word may start a multi-word term respelled by ear ("byg" of "byg black", "ball" of
        "ball sakk")."""
        return self.morphology is not None and _word_sound(word) in self._sound_phrases[1]

    def may_continue_by_ear(self, first: str, words: list[str]) -> bool:
        """Whether a phrase that ``first`` starts by ear may go on in a text of plain ``words``: a word sounds like
        one that follows it in a term, and ``first`` or that word is no real word."""
        m = self.morphology
        after = self._sound_phrases[1].get(_word_sound(first)) if m is not None else None
        return bool(after) and any(_word_sound(w) in after and not (m.is_word(w) and m.is_word(first)) for w in words)

    def _phrases_by_ear(self, tokens: list[Token], text: str) -> list[Hit]:
        """Multi-word terms with a word respelled by ear ("byg black", "ball sakk", "gyrl on top"): n-grams of plain
        words, one of them at least no real word, that sound like a term; a term to review only when a respelled word
        is written as evasions write ("zex toys"; "dip throat" is two words)."""
        phrases, after = self._sound_phrases
        m = self.morphology
        if m is None or not phrases:
            return []
        hits: list[Hit] = []
        for i, tok in enumerate(tokens):
            if not tok.text.isalpha() or _word_sound(tok.text) not in after:
                continue
            for n in range(2, min(self.max_n, len(tokens) - i) + 1):
                gram = tokens[i : i + n]
                if not gram[-1].text.isalpha() or CLAUSE_BREAK.search(text, gram[-2].end, gram[-1].start):
                    break
                respelled = [t.text for t in gram if not m.is_word(t.text) and t.text not in self.allow_words]
                entries = phrases.get(" ".join(_word_sound(t.text) for t in gram)) if respelled else None
                found = [e for e in entries or () if e.severity == Severity.BLOCK or any(
                    _evasive(w, e.key) for w in respelled)]
                if found:
                    hits += [Hit(e, gram[0].start, gram[-1].end, "spelling") for e in found]
                    break
        return hits
