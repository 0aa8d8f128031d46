"""Candidate generation for placements: an offline generator, and keyword constraints.

The offline generator needs no LLM: it picks an aisle that suits the placement's
context, writes a theme from templates, and takes keywords from the catalog's
vocabulary for that aisle. Every candidate records its generator (model, template
version, role) in ``generator``, so the storefront and the store say where it came from.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from judge.cascade import catalog
from judge.models import (
    MERCH_WORDS,
    PLACEHOLDER_TAXONOMY,
    Candidate,
    PlacementBrief,
    simple_key,
)
from judge.store import Store

TEMPLATES = [
    "{Season}{aisle} favorites",
    "Stock up on {aisle}",
    "{Season}{aisle} made easy",
    "Fresh finds in {aisle}",
    "Weeknight {aisle} picks",
]
KIDS_DEPARTMENTS = {"snacks", "breakfast", "produce", "dairy eggs", "bakery", "frozen"}
NEVER_FOR_KIDS = {"alcohol", "beer wine", "spirits", "red wines", "white wines", "specialty wines champagnes"}


class PlacementSpec(BaseModel):
    """A placement to fill: its id, page and merchandising context."""

    model_config = ConfigDict(extra="allow")

    id: str
    page: str = "home"
    context: PlacementBrief = Field(default_factory=PlacementBrief)
    keywords: int = Field(4, ge=1, le=12)  # how many keywords to generate


def constrain(keywords: list[str], vocab: list[str], threshold: float = 88.0) -> tuple[list[str], list[str]]:
    """Snap keywords to the vocabulary (rapidfuzz) or drop them; no duplicates. Returns (kept, dropped)."""
    exact = {simple_key(v): v for v in vocab}
    keys = list(exact)
    kept: list[str] = []
    dropped: list[str] = []
    for kw in keywords:
        key = simple_key(kw)
        if key in exact:
            snapped = exact[key]
        else:
            best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=threshold)
            snapped = exact[best[0]] if best else None
        if snapped is None:
            dropped.append(kw)
        elif snapped not in kept:
            kept.append(snapped)
    return kept, dropped


class OfflineGenerator:
    """Themes from the catalog's taxonomy and the placement's context; keywords from the vocabulary."""

    model = "offline-templates"
    version = "offline-v1"

    def __init__(self, store: Store, role: str = "teacher") -> None:
        self.store = store
        self.role = role
        self.vocab = catalog.vocabulary(store, min_count=2)
        self.department = store.aisle_departments()
        names = set(self.department) | set(self.department.values())
        # keywords per aisle: product phrases specific to the aisle, multi-word phrases first
        ranked: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for term, count, aisle, share in self.vocab:
            if not aisle or term in names or aisle in PLACEHOLDER_TAXONOMY or share < 0.6:
                continue  # a keyword must say what aisle it is about
            words = term.count(" ") + 1
            if words == 1 and (term in MERCH_WORDS or len(term) < 4):
                continue
            ranked[aisle].append((count * share * (1 + 1.0 * (words - 1)), term))
        self.by_aisle: dict[str, list[str]] = {}
        self.aisle_terms = {aisle: [t for _, t in terms] for aisle, terms in ranked.items()}  # all, for snapping
        for aisle, terms in ranked.items():
            chosen: list[str] = []
            for _, term in sorted(terms, key=lambda t: (-t[0], t[1])):
                if any(term in c or c in term for c in chosen):
                    continue  # "egg noodles" makes "noodles" and "egg" redundant
                chosen.append(term)
            self.by_aisle[aisle] = chosen

    def aisles_for(self, p: PlacementSpec) -> list[str]:
        """Aisles that suit the placement, best first."""
        ctx = p.context
        blocked = {b.casefold() for b in ctx.blocked_categories or []}
        allowed = {a.casefold() for a in ctx.allowed_categories or []}
        aisles = [
            a for a in self.by_aisle
            if len(self.by_aisle[a]) >= p.keywords and self.department.get(a) not in PLACEHOLDER_TAXONOMY
        ]
        if ctx.audience and ctx.audience.casefold() == "kids":
            aisles = [a for a in aisles if self.department.get(a) in KIDS_DEPARTMENTS and a not in NEVER_FOR_KIDS]
        aisles = [a for a in aisles if a.casefold() not in blocked and self.department.get(a, "").casefold() not in blocked]
        if allowed:
            aisles = [a for a in aisles if a.casefold() in allowed or self.department.get(a, "").casefold() in allowed] or aisles
        hint = " ".join(x for x in (ctx.season, ctx.notes) if x)
        if hint:  # aisles whose products the context words retrieve most come first
            from collections import Counter

            votes = Counter(h.aisle for h in self.store.search_products(hint, 30, any_word=True) if h.aisle in aisles)
            hinted = [a for a, _ in votes.most_common()]
            aisles = hinted + [a for a in aisles if a not in votes]
        seed = int(hashlib.sha256(p.id.encode()).hexdigest(), 16)
        if not hint and aisles:
            start = seed % len(aisles)
            aisles = aisles[start:] + aisles[:start]
        return aisles

    def generate(self, p: PlacementSpec, n: int = 2, avoid: set[str] | None = None) -> list[Candidate]:
        """Up to ``n`` candidates from different aisles, avoiding aisles already used on the page."""
        out = []
        season = (p.context.season or "").strip()
        aisles = self.aisles_for(p)
        aisles = [a for a in aisles if a not in (avoid or set())] + [a for a in aisles if a in (avoid or set())]
        for i, aisle in enumerate(aisles[:n]):
            template = TEMPLATES[(int(hashlib.sha256(f"{p.id}{i}".encode()).hexdigest(), 16)) % len(TEMPLATES)]
            theme = template.format(Season=f"{season.title()} " if season else "", aisle=aisle)
            theme = theme[0].upper() + theme[1:]
            keywords = self.by_aisle[aisle][: p.keywords]
            out.append(
                Candidate(
                    id=f"{p.id}#{i + 1}",
                    placement=p.id,
                    page=p.page,
                    theme=theme,
                    keywords=keywords,
                    context=p.context,
                    generator={"model": self.model, "prompt_version": self.version, "role": self.role, "aisle": aisle},
                )
            )
        return out

    def fallback(self, p: PlacementSpec, avoid: set[str] | None = None) -> Candidate | None:
        """A conservative fallback theme for a placement nothing else could fill."""
        for aisle in self.aisles_for(p):
            if aisle in (avoid or set()):
                continue
            return Candidate(
                id=f"{p.id}#fallback", placement=p.id, page=p.page, theme=f"Popular in {aisle}",
                keywords=self.by_aisle[aisle][: p.keywords], context=p.context,
                generator={"model": self.model, "prompt_version": f"{self.version}-fallback", "role": self.role, "aisle": aisle},
            )
        return None

    def vocabulary_for(self, p: PlacementSpec, aisles: int = 4, per_aisle: int = 12) -> dict[str, list[str]]:
        """The keyword choices shown to an LLM generator (and kept in distilled prompts)."""
        return {a: self.by_aisle[a][:per_aisle] for a in self.aisles_for(p)[:aisles]}

    def provenance(self) -> dict[str, Any]:
        return {"model": self.model, "prompt_version": self.version, "role": self.role, "offline": True}
