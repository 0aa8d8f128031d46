"""Aggregates of a run for reports, summaries and comparisons: SQL ``GROUP BY``s, never a full scan in Python."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from judge.store.base import StoreBase, in_chunks

DECISION_ORDER = {"rejected": 0, "needs_review": 1, "error": 2, "approved": 3}


@dataclass
class LLMUsage:
    calls: int
    cache_hits: int
    tokens: int
    cost: float
    unscored: int
    models: str


@dataclass
class RunStats:
    counts: dict[str, int]
    total: int
    judged: int  # readable candidates
    pass_rate: float
    per_check: dict[str, float]  # share of judged candidates with a non-info finding of the check
    per_check_counts: dict[str, int]
    criteria: dict[str, dict[str, int]]  # "rubric.criterion" -> {pass, fail, unscored}
    placements: dict[str, dict[str, int]]  # placement -> decision -> count
    categories: list[tuple[str, str, str, int]]  # check, category, severity, count
    reasons: list[tuple[str, str, str, int]]  # check, term, category, count (rejected and needs_review)
    llm: LLMUsage


class StatsMixin(StoreBase):
    def run_stats(self, run_id: str) -> RunStats:
        """Aggregates of one run: per check, criterion, placement and category, top reasons, LLM use."""
        counts = self.counts(run_id)  # type: ignore[attr-defined]
        total = sum(counts.values())
        judged = max(total - counts.get("error", 0), 0)
        per_check = dict(self._rows(
            "SELECT f.check_id, count(DISTINCT f.verdict_id) FROM findings f JOIN verdicts v ON v.id = f.verdict_id"
            " WHERE v.run_id = ? AND f.severity != 'info' GROUP BY f.check_id ORDER BY 2 DESC",
            run_id,
        ))
        criteria: dict[str, dict[str, int]] = {}
        for rubric, criterion, outcome, n in self._rows(
            "SELECT rubric_id, criterion_id, outcome, count(*) FROM judgements WHERE run_id = ? GROUP BY 1, 2, 3", run_id
        ):
            criteria.setdefault(f"{rubric}.{criterion}", {"pass": 0, "fail": 0, "unscored": 0})[outcome] = n
        placements: dict[str, dict[str, int]] = {}
        for placement, decision, n in self._rows(
            "SELECT c.placement, v.decision, count(*) FROM verdicts v JOIN candidates c ON c.content_hash = v.content_hash"
            " WHERE v.run_id = ? GROUP BY 1, 2",
            run_id,
        ):
            placements.setdefault(placement, {d: 0 for d in DECISION_ORDER})[decision] = n
        return RunStats(
            counts=counts, total=total, judged=judged,
            pass_rate=counts.get("approved", 0) / judged if judged else 0.0,
            per_check={k: v / judged if judged else 0.0 for k, v in per_check.items()},
            per_check_counts=per_check, criteria=criteria, placements=dict(sorted(placements.items())),
            categories=self._rows(
                "SELECT f.check_id, coalesce(f.category, ''), f.severity, count(*) FROM findings f JOIN verdicts v"
                " ON v.id = f.verdict_id WHERE v.run_id = ? GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 40",
                run_id,
            ),
            reasons=self._rows(
                "SELECT f.check_id, coalesce(f.term, ''), coalesce(f.category, ''), count(*) FROM findings f JOIN verdicts v"
                " ON v.id = f.verdict_id WHERE v.run_id = ? AND v.decision IN ('rejected', 'needs_review')"
                " AND f.severity != 'info' GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 15",
                run_id,
            ),
            llm=LLMUsage(*self._rows(
                "SELECT count(*) FILTER (WHERE cached_from IS NULL), count(*) FILTER (WHERE cached_from IS NOT NULL),"
                " coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(sum(cost), 0),"
                f" count(*) FILTER (WHERE status != 'scored'), coalesce({self._sql('concat_distinct', 'model')}, '')"
                " FROM judge_calls WHERE run_id = ?",
                run_id,
            )[0]),
        )

    def report_items(self, run_id: str, max_items: int) -> tuple[list[dict[str, Any]], int]:
        """The least approved ``max_items`` verdicts of a run with their content, findings and judge reasons,
        and how many verdicts the run has in all."""
        keep = [r[0] for r in self._rows(
            "SELECT v.id FROM verdicts v WHERE v.run_id = ? ORDER BY CASE v.decision WHEN 'rejected' THEN 0"
            " WHEN 'needs_review' THEN 1 WHEN 'error' THEN 2 ELSE 3 END, v.line LIMIT ?",
            run_id, max_items,
        )]
        reasons: dict[int, list[str]] = {}
        for line, rubric, criterion, outcome, reason in self._rows(
            "SELECT line, rubric_id, criterion_id, outcome, reason FROM judgements WHERE run_id = ? AND outcome != 'pass'",
            run_id,
        ):
            reasons.setdefault(line, []).append(f"{rubric}.{criterion} {outcome}: {reason or ''}")
        findings: dict[int, list[str]] = {}
        rows: list[tuple] = []
        for part, marks in in_chunks(sorted(keep)):
            for vid, severity, check, message, text in self._rows(
                f"SELECT verdict_id, severity, check_id, message, text FROM findings WHERE verdict_id IN ({marks}) ORDER BY id",
                *part,
            ):
                findings.setdefault(vid, []).append(f"[{severity}] {check}: {message}" + (f" ({text})" if text else ""))
            rows += self._rows(
                "SELECT v.id, v.candidate_id, v.line, v.decision, v.override_id, v.error, c.placement, c.theme, c.keywords_json"
                f" FROM verdicts v LEFT JOIN candidates c ON c.content_hash = v.content_hash WHERE v.id IN ({marks})",
                *part,
            )
        items = [
            {
                "id": cid or f"line {line}", "line": line, "decision": decision, "human": override is not None,
                "placement": placement or "", "theme": theme or "", "keywords": json.loads(keywords or "[]"),
                "error": error or "", "findings": findings.get(vid, []), "judge": reasons.get(line, []),
            }
            for vid, cid, line, decision, override, error, placement, theme, keywords in rows
        ]
        items.sort(key=lambda i: (DECISION_ORDER.get(i["decision"], 9), i["line"]))
        total = self._scalar("SELECT count(*) FROM verdicts WHERE run_id = ?", run_id)
        return items, total
