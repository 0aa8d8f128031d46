"""Everyday words that lists call profane, read only when disguised: a disguise is intent, the word as written is not.

A word that two lists call profane ("douche", "homo") is profanity disguised in any way: leet ("h0m0"), spelled out
("d.o.u.c.h.e"), masked where no other word fits ("d*uche"), stretched ("douuuche"). A word that one list calls
profane ("fanny", "screwing") may be that list's topic ("vodka"), so its disguise in leet or spelled out ("f4nny",
"s.c.r.e.w.i.n.g") is one for a reviewer (``LONE``), never more.
"""

from __future__ import annotations

from judge.rules.inflection import singulars
from judge.rules.morphology import Morphology, phonetic
from judge.rules.normalize import Token
from judge.rules.spellings import destretched
from judge.rules.termlists import TermEntry

DISGUISED = "disguised"  # a hit's ``how``: a word that two lists call profane, disguised
LONE = "disguised, one list"  # a hit's ``how``: a word that one list calls profane, in leet or spelled out
_LONE_MIN = 4  # shorter leet tokens are codes and sizes ("f4t", "p00"), not disguises

Reading = tuple[TermEntry, str, int]


class DisguiseMatching:
    """Mixin of :class:`~judge.rules.lexicon.TermIndex`: the everyday words that lists call profane (``compound_only``;
    of those, the ones two lists call so: ``disguisable``), read when disguised."""

    morphology: Morphology | None
    compound_only: dict[str, list[TermEntry]]
    disguisable: dict[str, list[TermEntry]]
    topics: frozenset[str]

    def _disguised(self, tok: Token) -> tuple[Reading, ...]:
        """A word that two lists call profane, in any disguise; else one that one list does, in leet or spelled out."""
        readings = tok.forms if tok.obfuscated else (*tok.forms[1:], *self._stretched_readings(tok.text))
        for form in readings:
            for w in (form, *singulars(form)):
                entries = self.disguisable.get(phonetic(w)) if w.isalpha() and len(w) >= 3 else None
                if entries:
                    return tuple((e, DISGUISED, 0) for e in entries)
        return self._lone_disguise(tok) if tok.obfuscated and not tok.masked else ()

    def _lone_disguise(self, tok: Token) -> tuple[Reading, ...]:
        """"f4nny", "f.a.n.n.y": the leet or spelled-out reading of a word that one list calls profane."""
        for form in tok.forms if tok.joined else tok.forms[1:]:
            for w in (form, *singulars(form)):
                if len(w) < _LONE_MIN or not w.isalpha():
                    continue
                entries = [e for e in self.compound_only.get(phonetic(w), ()) if e.key == w and w not in self.topics]
                if entries:
                    return tuple((e, LONE, 0) for e in entries)
        return ()

    def _stretched_readings(self, text: str) -> tuple[str, ...]:
        """A stretched word read with the letter single and double, unless one reading is another word: "heeeell"
        may be "heel", "goooood" is "good" (not "god"), "douuuche" is "douche"."""
        readings = destretched(text)
        m = self.morphology
        if m is not None and any(m.is_word(r) and phonetic(r) not in self.disguisable for r in readings):
            return ()
        return readings
