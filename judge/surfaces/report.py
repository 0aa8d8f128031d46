"""The HTML quality report: one self-contained file per run (jinja2, autoescaped).

Aggregates come from SQL ``GROUP BY`` queries, so a 100,000-candidate run reports in
seconds; the item table is capped (``max_items``, the least-approved first) and says
how many it left out, which bounds the file size.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from judge.resources import data_dir
from judge.store import RunRow, Store
from judge.surfaces.output import write_output

MAX_ITEMS = 2000


def calibration_section(store: Store) -> dict[str, Any]:
    """The newest calibration of every check and criterion, and the newest probe results."""
    metrics, probes = [], []
    for c in store.latest_calibrations().values():
        if c.target.startswith("probe:"):
            probes.append(c.result)
        else:
            metrics.append({**c.result, "target": c.target, "version": c.version, "n": c.n, "kappa": c.kappa,
                            "kappa_ci": c.kappa_ci, "run_id": c.run_id})
    return {"metrics": metrics, "probes": probes}


def build(store: Store, run: RunRow, baseline: RunRow | None = None, max_items: int = MAX_ITEMS) -> dict[str, Any]:
    stats = store.run_stats(run.id)
    items, total = store.report_items(run.id, max_items)
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
        base = store.run_stats(baseline.id)
        checks = sorted(set(stats.per_check) | set(base.per_check))
        context["baseline"] = {
            "run": baseline,
            "stats": base,
            "checks": [
                (c, base.per_check.get(c, 0.0), stats.per_check.get(c, 0.0)) for c in checks
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
    return write_output(out, render(build(store, run, baseline, max_items)))
