"""The HTML quality report: one self-contained file per run (jinja2, autoescaped).

Aggregates come from SQL ``GROUP BY`` queries, so a 100,000-candidate run reports in
seconds; the item table is capped (``max_items``, the least-approved first) and says
how many it left out, which bounds the file size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from judge.resources import data_dir
from judge.store import Store, in_chunks
from judge.store.schema import RunRow

MAX_ITEMS = 2000
ORDER = {"rejected": 0, "needs_review": 1, "error": 2, "approved": 3}


@dataclass
class Bar:
    label: str
    value: float  # 0..1 share or a count
    note: str = ""


def _rows(store: Store, sql: str, *args: Any) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, args).all()]


def run_stats(store: Store, run: RunRow) -> dict[str, Any]:
    """Aggregates of one run: per check, criterion, placement and category, top reasons, LLM use."""
    counts = store.counts(run.id)
    total = sum(counts.values())
    judged = max(total - counts.get("error", 0), 0)
    per_check = {
        check: n
        for check, n in _rows(
            store,
            "SELECT f.check_id, count(DISTINCT f.verdict_id) FROM findings f JOIN verdicts v ON v.id = f.verdict_id"
            " WHERE v.run_id = ? AND f.severity != 'info' GROUP BY f.check_id ORDER BY 2 DESC",
            run.id,
        )
    }
    criteria = {}
    for rubric, criterion, outcome, n in _rows(
        store,
        "SELECT rubric_id, criterion_id, outcome, count(*) FROM judgements WHERE run_id = ? GROUP BY 1, 2, 3",
        run.id,
    ):
        c = criteria.setdefault(f"{rubric}.{criterion}", {"pass": 0, "fail": 0, "unscored": 0})
        c[outcome] = n
    placements = {}
    for placement, decision, n in _rows(
        store,
        "SELECT c.placement, v.decision, count(*) FROM verdicts v JOIN candidates c ON c.content_hash = v.content_hash"
        " WHERE v.run_id = ? GROUP BY 1, 2",
        run.id,
    ):
        placements.setdefault(placement, {d: 0 for d in ORDER})[decision] = n
    categories = _rows(
        store,
        "SELECT f.check_id, coalesce(f.category, ''), f.severity, count(*) FROM findings f JOIN verdicts v"
        " ON v.id = f.verdict_id WHERE v.run_id = ? GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 40",
        run.id,
    )
    reasons = _rows(
        store,
        "SELECT f.check_id, coalesce(f.term, ''), coalesce(f.category, ''), count(*) FROM findings f JOIN verdicts v"
        " ON v.id = f.verdict_id WHERE v.run_id = ? AND v.decision IN ('rejected', 'needs_review')"
        " AND f.severity != 'info' GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 15",
        run.id,
    )
    llm = _rows(
        store,
        "SELECT count(*) FILTER (WHERE cached_from IS NULL), count(*) FILTER (WHERE cached_from IS NOT NULL),"
        " coalesce(sum(prompt_tokens + completion_tokens), 0), coalesce(sum(cost), 0),"
        " count(*) FILTER (WHERE status != 'scored'), group_concat(DISTINCT model) FROM judge_calls WHERE run_id = ?",
        run.id,
    )[0]
    return {
        "counts": counts,
        "total": total,
        "judged": judged,
        "pass_rate": counts.get("approved", 0) / judged if judged else 0.0,
        "per_check": {k: v / judged if judged else 0.0 for k, v in per_check.items()},
        "per_check_counts": per_check,
        "criteria": criteria,
        "placements": dict(sorted(placements.items())),
        "categories": categories,
        "reasons": reasons,
        "llm": {"calls": llm[0], "cache_hits": llm[1], "tokens": llm[2], "cost": llm[3], "unscored": llm[4], "models": llm[5] or ""},
    }


def _items(store: Store, run: RunRow, max_items: int) -> tuple[list[dict[str, Any]], int]:
    ranked = _rows(
        store,
        "SELECT v.id FROM verdicts v WHERE v.run_id = ? ORDER BY CASE v.decision WHEN 'rejected' THEN 0"
        " WHEN 'needs_review' THEN 1 WHEN 'error' THEN 2 ELSE 3 END, v.line LIMIT ?",
        run.id,
        max_items,
    )
    keep = {r[0] for r in ranked}
    out = []
    reasons: dict[int, list[str]] = {}
    for line, rubric, criterion, outcome, reason in _rows(
        store,
        "SELECT line, rubric_id, criterion_id, outcome, reason FROM judgements WHERE run_id = ? AND outcome != 'pass'",
        run.id,
    ):
        reasons.setdefault(line, []).append(f"{rubric}.{criterion} {outcome}: {reason or ''}")
    findings: dict[int, list[str]] = {}
    rows = []
    for part, marks in in_chunks(sorted(keep)):
        for vid, severity, check, message, text in _rows(
            store, f"SELECT verdict_id, severity, check_id, message, text FROM findings WHERE verdict_id IN ({marks}) ORDER BY id", *part
        ):
            findings.setdefault(vid, []).append(f"[{severity}] {check}: {message}" + (f" ({text})" if text else ""))
        rows += _rows(
            store,
            "SELECT v.id, v.candidate_id, v.line, v.decision, v.override_id, v.error, c.placement, c.theme, c.keywords_json"
            f" FROM verdicts v LEFT JOIN candidates c ON c.content_hash = v.content_hash WHERE v.id IN ({marks})",
            *part,
        )
    for vid, cid, line, decision, override, error, placement, theme, keywords in rows:
        out.append(
            {
                "id": cid or f"line {line}",
                "line": line,
                "decision": decision,
                "human": override is not None,
                "placement": placement or "",
                "theme": theme or "",
                "keywords": json.loads(keywords or "[]"),
                "error": error or "",
                "findings": findings.get(vid, []),
                "judge": reasons.get(line, []),
            }
        )
    out.sort(key=lambda i: (ORDER.get(i["decision"], 9), i["line"]))
    total = _rows(store, "SELECT count(*) FROM verdicts WHERE run_id = ?", run.id)[0][0]
    return out, total


def calibration_section(store: Store) -> dict[str, Any]:
    """The newest calibration of every check and criterion, and the newest probe results."""
    rows = _rows(
        store,
        "SELECT target, version, n, kappa, kappa_low, kappa_high, result_json, run_id FROM calibrations c"
        " WHERE id = (SELECT max(id) FROM calibrations WHERE target = c.target) ORDER BY target",
    )
    metrics, probes = [], []
    for target, version, n, kappa, lo, hi, result, run_id in rows:
        data = json.loads(result)
        if target.startswith("probe:"):
            probes.append(data)
        else:
            metrics.append({**data, "target": target, "version": version, "n": n, "kappa": kappa, "kappa_ci": (lo, hi), "run_id": run_id})
    return {"metrics": metrics, "probes": probes}


def build(store: Store, run: RunRow, baseline: RunRow | None = None, max_items: int = MAX_ITEMS) -> dict[str, Any]:
    stats = run_stats(store, run)
    items, total = _items(store, run, max_items)
    options = json.loads(run.options_json or "{}")
    context: dict[str, Any] = {
        "run": run,
        "stats": stats,
        "items": items,
        "items_total": total,
        "duration": (run.finished_at - run.started_at).total_seconds() if run.finished_at else None,
        "llm_stage": options.get("llm_stage", "none"),
        "llm_settings": (options.get("llm") or {}).get("settings", {}),
        "check_status": run.check_status,
        "ci": json.loads(run.ci_json) if run.ci_json else None,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "baseline": None,
        "calibration": calibration_section(store),
    }
    if baseline is not None:
        base = run_stats(store, baseline)
        checks = sorted(set(stats["per_check"]) | set(base["per_check"]))
        context["baseline"] = {
            "run": baseline,
            "stats": base,
            "checks": [
                (c, base["per_check"].get(c, 0.0), stats["per_check"].get(c, 0.0)) for c in checks
            ],
        }
    return context


def render(context: dict[str, Any]) -> str:
    env = Environment(
        loader=FileSystemLoader(str(data_dir("reports"))),
        autoescape=True,  # candidate text is untrusted: it is shown, never executed
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{100 * x:.1f}%"
    return env.get_template("report.html.j2").render(**context)


def write_report(store: Store, run: RunRow, out: Path, baseline: RunRow | None = None, max_items: int = MAX_ITEMS) -> Path:
    html = render(build(store, run, baseline, max_items))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
