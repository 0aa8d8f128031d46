"""How the injection grammar (:mod:`~judge.rules.checks.addressed`) reads a text: its sentences, each sentence's
clauses and words, a word read whole with its hyphens and apostrophes ("judge-approved" is one word), an article or
pronoun elided before a word dropped ("l'évaluation": "evaluation"), a noun's possessive read as the noun ("the
reviewer's job": "reviewer"), and the grammar's phrases found in one pass over a sentence."""

from __future__ import annotations

import re

import ahocorasick

SENTENCE = re.compile(r"(?:[^.!?;\n]|(?<=\d)\.(?=\d))+")  # "0.99" and "4.2" end no sentence
_CLAUSE_BREAK = re.compile(r"[,:()\[\]{}\"«»“”|/~•–—✅✔☑]|\s-\s")  # punctuation, dashes, check marks
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+(?:[.,]\d+)*")  # "4.5" is one number ("4.5/5" is no "5/5")
# a French or Italian article or pronoun elided before a word ("l'évaluation", "dell'IA") is not part of it: dropped
# at the start of each word of a text in one pass (not inside one: "re-l'eau")
_ELIDED = re.compile(r"(?<![^\W\d_])(?<!['’-])(?:l|d|j|m|n|s|t|c|qu|dell|dall|nell|sull|all|un)['’](?=[^\W\d_])")
# a noun's possessive, but a title of praise ("Judge's Choice", "Reviewer's picks")
_POSSESSIVE = re.compile(r"(?<!['’-])\b([^\W\d_]+)['’]s\b(?!\s+(?:choice|picks?|favou?rites?|selections?|specials?|awards?|seal))")
_CONTRACTED = frozenset({"it", "that", "there", "here", "what", "who", "he", "she", "let", "where", "how", "when", "why",
                         "everyone", "everything", "nothing", "something", "someone", "one", "this"})


class Sentence:
    """One sentence's words, the words opening its clauses, and its text padded for phrase look-ups."""

    def __init__(self, text: str, softeners: frozenset[str]) -> None:
        self.words: list[str] = []
        self.opening: set[int] = set()  # indexes of words that open a clause or follow a softener
        self.closing: set[int] = set()  # indexes of words that end a clause
        pos, text = 0, _unelided(text)
        for m in WORD.finditer(text):
            broken = _CLAUSE_BREAK.search(text, pos, m.start()) is not None
            if self.words and broken:
                self.closing.add(len(self.words) - 1)
            if not self.words or broken or self.words[-1] in softeners:
                self.opening.add(len(self.words))
            self.words.append(m.group(0))
            pos = m.end()
        self.closing.add(len(self.words) - 1)
        self.padded = f" {' '.join(self.words)} "


def _unelided(text: str) -> str:
    """``text`` without the articles and pronouns elided before its words, and its nouns' possessive "'s" ("the
    reviewer's job": "reviewer"; not "it's", "that's", "let's", which say "is" or "us", nor "Judge's Choice")."""
    if "'" not in text and "’" not in text:
        return text
    return _POSSESSIVE.sub(lambda m: m.group(1) if m.group(1).lower() not in _CONTRACTED else m.group(0),
                           _ELIDED.sub("", text))


def read_words(text: str) -> list[str]:
    """The words of a text, or of a class's word or phrase, read alike: "c'est bon" is "est bon"."""
    return WORD.findall(_unelided(text))


def phrase_finder(phrases: dict[str, tuple[str, ...]]) -> ahocorasick.Automaton | None:
    """Every class's phrases (padded with spaces, so whole words) found in one pass over a sentence, each as (its
    number, its class, the phrase)."""
    hits: dict[str, list[tuple[int, str, str]]] = {}
    for k, (name, padded) in enumerate((n, p) for n, ps in phrases.items() for p in ps):
        hits.setdefault(padded, []).append((k, name, padded.strip()))
    if not hits:
        return None
    automaton = ahocorasick.Automaton()
    for padded, found in hits.items():
        automaton.add_word(padded, tuple(found))
    automaton.make_automaton()
    return automaton
