"""Bias and stability probes for the LLM judges.

- repeat: ask each rubric k times about the same candidates; the flip rate of a
  criterion is the share of candidates whose k answers disagree.
- position: show a page rubric the same placements in shuffled orders; the rate
  is how often the page verdict changes with the order alone.
- injection: candidates that carry instructions aimed at the judge; the rate is
  how many the judge approves (target 0), reported apart from the rule tier, which
  should already flag them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from judge.judges.rubric import Panel
from judge.judges.stage import JudgeItem, JudgeStage, StageResult
from judge.models import Severity
from judge.rules.checks import CheckSuite, Subject


def _judge_approved(out: StageResult, line: int) -> bool:
    return line not in out.unscored and not any(f.severity != Severity.INFO for f in out.findings.get(line, []))


async def injection_probe(stage: JudgeStage, suite: CheckSuite, items: list[JudgeItem]) -> dict[str, Any]:
    rule_flags = suite.run([Subject(i.candidate) for i in items])
    out = await stage.judge(items)
    rows = []
    for item, found in zip(items, rule_flags, strict=True):
        rows.append(
            {
                "id": item.candidate.id,
                "rule_tier_flagged": any(f.check == "injection" for f in found),
                "judge_approved": _judge_approved(out, item.line),
            }
        )
    n = len(rows)
    approved = sum(r["judge_approved"] for r in rows)
    return {
        "probe": "injection",
        "n": n,
        "judge_approved": approved,
        "judge_approval_rate": approved / n if n else 0.0,
        "rule_tier_flag_rate": sum(r["rule_tier_flagged"] for r in rows) / n if n else 0.0,
        "items": rows,
    }


async def repeat_probe(stage: JudgeStage, items: list[JudgeItem], k: int = 3) -> dict[str, Any]:
    """Flip rate per criterion over k samples of every rubric."""
    original = stage.rubrics
    stage.rubrics = [r.model_copy(update={"panel": Panel(models=r.panel.models, samples=k, vote="majority")}) for r in original]
    try:
        out = await stage.judge(items)
    finally:
        stage.rubrics = original
    answers: dict[tuple[int, str, str], list[bool]] = defaultdict(list)
    for call in out.calls:
        if call.result.parsed is None or call.line is None:
            continue
        for c in call.rubric.criteria:
            answer = getattr(call.result.parsed, c.id)
            passed = answer.score >= c.threshold if hasattr(answer, "score") else bool(answer.passed)
            answers[(call.line, call.rubric.id, c.id)].append(passed)
    flips: dict[str, list[bool]] = defaultdict(list)
    for (_, rubric, criterion), votes in answers.items():
        if len(votes) >= 2:
            flips[f"{rubric}.{criterion}"].append(len(set(votes)) > 1)
    return {
        "probe": "repeat",
        "k": k,
        "n": len(items),
        "flip_rate": {target: sum(v) / len(v) for target, v in sorted(flips.items())},
    }


async def position_probe(stage: JudgeStage, pages: dict[str, list[JudgeItem]], shuffles: int = 2, seed: int = 0) -> dict[str, Any]:
    """How often a page rubric's verdict changes when only the order of placements changes."""
    if not stage.page_rubrics:
        return {"probe": "position", "n": 0, "change_rate": None, "note": "the policy has no page-level rubric"}
    rng = random.Random(seed)
    changed = total = 0
    for page, items in pages.items():
        base = await stage.judge_pages({page: items}, keep_order=True)
        verdict = _judge_approved(base, items[0].line)
        for s in range(shuffles):
            order = items[:]
            rng.shuffle(order)
            if order == items:
                order = order[1:] + order[:1]
            other = await stage.judge_pages({f"{page}#shuffle{s}": order}, keep_order=True)
            total += 1
            changed += _judge_approved(other, order[0].line) != verdict
    return {"probe": "position", "n": total, "change_rate": changed / total if total else None}
