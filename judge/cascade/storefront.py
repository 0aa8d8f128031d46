"""The cascade end to end: placements -> candidates -> gate -> retrieval -> fused ranking -> pages.

Only candidates the gate approved reach retrieval. A placement then also needs
enough products (recall sufficiency: ``min_products`` in all, ``min_per_keyword`` for
each keyword), products that fit its theme (precision of theme-relevant products in
the top ``relevance_k``), and a theme that is not a near-duplicate of another
placement on the same page. A placement that fails takes its next approved
candidate, or is dropped; the storefront records why either way.

Ranking fusion is weighted reciprocal-rank fusion of the retrieval rank (best BM25
over the placement's keywords) and a traditional ranker's rank (the catalog's
``popularity``): ``fused = w_retrieval / (k + rank_r) + w_ranker / (k + rank_p)``;
every product keeps both scores.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rapidfuzz import fuzz

from judge.cascade.gate import Gate
from judge.cascade.generate import OfflineGenerator, PlacementSpec, constrain
from judge.errors import ConfigError
from judge.judges.providers import LLMSettings
from judge.models import Candidate, InputBatch, simple_key
from judge.policy import Policy
from judge.store import Product, Store, StoredVerdict


@dataclass
class StorefrontConfig:
    candidates_per_placement: int = 2
    k: int = 20  # products retrieved per keyword
    min_products: int = 6
    min_per_keyword: int = 1
    relevance_k: int = 10
    min_precision: float = 0.3
    products_per_placement: int = 12
    rrf_k: int = 60
    w_retrieval: float = 1.0
    w_ranker: float = 0.5
    near_duplicate_threshold: float = 85.0
    # When no generated candidate of a placement makes it: "next" (drop after the last candidate),
    # "fallback" (gate a conservative fallback theme for the placement and use it if it passes), "drop".
    backfill: str = "next"
    role: str = "teacher"  # recorded in each candidate's generator provenance
    relevance: str = "auto"  # theme-product relevance: "auto" uses embeddings when installed, else "lexical"
    relevance_similarity: float = 0.3


@dataclass
class Storefront:
    """A built storefront: per page, its placements (theme, keywords, ranked products, checks) and the
    placements dropped, with why; plus the provenance of the gate run and the generator."""

    run_id: str
    policy: dict[str, str]
    generator: dict[str, Any]
    llm_judges: str
    backfill: str
    fusion: dict[str, Any]
    pages: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in simple_key(text).replace("-", " ").split() if len(w) > 2}


def fuse(per_keyword: dict[str, list[Product]], cfg: StorefrontConfig) -> list[dict[str, Any]]:
    """Union of the keywords' results (de-duplicated), fused with the popularity ranker."""
    best: dict[str, tuple[float, Product]] = {}
    for hits in per_keyword.values():
        for p in hits:
            if p.id not in best or p.bm25 < best[p.id][0]:
                best[p.id] = (p.bm25, p)
    by_retrieval = sorted(best.values(), key=lambda x: x[0])
    r_rank = {p.id: i + 1 for i, (_, p) in enumerate(by_retrieval)}
    by_ranker = sorted(best.values(), key=lambda x: -(x[1].popularity if x[1].popularity is not None else float("-inf")))
    p_rank = {p.id: i + 1 for i, (_, p) in enumerate(by_ranker)}
    out = []
    for bm25, p in best.values():
        fused = cfg.w_retrieval / (cfg.rrf_k + r_rank[p.id]) + cfg.w_ranker / (cfg.rrf_k + p_rank[p.id])
        out.append(
            {
                "id": p.id, "title": p.title, "aisle": p.aisle, "department": p.department,
                "retrieval_score": round(-bm25, 4), "retrieval_rank": r_rank[p.id],
                "ranker_score": p.popularity, "ranker_rank": p_rank[p.id], "fused_score": round(fused, 6),
            }
        )
    out.sort(key=lambda x: -x["fused_score"])
    return out


def near_duplicate(placed: dict[str, Any], theme: str, keywords: list[str], cfg: StorefrontConfig) -> bool:
    """Same theme in other words, or mostly the same keywords (they would retrieve the same shelf)."""
    if fuzz.token_set_ratio(simple_key(placed["theme"]), simple_key(theme)) >= cfg.near_duplicate_threshold:
        return True
    a, b = {simple_key(k) for k in placed["keywords"]}, {simple_key(k) for k in keywords}
    return bool(a and b) and len(a & b) / len(a | b) >= 0.5


def product_checks(store: Store, theme: str, keywords: list[str], cfg: StorefrontConfig) -> tuple[list[dict], dict[str, Any], list[str]]:
    per_keyword = {kw: store.search_products(kw, cfg.k) for kw in keywords}
    products = fuse(per_keyword, cfg)
    problems = []
    short = {kw: len(h) for kw, h in per_keyword.items() if len(h) < cfg.min_per_keyword}
    if short:
        problems.append("keywords retrieve too few products: " + ", ".join(f"{k!r} ({n})" for k, n in short.items()))
    if len(products) < cfg.min_products:
        problems.append(f"{len(products)} products in all, fewer than {cfg.min_products}")
    theme_depts = {h.department for h in store.search_products(theme, 20, any_word=True)}
    theme_stems = _stems(theme)
    top = products[: cfg.relevance_k]
    close: set[str] = set()
    from judge.rules import embeddings

    if cfg.relevance == "auto" and embeddings.available() and top:
        vectors = embeddings.shared().vectors([theme, *(p["title"] for p in top)])
        close = {p["id"] for p, v in zip(top, vectors[1:], strict=True) if float(vectors[0] @ v) >= cfg.relevance_similarity}
    relevant = [p for p in top if p["id"] in close or p["department"] in theme_depts or _stems(p["title"]) & theme_stems]
    precision = len(relevant) / len(top) if top else 0.0
    if top and precision < cfg.min_precision:
        problems.append(f"only {precision:.0%} of the top {len(top)} products fit the theme (minimum {cfg.min_precision:.0%})")
    checks = {
        "products": len(products), "per_keyword": {k: len(v) for k, v in per_keyword.items()},
        "precision_at_k": round(precision, 3), "relevance": "embeddings+catalog" if close else "catalog+lexical",
    }
    return products[: cfg.products_per_placement], checks, problems


