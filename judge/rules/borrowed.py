"""Another language's everyday word that English lists call profane, written in an English text: "Kunt party snacks".

Dutch "kunt" ("you can") and French "tard" ("late") are everyday words there and rare in English, where the lists that
call them profane mean them. A disguise of one is profanity in any text (``TermIndex._disguised``); the word as written
is one for a reviewer when no other word of the text is another language's common word ("Il est trop tard" is French,
"U kunt nu bestellen" Dutch). An English word ("douche", "negro", "hell") is left to its disguises: English uses it
every day.
"""

from __future__ import annotations

from dataclasses import replace

from judge.models import Severity
from judge.rules.morphology import Morphology
from judge.rules.normalize import Token
from judge.rules.termlists import Hit, TermEntry

BORROWED = "borrowed"  # a hit's ``how``: read as the English term in a text of English words


class BorrowedMatching:
    """Mixin of :class:`~judge.rules.lexicon.TermIndex`: the terms that two lists call profane (``disguisable``) and
    that are another language's common words, not English ones."""

    morphology: Morphology | None
    disguisable: dict[str, list[TermEntry]]

    def _init_borrowed(self) -> None:
        m = self.morphology
        self.borrowed: dict[str, tuple[TermEntry, ...]] = {}
        if m is None:
            return
        for entries in self.disguisable.values():
            for e in entries:
                if e.key.isalpha() and e.key in m.common_other and e.key not in m.common_words:
                    self.borrowed[e.key] = (*self.borrowed.get(e.key, ()), replace(e, severity=Severity.REVIEW))

    def _borrowed_hits(self, tokens: list[Token]) -> list[Hit]:
        """The borrowed terms written plain in ``tokens``, when no other token is another language's common word."""
        found = [t for t in tokens if t.text in self.borrowed and not t.obfuscated]
        other = self.morphology.common_other if self.morphology is not None else frozenset()
        if not found or any(t.text in other and t.text not in self.borrowed for t in tokens):
            return []
        return [Hit(e, t.start, t.end, BORROWED, 0) for t in found for e in self.borrowed[t.text]]
