"""Teacher and student: export approved content as fine-tuning data, and compare two generators.

``export`` writes chat-format JSONL (``{"messages": [system, user, assistant]}``): the
prompt the LLM generator would send for the placement, and the approved theme and
keywords as the answer, so a student model learns only from content the gate approved.
``compare`` puts two runs (for example a teacher's and a student's candidates for the
same placements) side by side.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from judge.cascade.generate import OfflineGenerator, PlacementSpec
from judge.cascade.generate_llm import messages
from judge.models import Candidate
from judge.store import RunRow, Store


def examples(store: Store, run: RunRow) -> Iterator[dict[str, Any] | None]:
    """Approved candidates of a JSONL run as chat fine-tuning rows; ``None`` for each one that cannot be one."""
    offline = OfflineGenerator(store) if store.product_count() else None
    for v in store.verdicts(run.id):
        if v.row.decision != "approved":
            continue
        try:
            cand = Candidate.model_validate_json(v.row.raw)
        except ValueError:
            yield None  # CSV input or an unreadable record: no structured source to learn from
            continue
        spec = PlacementSpec(id=cand.placement, page=cand.page or "home", context=cand.context,
                             keywords=max(1, min(12, len(cand.keywords))))
        chat = messages(spec, offline.vocabulary_for(spec) if offline is not None else {})
        chat.append({"role": "assistant", "content": json.dumps({"theme": cand.theme, "keywords": cand.keywords}, ensure_ascii=False)})
        meta = {"candidate_id": cand.id, "content_hash": v.row.content_hash, "run_id": run.id,
                "generator": cand.generator.model_dump(exclude_none=True) if cand.generator else None}
        yield {"messages": chat, "metadata": meta}


def _run_profile(store: Store, run: RunRow, storefront: Path | None) -> dict[str, Any]:
    stats = store.run_stats(run.id)
    latency, tokens, calls = store.call_usage(run.id)
    generators: dict[str, int] = {}
    for raw in store.raw_records(run.id):
        try:
            model = (json.loads(raw).get("generator") or {}).get("model") or "unknown"
        except (ValueError, AttributeError):
            model = "unknown"
        generators[model] = generators.get(model, 0) + 1
    criteria = {k: v["pass"] / max(1, v["pass"] + v["fail"]) for k, v in stats.criteria.items()}
    profile: dict[str, Any] = {
        "run_id": run.id, "generators": generators, "candidates": stats.total, "approval_rate": stats.pass_rate,
        "check_failure_rate": stats.per_check, "criterion_pass_rate": criteria,
        "judge_latency_ms": latency, "judge_tokens": tokens, "judge_calls": calls,
    }
    if storefront is not None and storefront.is_file():
        sf = json.loads(storefront.read_bytes())
        placed = [pl for page in sf["pages"] for pl in page["placements"]]
        dropped = sum(len(page["dropped"]) for page in sf["pages"])
        profile["product_precision_at_k"] = sum(pl["checks"]["precision_at_k"] for pl in placed) / len(placed) if placed else None
        profile["placements_filled"] = f"{len(placed)} of {len(placed) + dropped}"
    return profile


def compare(store: Store, a: RunRow, b: RunRow, storefront_a: Path | None = None, storefront_b: Path | None = None) -> dict[str, Any]:
    return {"a": _run_profile(store, a, storefront_a), "b": _run_profile(store, b, storefront_b)}