def build(
    store: Store,
    placements: list[PlacementSpec],
    policy: Policy,
    cfg: StorefrontConfig | None = None,
    llm: LLMSettings | None = None,
    skip_llm: bool = True,
    vocabulary: list[str] | None = None,
) -> Storefront:
    """Build the storefront; ``vocabulary`` (keywords allowed, e.g. from a file) constrains every candidate."""
    cfg = cfg or StorefrontConfig()
    if store.product_count() == 0:
        raise ConfigError(f"{store.name}: no catalog loaded; run `judge catalog load FILE` first")
    offline = OfflineGenerator(store, role=cfg.role)
    generator: Any = offline
    candidates: dict[str, list] = {}
    if llm is not None and llm.configured:
        import asyncio

        from judge.cascade.generate_llm import LLMGenerator

        generator = LLMGenerator(offline, llm, role=cfg.role)
        candidates = asyncio.run(generator.generate_all(placements, cfg.candidates_per_placement))
    else:
        used: dict[str, set[str]] = {}
        for p in placements:  # different aisles for the placements of one page: diversity by construction
            page_used = used.setdefault(p.page, set())
            candidates[p.id] = offline.generate(p, cfg.candidates_per_placement, avoid=page_used)
            page_used |= {c.generator.model_extra.get("aisle") for c in candidates[p.id][:1] if c.generator}
    if vocabulary:
        for cands in candidates.values():
            for c in cands:
                kept, dropped = constrain(c.keywords, vocabulary)
                if c.generator is not None and dropped:
                    c.generator.__pydantic_extra__["dropped_keywords"] = dropped  # type: ignore[index]
                c.keywords = kept or c.keywords  # nothing left: keep them, the gate's vocabulary check can say so
    gate = Gate(policy, store, skip_llm=skip_llm or llm is None, llm=llm, calibrations=store.latest_calibrations())
    decisions, run_id = _gate(gate, store, "storefront candidates", [c for cs in candidates.values() for c in cs])
    pages: dict[str, dict[str, Any]] = {}
    for p in placements:
        page = pages.setdefault(p.page, {"page": p.page, "placements": [], "dropped": []})
        chosen, reasons = _choose(store, page, p, candidates[p.id], decisions, cfg)
        if chosen is None and cfg.backfill == "fallback":
            used = {pl["generator"].get("aisle") for pl in page["placements"] if pl.get("generator")}
            fallback = offline.fallback(p, avoid=used)
            if fallback is not None:
                decisions |= _gate(gate, store, f"storefront fallback for {p.id}", [fallback])[0]
                chosen, more = _choose(store, page, p, [fallback], decisions, cfg)
                reasons += more
                if chosen is not None:
                    chosen["fallback"] = True
        if chosen:
            page["placements"].append(chosen)
        else:
            page["dropped"].append({"placement": p.id, "reasons": reasons})
    return Storefront(
        run_id=run_id,
        policy={"id": policy.id, "version": policy.version},
        generator=generator.provenance(),
        llm_judges=gate.llm_state,
        backfill=cfg.backfill,
        fusion={"method": "weighted reciprocal-rank fusion", "k": cfg.rrf_k, "w_retrieval": cfg.w_retrieval, "w_ranker": cfg.w_ranker},
        pages=list(pages.values()),
    )


def _gate(gate: Gate, store: Store, source: str, cands: list[Candidate]) -> tuple[dict[str | None, StoredVerdict], str]:
    """Gate candidates held in memory; their verdicts by candidate id."""
    result = gate.run(InputBatch.of(cands, source))
    return {v.row.candidate_id: v for v in store.verdicts(result.run.id)}, result.run.id


def _choose(store: Store, page: dict, p: PlacementSpec, cands: list, decisions: dict, cfg: StorefrontConfig) -> tuple[dict | None, list[str]]:
    """The first candidate that is approved, not a near-duplicate on the page, and has the products."""
    reasons: list[str] = []
    if cfg.backfill == "drop":
        cands = cands[:1]
    for c in cands:
        v = decisions.get(c.id)
        if v is None or v.row.decision != "approved":
            why = "; ".join(f.message for f in v.findings if f.severity != "info")[:200] if v else "not gated"
            reasons.append(f"{c.id} {v.row.decision if v else 'missing'}: {why}")
            continue
        dup = next((q for q in page["placements"] if near_duplicate(q, c.theme, c.keywords, cfg)), None)
        if dup is not None:
            reasons.append(f"{c.id}: near-duplicate of placement {dup['placement']} ({dup['theme']!r})")
            continue
        products, checks, problems = product_checks(store, c.theme, c.keywords, cfg)
        if problems:
            reasons.append(f"{c.id}: " + "; ".join(problems))
            continue
        chosen = {
            "placement": p.id, "candidate_id": c.id, "theme": c.theme, "keywords": c.keywords,
            "decision": v.row.decision, "content_hash": v.row.content_hash, "generator": c.generator.model_dump() if c.generator else None,
            "checks": checks, "backfilled": bool(reasons), "skipped": reasons, "products": products,
        }
        return chosen, reasons
    return None, reasons
