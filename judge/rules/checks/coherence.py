"""Theme-keyword coherence: does each keyword belong to the theme and to the other keywords?

Signals, best first:
- sentence embeddings (when the ``embed`` extra is installed): keyword-theme cosine
  similarity, against an absolute floor and against the other keywords;
- catalog evidence (when a catalog is loaded in the store): the departments of the
  products each keyword retrieves (BM25 top-k) are compared with those of the other
  keywords and of the theme; a keyword that retrieves nothing is a finding too, and so is
  one that names goods nobody eats (WordNet) among food keywords, from a department of its own, and so is a set
  whose every keyword names goods or pet products under a theme that names food (or food under a theme for pets);
- lexical fallback (no catalog): shared word stems, reported as the weak signal it is.
"""

from __future__ import annotations

import statistics
from collections import Counter
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from judge.models import PLACEHOLDER_TAXONOMY, Finding, Severity, simple_key
from judge.resources import resolve_data_file
from judge.rules.checks.base import CatalogEvidence, Check, CheckStatus, Subject
from judge.rules.checks.coherence_kinds import WhatKeywordsName
from judge.rules.nouns import NounClasses, load_noun_classes

R, I = Severity.REVIEW, Severity.INFO


@lru_cache(maxsize=200_000)
def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:5] for w in simple_key(text).replace("-", " ").split() if len(w) > 2)


