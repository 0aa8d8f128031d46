"""Term lists and the word-boundary-aware matcher behind the brand-safety check.

Term lists are YAML data (``policies/terms/*.yaml``) organised by category. The
:class:`TermIndex` built from them matches normalized *tokens and n-grams*, never
raw substrings, so "Scunthorpe" and "Essex" are words of their own. Look-ups are
dict/set hits; the only per-term work is rapidfuzz's C++ scan over a length
bucket, done once per distinct token (cached), so cost grows with the number of
distinct tokens, not terms x tokens.

Ways a token can hit a term, most to least certain:
``exact`` (as normalized), ``leet`` (``sh1t``), ``plural`` (``guns`` -> gun),
``repeat`` (``shiiit``), ``masked`` (``f*ck``), ``prefix`` (terms marked
``match: prefix``: ``fucking``), ``fuzzy`` (within a small edit distance).
An allow-list phrase ("pussy willow", "cocktail shrimp"), or the same written closed ("pussywillow"), covering
the hit suppresses it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from judge.errors import ConfigError
from judge.models import Severity
from judge.policy import FuzzyConfig
from judge.rules.borrowed import BorrowedMatching
from judge.rules.disguised import DisguiseMatching
from judge.rules.inflection import singulars, terms_as_verbs
from judge.rules.morphology import (
    Morphology,
    load_morphology,
    phonetic,
    spelling_key,
)
from judge.rules.normalize import _WORD as _WORD_RE
from judge.rules.normalize import (
    NormalizedText,
    Token,
    collapse_repeats,
    word_tokens,
)
from judge.rules.phrases import TRIPLE as _TRIPLE
from judge.rules.phrases import PhraseMatching
from judge.rules.respellings import RespellingMatching
from judge.rules.spellings import OTHER_LANGUAGE, SpellingMatching
from judge.rules.splits import SplitMatching
from judge.rules.termlists import (
    Category,
    Hit,
    TermEntry,
    TermSpec,
    load_allow_list,
    load_term_list,
    symbol_key,
    term_key,
)

_HAS_REPEAT = re.compile(r"(.)\1")
_STARTS_PHRASE = "starts a phrase"  # a harmless word that a text is clean with unless a phrase's next word follows


class TermIndex(PhraseMatching, SpellingMatching, RespellingMatching, SplitMatching, BorrowedMatching,
                DisguiseMatching):
    """Matcher over every term of a set of term lists, with an allow-list."""

    def __init__(self, categories: list[Category], allow: list[str], morphology: Morphology | None = None,
                 topics: frozenset[str] = frozenset()) -> None:
        self.exact: dict[str, list[TermEntry]] = defaultdict(list)
        self.collapsed: dict[str, list[TermEntry]] = defaultdict(list)
        self._init_phrases()
        self.masked: dict[tuple[int, str, str], list[TermEntry]] = defaultdict(list)
        self.prefix: dict[str, list[TermEntry]] = defaultdict(list)
        self.compound_only: dict[str, list[TermEntry]] = defaultdict(list)  # phonetic key -> "gay", "queer", "piss"
        self.disguisable: dict[str, list[TermEntry]] = defaultdict(list)  # of those, profane when disguised: "douche"
        self.fuzzy_keys: dict[int, list[str]] = defaultdict(list)  # length -> keys
        self.fuzzy_entries: dict[str, list[TermEntry]] = defaultdict(list)
        self.categories = {c.id: c for c in categories}
        self.symbols: dict[str, list[TermEntry]] = defaultdict(list)  # emoji terms, found as substrings ("🖕")
        self.morphology = morphology
        self.topics = topics  # words that name goods ("hemp", "vodka"): a list's topic, however written
        self.max_n = 1
        for cat in categories:
            for spec in cat.terms:
                if isinstance(spec, str):
                    spec = TermSpec(term=spec)
                for surface in [spec.term, *spec.aliases]:
                    key = term_key(surface)
                    symbols = "" if key else symbol_key(surface)
                    if not key and not symbols:
                        continue
                    entry = TermEntry(
                        term=spec.term,
                        key=key or symbols,
                        category=cat.id,
                        severity=spec.severity or cat.severity,
                        match=spec.match,
                        fuzzy=cat.fuzzy if spec.fuzzy is None else spec.fuzzy,
                    )
                    if symbols:
                        self.symbols[symbols].append(entry)
                    else:
                        self._add(entry)
        self.phonetic_exact: dict[str, list[TermEntry]] = defaultdict(list)  # "fuk" -> fuck
        for key, entries in self.exact.items():
            if " " in key:
                continue
            block = [e for e in entries if e.severity == Severity.BLOCK]
            sound, spelled = phonetic(key), spelling_key(key)
            if sound != key:
                self.phonetic_exact[sound] += block
            if spelled != sound and self.morphology and self.morphology.strong_or_root(key):
                self.phonetic_exact[spelled] += block  # "kunt", "kok"; not "Kula" for "cula"
        self.inflected = self._verb_forms()
        self._symbols_re = re.compile("|".join(map(re.escape, sorted(self.symbols, key=len, reverse=True)))) if self.symbols else None
        phrases = {term_key(a) for a in allow if term_key(a)}
        # a phrase written closed is that phrase ("Pussywillow", "cockaleekie"), unless the closed form is a term itself
        self.allow = phrases | {joined for a in phrases if " " in a and (joined := a.replace(" ", "")).isalpha()
                                and joined not in self.exact}
        self.allow_words = frozenset(w for a in phrases for w in a.split())  # a closed form fills no mask ("dill*eed")
        self.allow_last = frozenset(a.rsplit(" ", 1)[-1] for a in self.allow)
        self.allow_max_n = max((k.count(" ") + 1 for k in self.allow), default=0)
        self.term_count = len({(e.category, e.key) for v in self.exact.values() for e in v})
        self._index_phrases()
        self._init_borrowed()
        self._fuzzy_cache: dict[tuple[str, int, int], tuple[tuple[TermEntry, int], ...]] = {}
        self._memos: dict[object, dict] = {}
        self._last_cfg: FuzzyConfig | None = None
        self._last_memo: dict | None = None
        self._last_key: object = None
        self._harmless: dict[object, dict[str, bool | str]] = {}
        self._text_memo: dict[tuple[object, str], list[Hit]] = {}

    def _add(self, e: TermEntry) -> None:
        if e.match in ("compound", "disguise"):  # never a hit as a word of its own
            self.compound_only[phonetic(e.key)].append(e)
            if e.match == "disguise":
                self.disguisable[phonetic(e.key)].append(e)
            return
        self.exact[e.key].append(e)
        n = e.key.count(" ") + 1
        self.max_n = max(self.max_n, n)
        if n > 1:
            self._add_phrase(e)
            return
        rep = collapse_repeats(e.key)
        self.collapsed[rep].append(e)
        if len(e.key) >= 3:
            self.masked[(len(e.key), e.key[0], e.key[-1])].append(e)
        if e.match == "prefix":
            self.prefix[e.key].append(e)
        if e.fuzzy:
            if e.key not in self.fuzzy_entries:
                self.fuzzy_keys[len(e.key)].append(e.key)
            self.fuzzy_entries[e.key].append(e)

    def _verb_forms(self) -> dict[str, list[TermEntry]]:
        """The verb forms of the English terms that the lists hold as verbs (see :func:`terms_as_verbs`)."""
        m = self.morphology
        if m is None:
            return {}
        terms = {key: found for key, entries in self.exact.items()
                 if (found := [e for e in entries if not OTHER_LANGUAGE.match(e.category)])}
        return {form: terms[key] for form, key in terms_as_verbs(terms, self.exact, m.is_word).items()}

    # -- matching -------------------------------------------------------------

    def find(self, nt: NormalizedText, fuzzy_cfg: FuzzyConfig | None = None) -> list[Hit]:
        """Every term hit in ``nt`` (normalized coordinates), allow-listed phrases removed."""
        memo = self._memo_for(fuzzy_cfg)
        if nt.homoglyphs:
            return self._find(nt, memo, fuzzy_cfg, self._across_words(nt.text))
        texts = self._text_memo
        key = (self._last_key, nt.text)
        hits = texts.get(key)
        if hits is None:
            across = self._across_words(nt.text)
            hits = [] if not across and self._clean(nt.text, fuzzy_cfg) else self._find(nt, memo, fuzzy_cfg, across)
            if len(texts) > 200_000:
                texts.clear()
            texts[key] = hits
        return list(hits)

    def _find(self, nt: NormalizedText, memo: dict, fuzzy_cfg: FuzzyConfig | None, across: list[Hit]) -> list[Hit]:
        tokens = word_tokens(nt)
        hits: list[Hit] = list(across)
        for tok in nt.tokens:
            key = (tok.text, tok.obfuscated, tok.joined)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._single(tok, fuzzy_cfg)
            hits += [Hit(e, tok.start, tok.end, how, d) for e, how, d in found]
        hits += self._borrowed_hits(nt.tokens) if self.borrowed else []
        if self.max_n > 1:
            hits += self._phrases(tokens, nt.text) + self._phrases_by_ear(tokens, nt.text)
        if not hits:
            return hits
        allowed = self._allowed_ranges(tokens)
        if allowed:
            hits = [h for h in hits if not any(a <= h.start and h.end <= b for a, b in allowed)]
        seen: set[tuple[str, str, int]] = set()
        out = []
        for h in hits:
            k = (h.entry.category, h.entry.term, h.start)
            if k not in seen:
                seen.add(k)
                out.append(h)
        return out

    def _across_words(self, text: str) -> list[Hit]:
        """Hits that no word token holds: words split by hyphens that are one term joined ("mo-fo", "master-bate";
        exact terms only) or by a space ("ky ke"), open compounds ("knob eater"), a separator standing for a letter
        ("f-ck"), and terms of symbols ("🖕"; only a text with more than ASCII can hold one)."""
        spaced = text.replace("_", " ") if "_" in text else text  # "hard_on": an underscore separates, as tokens read it
        read_as_one = (*self._split_words(spaced), *self._separator_masks(text), *self._hyphenated(text))
        hits = [Hit(e, start, end, how, 0) for start, end, e, how in read_as_one]
        if self._symbols_re is not None and not text.isascii():
            hits += [Hit(e, m.start(), m.end(), "symbols", 0) for m in self._symbols_re.finditer(text)
                     for e in self.symbols[m.group()]]
        return hits

    def _stretched_terms(self, form: str) -> list[TermEntry]:
        """The terms that ``form`` spells with repeated letters ("fuuuck", "wallmart"), as ``_stretched`` allows."""
        return [e for e in self.collapsed.get(collapse_repeats(form), ()) if self._stretched(form, e)]

    def _clean(self, text: str, fuzzy_cfg: FuzzyConfig | None) -> bool:
        """Fast screen: plain words that each hit nothing and start no phrase (no tokens built)."""
        singles = 0
        harmless = self._harmless_memo(fuzzy_cfg)
        words = _WORD_RE.findall(text.replace("_", " ") if "_" in text else text)
        for w in words:
            ok = harmless.get(w)
            if ok is None:
                ok = harmless[w] = self._harmless_word(Token(w, 0, len(w)), fuzzy_cfg)
            if not ok or ok is _STARTS_PHRASE and (self._may_continue(w, words) or self.may_continue_by_ear(w, words)):
                return False
            if len(w) == 1:
                singles += 1
        return singles < 3  # runs of single letters may join into a word ("s h i t")

    def _harmless_word(self, tok: Token, cfg: FuzzyConfig | None) -> bool | str:
        """A plain word that hits nothing in any spelling ("bbiigg" is "big"): True, or _STARTS_PHRASE ("chocolate")."""
        if not tok.text.isalpha() or tok.text in self.borrowed or self._starts_stretched(tok.text) or self._single(tok, cfg):
            return False
        starts = any(f in self.first_words for f in tok.forms) or self.starts_phrase_by_ear(tok.text)
        return _STARTS_PHRASE if starts else True

    def _harmless_memo(self, cfg: FuzzyConfig | None) -> dict[str, bool | str]:
        self._memo_for(cfg)
        memo = self._harmless.get(self._last_key)
        if memo is None or len(memo) > 500_000:
            memo = self._harmless[self._last_key] = {}
        return memo

    def _memo_for(self, cfg: FuzzyConfig | None) -> dict[tuple[str, bool, bool], tuple[tuple[TermEntry, str, int], ...]]:
        if cfg is self._last_cfg and self._last_memo is not None and len(self._last_memo) <= 500_000:
            return self._last_memo
        cfg_key = None if cfg is None else tuple(cfg.model_dump().values())
        memo = self._memos.get(cfg_key)
        if memo is None or len(memo) > 500_000:
            memo = self._memos[cfg_key] = {}
        self._last_cfg, self._last_memo, self._last_key = cfg, memo, cfg_key
        return memo

    def _stronger_reading(self, tok: Token, listed: list[TermEntry]) -> tuple[tuple[TermEntry, str, int], ...]:
        """A word listed as a maybe only that the morphology reads as a block term ("fking", which wordfreq knows as
        a word, is "fucking" without its vowels): the block reading; a listed maybe never hides a stronger one."""
        if any(e.severity == Severity.BLOCK for e in listed):
            return ()
        return tuple(h for h in self._compound(tok) if h[0].severity == Severity.BLOCK)

    def _single(self, tok: Token, fuzzy_cfg: FuzzyConfig | None) -> tuple[tuple[TermEntry, str, int], ...]:
        """How one token hits single-word terms; depends only on its text and flags (memoized)."""
        exact = self.exact
        for form in tok.forms:
            entries = exact.get(form) or (self.joined_phrases.get(form) if tok.joined or self._no_word(form) else None)
            if entries:
                how = "joined" if tok.joined else "exact" if form == tok.text else "leet" if not tok.text.isalpha() else "repeat"
                return self._stronger_reading(tok, entries) or tuple((e, how, 0) for e in entries)
        for form in tok.forms:
            for sing in singulars(form):
                entries = exact.get(sing)
                if entries:
                    return tuple((e, "plural", 0) for e in entries)
            entries = self.inflected.get(form)
            if entries:
                return tuple((e, "inflected", 0) for e in entries)
        disguised = self._disguised(tok) if self.disguisable else ()
        if disguised:
            return disguised
        out: list[tuple[TermEntry, str, int]] = []
        for form in tok.forms:
            if _HAS_REPEAT.search(form):  # "fuuuck", and a plural stretched: "towelhhheads"
                out += [(e, "repeat", 0) for w in (form, *singulars(form)) for e in self._stretched_terms(w)]
            if self.prefix:
                for pre_len in range(3, len(form)):
                    out += [(e, "prefix", 0) for e in self.prefix.get(form[:pre_len], ())]
            if out:
                return tuple(out)
        if tok.masked:
            out = self._masked(tok)
            if out:
                return tuple(out)
        compound = self._compound(tok)
        if compound:
            return compound
        if fuzzy_cfg is not None and fuzzy_cfg.enabled:
            form = tok.forms[-1]
            if self.morphology is not None and self.morphology.is_word(form):
                return ()  # a real word is never a misspelling of a term ("meatballs", "rewards")
            min_len = fuzzy_cfg.min_term_length if tok.obfuscated else fuzzy_cfg.clean_min_term_length
            for variant in dict.fromkeys((form, form.replace("v", "u"))):  # "fcvking"
                for entry, dist in self._fuzzy(variant, min_len, fuzzy_cfg):
                    if not tok.obfuscated:
                        if variant.startswith(entry.key) or entry.key.startswith(variant):
                            continue  # "pirate" vs "pirated": another word's inflection, not a misspelling
                        if self.morphology is None and Indel.distance(variant, entry.key) > fuzzy_cfg.max_distance:
                            continue  # without a dictionary: one letter *different* is likely another word
                    out.append((entry, "fuzzy", dist))
        return tuple(out)

    def _no_word(self, form: str) -> bool:
        """A token that no word list knows: written as one, a listed phrase is that phrase ("siegheil")."""
        m = self.morphology
        return m is not None and form not in self.allow_words and not m.is_word(form) and form not in m.rare_words

    def _stretched(self, form: str, entry: TermEntry) -> bool:
        """Whether repeated letters hide a term: a letter three times ("fuuuck"), or twice in a token that is no
        real word and hides a strong or hand-listed term ("wallmart"). Doubled letters are spelling too:
        "sloppy", "moose", "teff" must not become "slopy", "mose", "teef". Stretching only adds letters: "XX"
        (Dos Equis) is no spelling of "xxx"."""
        if len(form) < len(entry.key):
            return False
        if _TRIPLE.search(form) or self.morphology is None:
            return True
        return not self.morphology.is_word(form) and (entry.fuzzy or self.morphology.strong_or_root(entry.key))

    def _fuzzy(self, form: str, min_len: int, cfg: FuzzyConfig) -> tuple[tuple[TermEntry, int], ...]:
        if len(form) < min_len - cfg.max_distance or not form.isalpha():
            return ()
        cache_key = (form, min_len, cfg.max_distance)
        cached = self._fuzzy_cache.get(cache_key)
        if cached is not None:
            return cached
        max_d = cfg.max_distance + (1 if len(form) >= cfg.long_term_length else 0)
        found: list[tuple[TermEntry, int]] = []
        for length in range(max(min_len, len(form) - max_d), len(form) + max_d + 1):
            bucket = self.fuzzy_keys.get(length)
            if not bucket:
                continue
            allowed_d = cfg.max_distance + (1 if length >= cfg.long_term_length else 0)
            for key, dist, _ in process.extract(form, bucket, scorer=OSA.distance, score_cutoff=allowed_d, limit=3):
                if dist == 0:
                    continue  # exact hits are found by look-up; equal only after folding
                found += [(e, dist) for e in self.fuzzy_entries[key]]
        result = tuple(found)
        if len(self._fuzzy_cache) > 500_000:
            self._fuzzy_cache.clear()
        self._fuzzy_cache[cache_key] = result
        return result


@lru_cache(maxsize=16)
def build_index(list_paths: tuple[Path, ...], allow_paths: tuple[Path, ...], morphology: Path | None = None,
                topics: frozenset[str] = frozenset()) -> TermIndex:
    """The index of the term lists at ``list_paths``; ``topics``: words that name goods, never a disguise of one
    list's word (``DisguiseMatching``)."""
    categories: list[Category] = []
    seen: dict[str, Path] = {}
    for p in list_paths:
        for cat in load_term_list(p).categories:
            if cat.id in seen:
                raise ConfigError(f"{p}: category {cat.id!r} is already defined in {seen[cat.id]}")
            seen[cat.id] = p
            categories.append(cat)
    allow: list[str] = []
    for p in allow_paths:
        allow += load_allow_list(p).allow
    return TermIndex(categories, allow, load_morphology(morphology) if morphology else None, topics)


__all__ = ["Hit", "TermEntry", "TermIndex", "build_index", "term_key"]
