"""Benign product phrases learned from the loaded catalog: "pork butt", "chicken breast", "spotted dick".

Every product title that the term matcher flags contributes the word pairs around each hit ("boston butt",
"butt roast"); a candidate's hit whose own pair is one of them reads as the product it names, and the finding
becomes informational, with the product ids as evidence. Outside those exact pairs the term still counts.
Built once per catalog version (the evidence's fingerprint) and memoized.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from functools import lru_cache

from judge.rules.lexicon import Hit, TermIndex
from judge.rules.normalize import NormalizedText, normalize, word_tokens

MAX_EVIDENCE = 3  # product ids kept per phrase


def pairs_around(nt: NormalizedText, hit: Hit) -> list[str]:
    """The word pairs that the hit forms with its neighbours ("boston butt", "butt roast")."""
    words = word_tokens(nt)
    inside = [i for i, t in enumerate(words) if t.start < hit.end and t.end > hit.start]
    if not inside:
        return []
    first, last = inside[0], inside[-1]
    span = " ".join(t.text for t in words[first : last + 1])
    out = []
    if first > 0:
        out.append(f"{words[first - 1].text} {span}")
    if last + 1 < len(words):
        out.append(f"{span} {words[last + 1].text}")
    return out


@lru_cache(maxsize=4)
def learn(
    index: TermIndex, fingerprint: str, titles: tuple[tuple[str, str], ...], categories: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """``{pair: product ids}`` for every pair around a hit of one of ``categories`` (glob patterns) in a title."""
    phrases: dict[str, list[str]] = {}
    for product_id, title in titles:
        nt = normalize(title)
        for hit in index.find(nt):
            if not any(fnmatch.fnmatchcase(hit.entry.category, c) for c in categories):
                continue
            for pair in pairs_around(nt, hit):
                ids = phrases.setdefault(pair, [])
                if len(ids) < MAX_EVIDENCE:
                    ids.append(product_id)
    return {p: tuple(ids) for p, ids in phrases.items()}


def evidence_for(phrases: dict[str, tuple[str, ...]], nt: NormalizedText, hit: Hit) -> tuple[str, Sequence[str]] | None:
    for pair in pairs_around(nt, hit):
        ids = phrases.get(pair)
        if ids:
            return pair, ids
    return None
