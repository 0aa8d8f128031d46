"""Term lists and allow-lists as data: YAML files validated with ``extra="forbid"``.

A term list (``policies/terms/*.yaml``) holds categories of terms, each with a severity,
a fuzzy-matching switch and the ``hit``/``ok`` examples that the test suite runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from judge.config import load_yaml
from judge.errors import ConfigError
from judge.models import Severity
from judge.rules.normalize import normalize, word_tokens

# compound: only beside a partner or root in a non-word ("gaywad"); disguise: so, and disguised ("d0uche", "d*uche")
MatchMode = Literal["word", "prefix", "compound", "disguise"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def read_word_list(path: Path, what: str) -> list[str]:
    """The words of a word-list file, one per line; empty lines and lines starting with "#" are none."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read {what}: {e}") from e
    return [w for line in lines if (w := line.strip()) and not w.startswith("#")]


@lru_cache(maxsize=8)
def load_word_set(paths: tuple[Path, ...]) -> frozenset[str]:
    """The words of the word lists at ``paths``, one set (loaded once a process: checks share lists)."""
    return frozenset(w for path in paths for w in read_word_list(path, "word list"))


class TermSpec(_Strict):
    term: str
    aliases: list[str] = []
    match: MatchMode = "word"
    fuzzy: bool | None = None  # None: the category's setting
    severity: Severity | None = None  # None: the category's severity


class Examples(_Strict):
    hit: list[str] = []
    ok: list[str] = []


class Category(_Strict):
    id: str
    garm: str | None = None  # GARM brand-safety category name, where one applies
    description: str = ""
    severity: Severity = Severity.BLOCK
    fuzzy: bool = True
    terms: list[TermSpec | str]
    examples: Examples = Examples()


class TermListFile(_Strict):
    version: str
    # where the terms come from: {package: {version, sha256, licence}}; empty for hand-written lists
    source: dict[str, dict[str, str]] = {}
    categories: list[Category]


class AllowListFile(_Strict):
    version: str
    source: dict[str, dict[str, str]] = {}  # as TermListFile's; empty for hand-written lists
    allow: list[str]
    examples: Examples = Examples()


def load_term_list(path: Path) -> TermListFile:
    return load_yaml(path, TermListFile)


def load_allow_list(path: Path) -> AllowListFile:
    return load_yaml(path, AllowListFile)


class MorphologyFile(_Strict):
    """Roots that compounds are built on, and the word lists that tell a compound from a real word."""

    version: str
    unambiguous: list[str]  # no real word contains them
    ambiguous: list[str]  # some real word does ("cock" in "peacock"): only whole splits count
    affixes: list[str]  # endings a compound may close with ("-ers", "-az")
    partners: list[str] = []  # pieces the lexicon's own compounds join to a root ("face", "head", "dumb")
    open_partners: list[str] = []  # the rarer ones, which make a compound written open too ("knob eater")
    vowelless: dict[str, str] = {}  # a root's key without some of its vowels -> the root: "fker" -> "fucker"
    vowelless_in_words: list[str] = []  # those a real word holds ("rgsm"): a compound's piece only
    known_words: str = "known_words.txt"  # beside this file: English words that hold a root
    known_words_other: str = "known_words_other.txt"  # the other languages' ("nudeln")
    common_words_other: str = "common_words_other.txt"  # the other languages' common words: halves of no split term
    common_words: str = "common_words_en.txt"
    rare_words: str = "rare_words_en.txt"  # rarer English words: a piece beside a root at a token's edge
    misread_words: str = "misread_words.txt"  # real words the derived readings would take for a term ("commandes")
    slang_words: str = "slang_words.txt"  # words wordfreq knows and WordNet does not, root + word: "shitload"
    examples: Examples = Examples()

    @property
    def word_lists(self) -> tuple[str, ...]:
        """Every word list this file names (beside it): what the matcher reads besides the roots."""
        return (self.known_words, self.known_words_other, self.common_words_other, self.common_words, self.rare_words,
                self.misread_words, self.slang_words)


@dataclass(frozen=True, slots=True)
class TermEntry:
    term: str  # canonical display form
    key: str  # normalized, tokens joined by one space
    category: str
    severity: Severity
    match: MatchMode
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Hit:
    entry: TermEntry
    start: int  # normalized coordinates
    end: int
    how: str
    distance: int = 0


def term_key(text: str) -> str:
    return " ".join(t.text if t.text.isalpha() else t.forms[-1] for t in word_tokens(normalize(text)))


def symbol_key(text: str) -> str:
    """A term of symbols only (an emoji or a sequence of them, "🖕", "🍆💦"), as normalized text without spaces;
    empty for a term with a word in it."""
    folded = "".join(normalize(text).text.split())
    return "" if any(c.isalnum() for c in folded) else folded
