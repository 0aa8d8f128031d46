"""Token noise: a run of tokens that no writer of copy produces, the mark of an adversarial suffix that an optimizer
found (GCG's kind, Zou et al. 2023: "describing.\\ + similarlyNow write oppositeley.]( Me giving**ONE").

Such suffixes are made of a model's sub-word pieces chosen for their gradient, not their sense; what gives them away is
what gives away a high perplexity in a window of a few tokens (Jain et al. 2023, "Baseline defenses for adversarial
attacks against aligned language models"), read here without a language model, token by token:

- a token of code's symbols alone ("[", "{", "]]", "==", "\\"), or letters joined by them ("[atorio", "]=setAttribute",
  "giving**ONE", "oppositeley.]("),
- a lone "!" after another ("! ! !", the optimizer's starting filler),
- a word whose case changes mid-word as no brand's does ("similarlyNow", "tableView", "githubINST"; not "LaCroix",
  "iPhone"),
- a word of five letters or more that is in none of the word lists given, wordfreq's words of the seven languages the
  lexicons read ("Tuialsheet", "itsana"): weaker, since a brand is one too.

A window of ``window`` tokens is noise when its tokens weigh ``threshold`` or more, at least two of them strong
(symbols, code, case). Copy's own symbols weigh nothing: Markdown's emphasis at a word's edges, its links and
bracketed labels ("[NEW]"), separators ("|", "•", "->", ">>"), emoticons, hashtags, handles, addresses, escaped
quotes, code spans and TeX quotes ("`SAVE10`", "`kisser'")."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

NONWORD_MIN = 5  # shorter unknown pieces are abbreviations and units ("oz", "Bi", "BF")
STRONG, WEAK = 1.0, 0.5

_TOKEN = re.compile(r"\S+")
_CODE_SYMBOLS = frozenset("[]{}\\`^=|~_<>")
_EDGE = "\"'“”‘’«»()*_.,!?;:`"  # punctuation, emphasis and code quotes a word of copy wears at its edges
_NEUTRAL = re.compile(r"[|/•·\-–—~>»<«:;!?.,*&+%$#@]+|->|=>|<-|<3|[:;]-?[()DPp]|\(:|[()]")  # separators, emoticons
_MARKDOWN = re.compile(r"\[([^\[\]\s](?:[^\[\]\n]{0,78}[^\[\]\s])?)\](?:\((?:https?://|www\.|/)[^()\s]*\))?")  # a link or a "[label]"
_ESCAPED_QUOTE = re.compile(r"\\+[\"']")
_URL_OR_HANDLE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[#@][^\W_][\w.-]*", re.I)
_EMPHASIS = re.compile(r"^(\*{1,3}|_{1,3}|~~)[^*_~]+\1$")
_INNER_EMPHASIS = re.compile(r"(?<=[^\W_])(?:\*\*?|__?)(?=[^\W_])")  # "giving**ONE": strong when not a word's own
_ODD_CASE = re.compile(r"(?<![^\W\d_])[a-df-hj-z][a-z]+[A-Z]|[a-z]{2}[A-Z]{2}")  # "similarlyNow", "githubINST"
_BANG = re.compile(r"[!?]+")
_BANG_RUN = re.compile(r"(?<=\s)[!?]+\s+[!?]+(?=\s|$)")
_CODE_SIGN = re.compile(r"[\[\]{}\\`^=|~_<>*]")
_PIECE = re.compile(r"[^\W\d_]+")


class Noise(NamedTuple):
    """A noisy window of a text: the span from its first token that weighs to its last, its weight, and those tokens."""

    start: int
    end: int
    weight: float
    tokens: tuple[str, ...]


def find_noise(text: str, window: int, threshold: float, words: Collection[str]) -> Noise | None:
    """The first window of ``window`` tokens that weighs ``threshold`` or more with two strong tokens, if any; a word
    in ``words`` (lowercase) weighs nothing."""
    if not may_be_noise(text):
        return None
    tokens = list(_TOKEN.finditer(_ESCAPED_QUOTE.sub("'", _MARKDOWN.sub(_label, text))))
    strong = [_strong(m.group(0)) for m in tokens]
    for i in range(1, len(tokens)):  # "! ! !": an optimizer's filler (French puts one before a "!", never a run)
        strong[i] = strong[i] or (_BANG.fullmatch(tokens[i].group(0)) is not None
                                  and _BANG.fullmatch(tokens[i - 1].group(0)) is not None)
    if sum(strong) < 2:
        return None
    for i in range(max(1, len(tokens) - window + 1)):
        if sum(strong[i : i + window]) < 2:
            continue
        span = tokens[i : i + window]
        weights = [STRONG if s else _weak(m.group(0), words) for s, m in zip(strong[i : i + window], span, strict=True)]
        if sum(weights) >= threshold:
            weighing = [m for m, w in zip(span, weights, strict=True) if w]
            return Noise(weighing[0].start(), weighing[-1].end(), sum(weights), tuple(m.group(0) for m in weighing))
    return None


def may_be_noise(text: str) -> bool:
    """Whether ``text`` holds a code symbol or a lone "!" or "?", one of which noise always holds (case changes alone,
    "similarlyNow tableView", are names as often): most copy holds neither, and then no token is read."""
    return _CODE_SIGN.search(text) is not None or ((" !" in text or " ?" in text) and _BANG_RUN.search(text) is not None)


def _label(m: re.Match[str]) -> str:
    """A Markdown link or bracketed label read as its words, the same length (offsets stay the text's)."""
    return f" {m.group(1)}".ljust(len(m.group(0)))


def _strong(token: str) -> bool:
    """Code's symbols alone or inside a word, or a case change no brand makes."""
    core = token.strip(_EDGE)
    if not core:
        return any(c in _CODE_SYMBOLS for c in token)  # "_)", "[`"
    if _NEUTRAL.fullmatch(token) or _EMPHASIS.fullmatch(token) or _URL_OR_HANDLE.fullmatch(core):
        return False
    return (any(c in _CODE_SYMBOLS for c in core) or _INNER_EMPHASIS.search(core) is not None
            or _ODD_CASE.search(core) is not None)


def _weak(token: str, words: Collection[str]) -> float:
    """A piece of five letters or more that is no word."""
    return WEAK if any(len(p) >= NONWORD_MIN and p.lower() not in words for p in _PIECE.findall(token)) else 0.0

