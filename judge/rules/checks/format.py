"""Format and constraint checks: lengths, keyword counts, duplicates, hidden characters."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from judge.models import Finding, Severity, simple_key
from judge.rules.checks.base import Check, Subject

R, I, B = Severity.REVIEW, Severity.INFO, Severity.BLOCK
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NEAR_DUPLICATE_LIMIT = 64  # distinct keywords compared pairwise; a record with more is flagged too_many_keywords
# characters that no search query needs and markup or a payload does: a verdict split over keywords ('{"pass"', 'true}')
_MARKUP = re.compile(r"[{}<>\[\]|]")


class FormatCheck(Check):
    id = "format"
    description = ("Theme and keyword length, keyword count, duplicates and near-duplicates, markup in a keyword, hidden "
                   "characters")

    def check(self, subject: Subject) -> list[Finding]:
        c, cfg = subject.candidate, self.cfg
        out: list[Finding] = []
        add = out.append
        theme = c.theme.strip()
        words = len(theme.split())
        if not theme:
            add(self.rule("theme_empty", B, "theme is empty", "theme"))
        elif len(theme) < cfg.theme_min_chars:
            add(self.rule("theme_too_short", R, f"theme has {len(theme)} characters, fewer than {cfg.theme_min_chars}", "theme", score=len(theme)))
        if len(theme) > cfg.theme_max_chars:
            add(self.rule("theme_too_long", R, f"theme has {len(theme)} characters, more than {cfg.theme_max_chars}", "theme", score=len(theme)))
        if words > cfg.theme_max_words:
            add(self.rule("theme_too_many_words", R, f"theme has {words} words, more than {cfg.theme_max_words}", "theme", score=words))
        n = len(c.keywords)
        if n < cfg.keywords_min:
            add(self.rule("too_few_keywords", R, f"{n} keywords, fewer than {cfg.keywords_min}", "keywords", score=n))
        if n > cfg.keywords_max:
            add(self.rule("too_many_keywords", R, f"{n} keywords, more than {cfg.keywords_max}", "keywords", score=n))
        keys = [simple_key(k) for k in c.keywords]
        theme_key = simple_key(theme)
        first_seen: dict[str, int] = {}
        for i, (kw, key) in enumerate(zip(c.keywords, keys, strict=True)):
            name = f"keywords[{i}]"
            if not key:
                add(self.rule("keyword_empty", R, "keyword is empty", name))
                continue
            if len(key) < cfg.keyword_min_chars:
                add(self.rule("keyword_too_short", R, f"keyword {kw!r} is shorter than {cfg.keyword_min_chars} characters", name))
            if len(key) > cfg.keyword_max_chars:
                add(self.rule("keyword_too_long", R, f"keyword has {len(key)} characters, more than {cfg.keyword_max_chars}", name, score=len(key)))
            if key in first_seen:  # the same search twice: noted (as a near-duplicate is), not held; strict reviews it
                add(self.rule("duplicate_keyword", I, f"keyword {kw!r} repeats keywords[{first_seen[key]}]", name, text=kw))
            else:
                first_seen[key] = i
            if key == theme_key:
                add(self.rule("keyword_repeats_theme", R, "keyword repeats the theme verbatim", name, text=kw))
            if _MARKUP.search(kw):
                add(self.rule("keyword_markup", R, "keyword holds markup or code characters ({}, <>, [], |), which no "
                              "search query needs", name, text=kw))
        out += self._near_duplicates(c.keywords, keys, first_seen)
        for field_name, nt in subject.fields:
            out += self._hidden(field_name, nt.original)
        return out

    def _near_duplicates(self, keywords: list[str], keys: list[str], first_seen: dict[str, int]) -> list[Finding]:
        """Pairs of distinct keywords at least ``near_duplicate_threshold`` alike, among the first
        ``NEAR_DUPLICATE_LIMIT`` (pairwise work is bounded whatever the record holds)."""
        uniq = [(i, k) for k, i in first_seen.items()]
        out: list[Finding] = []
        if len(uniq) > NEAR_DUPLICATE_LIMIT:
            out.append(self.rule("near_duplicates_partly_checked", I, f"{len(uniq)} distinct keywords: near-duplicates "
                                 f"were looked for among the first {NEAR_DUPLICATE_LIMIT}", "keywords", score=len(uniq)))
            uniq = uniq[:NEAR_DUPLICATE_LIMIT]
        cutoff = self.cfg.near_duplicate_threshold
        for a, (ia, ka) in enumerate(uniq):  # pairs one by one: for a record's few keywords, faster than a cdist matrix
            for ib, kb in uniq[a + 1 :]:
                score = fuzz.ratio(ka, kb, score_cutoff=cutoff)
                if not score:
                    continue
                out.append(self.rule(
                    "near_duplicate_keyword", I,
                    f"keyword {keywords[ib]!r} nearly repeats keywords[{ia}] {keywords[ia]!r} ({score:.0f}%)",
                    f"keywords[{ib}]", text=keywords[ib], score=score,
                ))
        return out

    def _hidden(self, field_name: str, text: str) -> list[Finding]:
        if text.isascii() and not _ASCII_CONTROL.search(text):
            return []
        hidden = [i for i, ch in enumerate(text) if unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n"]
        if not hidden:
            return []
        names = sorted({f"U+{ord(text[i]):04X}" for i in hidden})
        return [
            self.rule("hidden_characters", R,
                f"{len(hidden)} invisible or control character(s): {', '.join(names[:5])}",
                field_name,
                span=(hidden[0], hidden[-1] + 1),
                text=text,
            )
        ]
