"""The product catalog: load rows (idempotent, bad rows reported), evidence for the checks, vocabulary.

Rows come from :mod:`judge.surfaces.catalog_files` (or any caller): ``id``, ``title`` and optionally
``brand``, ``category``, ``aisle``, ``department``, ``popularity`` (or ``score``), ``available``; other
keys are kept as ``extra_json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from judge.models import PLACEHOLDER_TAXONOMY, STOPWORDS, Row
from judge.store import Product, Store

KNOWN = ("id", "title", "brand", "category", "aisle", "department", "popularity", "available")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class LoadResult:
    loaded: int
    errors: list[str]
    total: int


@dataclass(frozen=True, slots=True)
class _Hit:
    aisle: str | None
    department: str | None
    title: str = ""


class StoreEvidence:
    """The catalog in a store, as the rule checks' :class:`~judge.rules.checks.CatalogEvidence`.

    ``prefetch`` answers a batch's searches at once: from the searches stored for this catalog version,
    and by BM25 for the rest, which are stored for the next run.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.fingerprint = store.catalog_fingerprint()
        self._ready: dict[tuple[int, bool], dict[str, list[str]]] = {}

    @cached_property
    def _groups(self) -> dict[str, tuple[str | None, str | None, str]]:
        return self.store.product_groups()

    def prefetch(self, queries: Sequence[str], k: int, any_word: bool = False) -> None:
        todo = list(dict.fromkeys(queries))
        found = self.store.stored_retrievals(self.fingerprint, k, any_word, todo)
        new = [(q, [p.id for p in self.store.search_products(q, k, any_word=any_word)]) for q in todo if q not in found]
        if new:
            self.store.add_retrievals(self.fingerprint, k, any_word, new)
            found.update(new)
        self._ready[(k, any_word)] = found

    def group_titles(self, level: Literal["department", "aisle"], per: int) -> dict[str, list[str]]:
        return self.store.group_titles(level, per)

    def aisle_departments(self) -> dict[str, str]:
        return self.store.aisle_departments()

    def search(self, query: str, k: int, any_word: bool = False) -> Sequence[_Hit | Product]:
        ids = self._ready.get((k, any_word), {}).get(query)
        if ids is None:
            return self.store.search_products(query, k, any_word=any_word)
        return [_Hit(*self._groups.get(i, (None, None, ""))) for i in ids]

    def titles(self) -> list[tuple[str, str]]:
        return self.store.product_titles()


def evidence(store: Store) -> StoreEvidence | None:
    """Catalog evidence for the checks, when the store holds a catalog."""
    return StoreEvidence(store) if store.product_count() else None


def _clean(obj: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    pid = str(obj.get("id") or obj.get("product_id") or "").strip()
    title = str(obj.get("title") or obj.get("name") or obj.get("product_name") or "").strip()
    if not pid:
        return {}, "missing id"
    if not title:
        return {}, "missing title"
    if len(title) > 1000:
        return {}, "title over 1,000 characters"
    pop = obj.get("popularity", obj.get("score"))
    try:
        popularity = float(pop) if pop not in (None, "") else None
    except (TypeError, ValueError):
        return {}, f"popularity {pop!r} is not a number"
    available = str(obj.get("available", "1")).strip().lower() not in ("0", "false", "no", "")
    extra = {k: v for k, v in obj.items() if k not in KNOWN and k not in ("product_id", "name", "product_name", "score")}
    return {
        "id": pid, "title": title, "brand": obj.get("brand") or None, "category": obj.get("category") or None,
        "aisle": obj.get("aisle") or None, "department": obj.get("department") or None, "popularity": popularity,
        "available": int(available), "extra_json": json.dumps(extra, ensure_ascii=False) if extra else None,
    }, None


def load(store: Store, rows: Iterable[Row]) -> LoadResult:
    """Upsert products by id (loading the same rows twice changes nothing), then rebuild the index."""
    errors: list[str] = []

    def products() -> Iterator[dict[str, Any]]:
        for row in rows:
            values, problem = _clean(row.obj) if row.obj is not None else ({}, None)
            if row.error or problem:
                errors.append(row.error or f"{row.where}: {problem}")
                continue
            yield values

    loaded, total = store.load_products(products())
    return LoadResult(loaded, errors, total)


VOCABULARY_VERSION = 1  # bump when the way the vocabulary is built changes: stored ones are then rebuilt


def vocabulary(store: Store, min_count: int = 3, max_n: int = 3, limit: int = 20_000) -> list[tuple[str, int, str, float]]:
    """The catalog's keyword vocabulary (:func:`build_vocabulary`), built once per catalog version and kept."""
    fingerprint = store.catalog_fingerprint()
    name = f"vocabulary:v{VOCABULARY_VERSION}:min_count={min_count}:max_n={max_n}:limit={limit}"
    kept = store.catalog_artifact(fingerprint, name)
    if kept is not None:
        return [tuple(row) for row in json.loads(kept)]  # type: ignore[misc]
    built = build_vocabulary(store, min_count, max_n, limit)
    store.keep_catalog_artifact(fingerprint, name, json.dumps(built, ensure_ascii=False))
    return built


def build_vocabulary(store: Store, min_count: int = 3, max_n: int = 3, limit: int = 20_000) -> list[tuple[str, int, str, float]]:
    """Keyword vocabulary from the catalog: frequent title n-grams (brand names removed) plus aisle
    and department names.

    Returns ``(keyword, count, aisle, share)`` sorted by count, where ``aisle`` is where the keyword is most
    frequent and ``share`` the part of its occurrences found there (how specific it is to that aisle).
    """
    from collections import Counter, defaultdict

    counts: Counter[str] = Counter()
    where: dict[str, Counter[str]] = defaultdict(Counter)
    rows = store.available_products()
    for title, aisle, department, brand in rows:
        brand_words = set(_WORD.findall((brand or "").lower()))
        words = [w for w in _WORD.findall(title.lower()) if not w.isdigit() and w not in brand_words]
        seen: set[str] = set()
        for n in range(1, max_n + 1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS or any(len(w) < 3 for w in gram):
                    continue
                seen.add(" ".join(gram))
        for g in seen:
            counts[g] += 1
            where[g][aisle or ""] += 1
        for name in (aisle, department):
            if name:
                where[name][aisle or ""] += 1
    def top(g: str) -> tuple[str, float]:
        aisle, n = where[g].most_common(1)[0]
        return aisle, n / max(sum(where[g].values()), 1)

    out = [(g, c, *top(g)) for g, c in counts.items() if c >= min_count]
    names = ({r[1] for r in rows if r[1]} | {r[2] for r in rows if r[2]}) - PLACEHOLDER_TAXONOMY
    out += [(name, sum(where[name].values()), *top(name)) for name in names if name not in counts]
    out.sort(key=lambda r: (-r[1], r[0]))
    return out[:limit]