class CoherenceCheck(Check):
    id = "coherence"
    description = "Keywords that do not fit the theme or each other, or retrieve nothing (catalog evidence or lexical fallback)"

    def __init__(self, cfg: Any, ctx: Any) -> None:
        super().__init__(cfg, ctx)
        self._groups = lru_cache(maxsize=200_000)(self._groups_uncached)

    @property
    def catalog(self) -> CatalogEvidence | None:
        return self.ctx.catalog

    @property
    def status(self) -> CheckStatus:
        """Which signals this run has, as ``judge checks`` and each run's provenance show it."""
        embedder = self.embedder
        signals = [
            *(["catalog evidence"] if self.catalog is not None else []),
            *([f"embeddings {embedder.model_id}"] if embedder is not None else []),
            *(["WordNet nouns"] if self.catalog is not None and self.nouns is not None else []),
        ]
        if not signals:
            return CheckStatus(True, "lexical fallback only (no catalog, no embeddings): its findings are info")
        return CheckStatus(True, "signals: " + ", ".join(signals))

    @property
    def data_files(self) -> list[Path]:
        refs = [r for r in (self.cfg.food_nouns, self.cfg.goods_nouns, self.cfg.feed_nouns) if r]
        return [resolve_data_file(r, "policies", self.ctx.base_dir).resolve() for r in refs]

    @cached_property
    def nouns(self) -> NounClasses | None:
        if not (self.cfg.food_nouns and self.cfg.goods_nouns):
            return None
        return load_noun_classes(*self.data_files)

    @cached_property
    def kinds(self) -> WhatKeywordsName | None:
        """What keywords and themes name (WordNet and the catalog), when both are there."""
        if self.nouns is None or self.catalog is None:
            return None
        return WhatKeywordsName(self.cfg, self.nouns, self.catalog, self._groups)

    def _departments(self, query: str, any_word: bool = False) -> tuple[int, frozenset[str]]:
        """How many products a query retrieves, and the departments (or aisles: ``affinity_level``) that hold most."""
        return self._groups(query, any_word, self.cfg.affinity_level)[:2]

    def _focus(self, query: str, any_word: bool = False) -> float:
        """The share of a query's products in its most frequent department (or aisle): 1.0 when it points to one
        place ("toilet paper"), low when its words are too vague to point anywhere ("Free & Clear", "Regular")."""
        return self._groups(query, any_word, self.cfg.affinity_level)[2]

    def _groups_uncached(self, query: str, any_word: bool, level: str) -> tuple[int, frozenset[str], float]:
        """A query's product count, the groups (``level``) that hold most of them, and the share of the top group."""
        assert self.catalog is not None
        hits = self.catalog.search(query, self.cfg.top_k, any_word=any_word)
        counts = Counter(getattr(p, level, None) or "" for p in hits)
        major = frozenset(
            d for d, n in counts.items()
            if d and d not in PLACEHOLDER_TAXONOMY and n >= max(1, self.cfg.department_share * len(hits))
        )
        return len(hits), major, max(counts.values()) / len(hits) if hits else 0.0

    @cached_property
    def affinity(self) -> dict[tuple[str, str], float] | None:
        """How close each two departments (or aisles) are: the cosine of the centroids of their product titles' embeddings.

        Computed once per catalog and process (the vectors come from the store after the first run); ``None``
        without a catalog or embeddings, and departments are then related only when they are the same.
        """
        embedder, catalog = self.embedder, self.catalog
        if embedder is None or catalog is None or not hasattr(catalog, "group_titles"):
            return None
        samples = {d: ts for d, ts in catalog.group_titles(self.cfg.affinity_level, self.cfg.department_sample).items()
                   if d not in PLACEHOLDER_TAXONOMY}
        texts = [t for ts in samples.values() for t in ts]
        vectors = dict(zip(texts, embedder.vectors(texts, self.ctx.vectors), strict=True))
        centroids = {}
        for d, ts in samples.items():
            c = sum(vectors[t] for t in ts) / len(ts)
            centroids[d] = c / (float((c @ c) ** 0.5) or 1.0)
        return {(a, b): float(centroids[a] @ centroids[b]) for a in centroids for b in centroids}

    def related(self, a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> bool:
        """Whether two sets of departments (or aisles) share one, or (with embeddings) hold two close ones."""
        if a & b:
            return True
        affinity = self.affinity
        least = self.cfg.min_aisle_affinity if self.cfg.affinity_level == "aisle" else self.cfg.min_department_affinity
        return affinity is not None and any(affinity.get((x, y), -1.0) >= least for x in a for y in b)

    def _closest(self, a: frozenset[str], b: set[str]) -> float:
        """The affinity of the closest two departments of ``a`` and ``b`` (what ``min_department_affinity`` is
        compared with; 0 without embeddings): the score a calibration sweeps."""
        affinity = self.affinity or {}
        return round(max((affinity.get((x, y), 0.0) for x in a for y in b), default=0.0), 4)

    @property
    def embedder(self) -> Any:
        from judge.rules import embeddings

        if self.cfg.embeddings == "off" or not embeddings.available():
            return None
        return embeddings.shared()

    def run_batch(self, subjects: list[Subject]) -> list[list[Finding]]:
        """Embed every distinct text of the batch in one call (the model's throughput is in its batches) and
        answer its catalog searches at once (stored ones looked up), then check."""
        sets = [s.candidate for s in subjects if len(s.candidate.keywords) >= 2]
        embedder = self.embedder
        if embedder is not None:
            embedder.vectors([t for c in sets for t in (c.theme, *c.keywords)], self.ctx.vectors)
        if self.catalog is not None and hasattr(self.catalog, "prefetch"):
            self.catalog.prefetch([k for c in sets for k in c.keywords], self.cfg.top_k)
            self.catalog.prefetch([c.theme for c in sets], self.cfg.top_k, any_word=True)
        return [self.check(s) for s in subjects]

    def check(self, subject: Subject) -> list[Finding]:
        kws = subject.candidate.keywords
        if len(kws) < 2:
            return []
        out: list[Finding] = []
        embedder = self.embedder
        set_similarity, sims = None, None
        if embedder is not None:
            vectors = embedder.vectors([subject.candidate.theme, *kws], self.ctx.vectors)
            sims = [float(vectors[0] @ k) for k in vectors[1:]]
            out += self._with_embeddings(kws, vectors[1:], sims)
            set_similarity = sum(sims) / len(sims)
        if self.catalog is not None:
            evidence = [self._departments(k) for k in kws]
            _, theme_depts = self._departments(subject.candidate.theme, any_word=True)
            theme_focus = self._focus(subject.candidate.theme, True)
            out += self._with_catalog(kws, evidence, theme_depts, set_similarity, sims, theme_focus, subject.candidate.theme)
            # the embeddings alone do not call a set unrelated when a keyword shares one of the theme's departments
            # (the same one: the theme's any-word search is too noisy for "close"), nor when the catalog knows none
            # of the theme's words: a name the model does not know either ("Aged Mahon", "S'mores")
            if not theme_depts or any(d & theme_depts for _, d in evidence):
                out = [f.model_copy(update={"severity": I}) if f.term == "keywords_unrelated_to_theme_embedding" else f for f in out]
        if embedder is None and self.catalog is None:
            out += self._lexical(subject.candidate.theme, kws)
        return out

    def _with_embeddings(self, keywords: list[str], ks: list[Any], sims: list[float]) -> list[Finding]:
        """Findings from each keyword's cosine to the theme (``sims``) and to the other keywords (``ks``: their vectors)."""
        out: list[Finding] = []
        mean = sum(sims) / len(sims)
        out.append(self.rule("set_similarity", I, f"mean keyword-theme similarity {mean:.2f}", "keywords", score=round(mean, 4)))
        lowest = min(range(len(sims)), key=sims.__getitem__)
        out.append(  # the weakest keyword's similarity: what calibration sweeps over
            self.rule("min_similarity", I, f"lowest keyword-theme similarity {sims[lowest]:.2f} ({keywords[lowest]!r})", f"keywords[{lowest}]", score=round(sims[lowest], 4))
        )
        if mean < self.cfg.min_set_similarity:
            out.append(self.rule("keywords_unrelated_to_theme_embedding", R, f"keywords are unrelated to the theme (mean similarity {mean:.2f})", "keywords", score=round(mean, 3)))
            return out
        for i, (kw, sim) in enumerate(zip(keywords, sims, strict=True)):
            peers = [float(ks[i] @ ks[j]) for j in range(len(ks)) if j != i]
            fit = sum(peers) / len(peers)
            if sim < self.cfg.min_similarity and fit < self.cfg.min_fit:
                out.append(
                    self.rule(
                        "keyword_off_theme_embedding", I,
                        f"keyword {kw!r} is far from the theme (similarity {sim:.2f}) and from the other keywords ({fit:.2f})",
                        f"keywords[{i}]", text=kw, score=round(sim, 3),
                    )
                )
        return out

    def _with_catalog(self, keywords: list[str], evidence: list[tuple[int, frozenset[str]]], theme_depts: frozenset[str],
                      set_similarity: float | None = None, sims: list[float] | None = None, theme_focus: float = 1.0,
                      theme: str = "") -> list[Finding]:
        """``evidence``: what each keyword retrieves (count, departments); ``theme_depts``: the theme's any-word search's.
        ``set_similarity`` (the embeddings' mean keyword-theme similarity) must agree before a set is called
        unrelated to its theme: the theme's own retrieval is a noisy any-word search ("Smoothie Starter Kit")."""
        out: list[Finding] = []
        for i, (kw, (n, _depts)) in enumerate(zip(keywords, evidence, strict=True)):
            if n < self.cfg.min_products_per_keyword:
                # near the theme in the embeddings, a keyword the catalog lacks is a gap of the catalog, not of the set
                near = self.cfg.nothing_needs_distance and sims is not None and sims[i] >= self.cfg.max_off_theme_similarity
                # and so is food that the catalog does not sell, in a set whose others are food ("pork belly" at a ramen night)
                near = near or (self.kinds is not None and self._food_gap(keywords, i, evidence))
                out.append(self.rule("keyword_retrieves_nothing", I if near else R,
                                     f"keyword {kw!r} retrieves {n} products from the catalog", f"keywords[{i}]", text=kw, score=n))
        known = [(i, d) for i, (_, d) in enumerate(evidence) if d]
        for i, depts in known:
            others = set().union(*(d for j, d in known if j != i)) | theme_depts
            if sims is not None and sims[i] >= self.cfg.max_off_theme_similarity:
                continue  # the embeddings see the keyword near the theme: the catalog's departments alone do not outvote them
            if self._focus(keywords[i]) < self.cfg.min_off_theme_focus:
                continue  # a vague keyword's departments are no evidence that it is off the theme
            if self.kinds is not None and self.kinds.borrowed(keywords[i], depts):
                out.append(self.rule("keyword_retrieves_for_another_consumer", I,
                                     f"keyword {keywords[i]!r} retrieves only {next(iter(depts))} products, named by a flavour", f"keywords[{i}]", text=keywords[i]))
                continue  # "filet mignon" retrieves dog food: evidence of the catalog's names, not of the keyword
            if others and not self.related(depts, others):
                if self.kinds is not None and self.kinds.food_among_food(keywords, i, dict(known)):
                    continue  # food among food: nuance for the keyword_coherence rubric, not clearly wrong ("smoked salmon" at a brunch)
                out.append(
                    self.rule(
                        "keyword_off_theme", R,
                        f"keyword {keywords[i]!r} retrieves {', '.join(sorted(depts))} products; the theme and the other keywords point to {', '.join(sorted(others))}",
                        f"keywords[{i}]", text=keywords[i], score=self._closest(depts, others),
                    )
                )
        out += self._goods_among_food(keywords, known, {f.field for f in out}, theme_depts, sims)
        out += self._another_kind(keywords, known, theme, theme_depts)
        spread = set().union(*(d for _, d in known)) if known else set()
        if len(spread) > self.cfg.max_departments:
            out.append(self.rule("keywords_scatter", I, f"keywords scatter over {len(spread)} {self.cfg.affinity_level}s: {', '.join(sorted(spread))}", "keywords", score=len(spread)))
        if theme_depts and known and not any(self.related(d, theme_depts) for _, d in known):
            agree = set_similarity is None or set_similarity < self.cfg.max_unrelated_set_similarity
            agree = agree and theme_focus >= self.cfg.min_unrelated_theme_focus
            out.append(self.rule("keywords_unrelated_to_theme", R if agree else I, f"no keyword retrieves from the theme's {self.cfg.affinity_level}s ({', '.join(sorted(theme_depts))})", "keywords"))
        return out

    def _food_gap(self, keywords: list[str], i: int, evidence: list[tuple[int, frozenset[str]]]) -> bool:
        """Whether keyword ``i`` names food by WordNet and the other keywords that retrieve anything are all food."""
        what = self.kinds
        assert what is not None
        others = [(k, d) for j, (k, (_, d)) in enumerate(zip(keywords, evidence, strict=True)) if j != i and d]
        return what.nouns.kind(keywords[i]) == "food" and bool(others) and all(what.eaten(k, what.nouns.kind(k), d) for k, d in others)

    def _goods_among_food(self, keywords: list[str], known: list[tuple[int, frozenset[str]]], flagged: set[str | None],
                          theme_depts: frozenset[str] = frozenset(), sims: list[float] | None = None) -> list[Finding]:
        """A keyword that is no food by WordNet and retrieves only from aisles of goods (or, with ``goods_by_titles``,
        products mostly named as goods), among food keywords, from departments that no other keyword reaches
        ("shampoo"; "hand sanitizer", which WordNet does not know; "cat litter", in an aisle of pet food)."""
        what = self.kinds
        if what is None:
            return []
        kinds = [what.nouns.kind(k) for k in keywords]
        depts_of = dict(known)
        out = []
        for i, depts in known:
            if f"keywords[{i}]" in flagged:
                continue
            for_another = (what.for_another(depts) and not depts & theme_depts and what.names_consumer(keywords[i])
                           and (sims is None or sims[i] < self.cfg.max_off_theme_similarity))
            if not (for_another or what.retrieves_goods(keywords[i], kinds[i])):
                continue
            if sims is not None and sims[i] >= max(self.cfg.min_called_for_similarity, statistics.median(sims[:i] + sims[i + 1:])):
                continue  # close to the theme, and as close as the set's food is: goods the theme calls for ("charcoal" at a barbecue)
            if not what.among_food(keywords, i, depts_of):
                continue
            if depts & set().union(*(d for j, d in known if j != i)):
                continue  # the charcoal beside the paper plates: goods the set shares
            aisles = what.aisles(keywords[i])
            out.append(
                self.rule(
                    "goods_among_food", R,
                    f"keyword {keywords[i]!r} retrieves {'products for another consumer' if for_another else 'goods that nobody eats'} "
                    f"({', '.join(sorted(aisles))}) among food keywords, from {', '.join(sorted(depts))}, where no other keyword does",
                    f"keywords[{i}]", text=keywords[i], score=round(sims[i], 4) if sims is not None else None,
                )
            )
        return out

    def _another_kind(self, keywords: list[str], known: list[tuple[int, frozenset[str]]], theme: str, theme_depts: frozenset[str]) -> list[Finding]:
        """Every keyword that retrieves anything names goods or products for another consumer (pets, babies) under
        a theme that names food ("toothpaste, dental floss" for a caprese lunch), or food under a theme whose own
        products are for another consumer; none from the theme's departments. The department affinity cannot see
        it: pet food and personal care sit close to food in the embeddings."""
        what = self.kinds
        if what is None or len(known) < 2 or any(d & theme_depts for _, d in known):
            return []
        kinds = {what.keyword_kind(keywords[i], d) for i, d in known}
        theme_kind = what.theme_kind(theme, theme_depts)
        others = kinds <= {"goods"} | what.other_consumers
        if theme_kind == "food" and others or theme_kind in what.other_consumers and kinds == {"food"}:
            names = " and ".join(sorted(k or "" for k in kinds))
            return [self.rule("keywords_of_another_kind", R, f"the theme names {theme_kind}; every keyword names {names}", "keywords")]
        return []

    def _lexical(self, theme: str, keywords: list[str]) -> list[Finding]:
        theme_stems = _stems(theme)
        stems = [_stems(k) for k in keywords]
        seen = Counter(w for st in stems for w in st)  # in how many keywords each stem occurs
        out = []
        for i, kw in enumerate(keywords):
            if stems[i] and not any(w in theme_stems or seen[w] > 1 for w in stems[i]):
                out.append(
                    self.rule(
                        "keyword_off_theme_lexical", I,
                        f"keyword {kw!r} shares no word with the theme or the other keywords (lexical fallback: load a catalog for evidence)",
                        f"keywords[{i}]", text=kw,
                    )
                )
        return out
