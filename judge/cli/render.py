"""Terminal renderers: typed results in, rich tables out. Candidate text is always ``Text`` (never markup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from judge.cascade.gate import RunResult
from judge.cascade.storefront import Storefront
from judge.cli.common import out, safe
from judge.rules.checks.terms import TermListInfo
from judge.store import JudgeCallRow, JudgementRow, ReviewRow, RunRow, StoredVerdict
from judge.surfaces.review import Item

DECISIONS = ("approved", "rejected", "needs_review", "error")
DECISION_STYLE = {"approved": "green", "rejected": "red", "needs_review": "yellow", "error": "magenta"}


def T(text: object, style: str = "") -> Text:  # noqa: N802 - reads as the Text it makes
    """Stored or user text as a rich ``Text``: no markup, control characters made visible."""
    return Text(safe(text), style=style)


def counts_table(result: RunResult) -> Table:
    table = Table(title=f"run {result.run.id}" + (" (resumed)" if result.resumed else ""), show_edge=False)
    for name in DECISIONS:
        table.add_column(name, style=DECISION_STYLE[name], justify="right")
    table.add_row(*(str(result.counts.get(k, 0)) for k in DECISIONS))
    return table


def term_lists_table(lists: list[TermListInfo]) -> Table:
    table = Table(title="term lists", show_edge=False)
    for col in ("file", "version", "source", "licence", "categories", "terms"):
        table.add_column(col, justify="right" if col in ("categories", "terms") else "left")
    for t in lists:
        table.add_row(T(t.file), T(t.version), T(t.source), T(t.licence), str(t.categories or "allow"), f"{t.terms:,}")
    return table


def runs_table(runs: list[RunRow]) -> Table:
    table = Table(show_edge=False)
    for col in ("run", "started", "status", "policy", "input"):
        table.add_column(col, no_wrap=col in ("run", "status"))
    for col in DECISIONS:
        table.add_column(col, justify="right", style=DECISION_STYLE[col])
    for r in runs:
        c = r.counts
        table.add_row(
            T(r.id), r.started_at.strftime("%Y-%m-%d %H:%M:%S"), T(r.status), T(f"{r.policy_id}@{r.policy_version}"),
            T(Path(r.input_path).name), *(str(c.get(k, "")) for k in DECISIONS),
        )
    return table


def print_verdict(v: StoredVerdict, judgements: list[JudgementRow], calls: list[JudgeCallRow]) -> None:
    r = v.row
    style = DECISION_STYLE.get(r.decision, "white")
    out.print(Text.assemble((safe(r.candidate_id or f"line {r.line}") + "  ", "bold"), (r.decision, f"bold {style}")))
    out.print(T(f"run {r.run_id}, line {r.line}; content {r.content_hash}"))
    out.print(T(f"policy {r.policy_id}@{r.policy_version} ({r.policy_hash[:12]}); code {r.code_version}"))
    if r.reused_from:
        out.print(f"reused from stored verdict #{r.reused_from}")
    if r.error:
        out.print(T(r.error, style="magenta"))
    if v.findings:
        table = Table(show_edge=False)
        for col in ("severity", "check", "field", "text", "message"):
            table.add_column(col)
        for f in v.findings:
            table.add_row(f.severity.value, T(f.check), T(f.field), T(f.text), T(f.message))
        out.print(table)
    else:
        out.print("no findings")
    if judgements:
        out.print(_judgements_table(judgements))
    for c in calls:
        source = f"cached from call #{c.cached_from}" if c.cached_from else f"{c.attempts} attempt(s), {c.latency_ms:.0f} ms"
        line = (f"call: {c.rubric_id}@{c.rubric_version} model {c.model} sample {c.sample}: {c.status}, {source}, "
                f"{c.prompt_tokens}+{c.completion_tokens} tokens, prompt {c.prompt_hash[:12]}" + (f"; {c.error}" if c.error else ""))
        out.print(T(line))


def _judgements_table(judgements: list[JudgementRow]) -> Table:
    table = Table(title="LLM judgements", show_edge=False)
    for col in ("rubric", "criterion", "outcome", "votes", "agreement", "reason"):
        table.add_column(col)
    for j in judgements:
        style = {"pass": "green", "fail": "red"}.get(j.outcome, "yellow")
        agreement = "" if j.agreement is None else f"{j.agreement:.2f}"
        table.add_row(T(f"{j.rubric_id}@{j.rubric_version}"), T(j.criterion_id), T(j.outcome, style=style), str(j.votes),
                      agreement, T(j.reason))
    return table


def _highlighted(text: str, spans: list[tuple[int, int]]) -> Text:
    t = T(text)  # one symbol per control character, so the spans still fit
    for a, b in spans:
        t.stylize("bold white on red", a, b)
    return t


def print_item(it: Item, review: ReviewRow | None) -> None:
    """A candidate for a reviewer: its text with the offending spans highlighted, and any human decision."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for f in it.verdict.findings:
        if f.field and f.span:
            spans.setdefault(f.field, []).append(f.span)
    out.print(Text.assemble(("placement ", "dim"), safe(it.placement)))
    out.print(Text.assemble(("theme     ", "dim"), _highlighted(it.theme, spans.get("theme", []))))
    for i, kw in enumerate(it.keywords):
        out.print(Text.assemble((f"keyword {i} ", "dim"), _highlighted(kw, spans.get(f"keywords[{i}]", []))))
    if review is not None:
        out.print(T(f"human: {review.decision} by {review.reviewer} at {review.created_at:%Y-%m-%d %H:%M}: {review.reason}"))
        out.print(f"machine decision: {it.verdict.row.machine_decision}", highlight=False)


def items_table(run_id: str, items: list[Item], total: int) -> Table:
    table = Table(title=f"run {run_id}: {total:,} item(s)", show_edge=False)
    for col in ("id", "decision", "placement", "theme", "findings"):
        table.add_column(col, overflow="fold")
    for it in items:
        v = it.verdict
        label = v.row.decision + (" (human)" if v.row.override_id else "")
        top = "; ".join(f"{f.check}: {f.text or f.term or ''}" for f in v.findings if f.severity != "info")[:80]
        table.add_row(T(it.id), T(label, style=DECISION_STYLE.get(v.row.decision, "")), T(it.placement), T(it.theme), T(top))
    return table


def storefront_table(sf: Storefront) -> Table:
    table = Table(title=f"storefront (gate run {sf.run_id}, LLM judges: {sf.llm_judges})", show_edge=False)
    for col in ("page", "placement", "theme", "keywords", "products", "precision@k"):
        table.add_column(col, overflow="fold")
    for page in sf.pages:
        for pl in page["placements"]:
            table.add_row(T(page["page"]), T(pl["placement"] + (" (backfilled)" if pl["backfilled"] else "")), T(pl["theme"]),
                          T(", ".join(pl["keywords"])), str(pl["checks"]["products"]), f"{pl['checks']['precision_at_k']:.0%}")
        for d in page["dropped"]:
            table.add_row(T(page["page"]), T(d["placement"] + " (dropped)", style="red"), T("; ".join(d["reasons"])[:160]), "", "", "")
    return table


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.0f}%" if pct else f"{x:.2f}"


def calibration_table(result: dict[str, Any]) -> Table:
    table = Table(title=f"calibration on run {result['run_id']} ({result['labels']} labels)", show_edge=False)
    for col in ("target", "n", "base rate", "TP/FP/TN/FN", "acc", "prec", "recall", "kappa [95% CI]", "IAA", "may block", "sweep"):
        table.add_column(col, justify="left" if col in ("target", "may block", "sweep") else "right")
    for m in result["metrics"]:
        ci = m["kappa_ci"]
        kappa = _fmt(m["kappa"]) + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
        sw = (m.get("sweep") or {}).get("suggested")
        sweep_txt = f">= {sw['threshold']} (recall {_fmt(sw['recall'], True)}, FRR {_fmt(sw['false_rejection_rate'], True)})" if sw else ""
        trust = m.get("may_block")
        table.add_row(
            m["target"], str(m["n"]), _fmt(m["base_rate"], True), f"{m['tp']}/{m['fp']}/{m['tn']}/{m['fn']}",
            _fmt(m["accuracy"], True), _fmt(m["precision"], True), _fmt(m["recall"], True), kappa, _fmt(m["inter_annotator_kappa"]),
            "" if trust is None else ("yes" if trust else f"no: {m.get('why', '')}"), sweep_txt,
        )
    return table


def probe_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for p in result.get("probes", []):
        if p["probe"] == "injection":
            lines.append(f"injection probe: the judge approved {p['judge_approved']} of {p['n']} (target 0); "
                         f"the rule tier flagged {100 * p['rule_tier_flag_rate']:.0f}%")
        elif p["probe"] == "repeat":
            rates = ", ".join(f"{k} {100 * v:.0f}%" for k, v in p["flip_rate"].items() if v) or "none"
            lines.append(f"repeat probe (k={p['k']}, {p['n']} items): flips: {rates}")
        elif p["probe"] == "position":
            rate = "-" if p["change_rate"] is None else f"{100 * p['change_rate']:.0f}%"
            lines.append(f"position probe: page verdict changed with order in {rate} of {p['n']} shuffles")
    return lines


def compare_table(result: dict[str, Any], a: RunRow, b: RunRow) -> Table:
    pa, pb = result["a"], result["b"]
    table = Table(title=f"A = {a.id}   B = {b.id}", show_edge=False)
    for col in ("measure", "A", "B", "B - A"):
        table.add_column(col, justify="left" if col == "measure" else "right")

    def row(name: str, x: float | None, y: float | None, pct: bool = True) -> None:
        def fmt(v: float | None) -> str:
            return "-" if v is None else (f"{100 * v:.1f}%" if pct else f"{v:,.1f}")

        delta = "-" if x is None or y is None else (f"{100 * (y - x):+.1f} pts" if pct else f"{y - x:+,.1f}")
        table.add_row(name, fmt(x), fmt(y), delta)

    table.add_row("generators", T(", ".join(pa["generators"])), T(", ".join(pb["generators"])), "")
    row("approval rate", pa["approval_rate"], pb["approval_rate"])
    for check in sorted(set(pa["check_failure_rate"]) | set(pb["check_failure_rate"])):
        row(f"fails {check}", pa["check_failure_rate"].get(check, 0.0), pb["check_failure_rate"].get(check, 0.0))
    for crit in sorted(set(pa["criterion_pass_rate"]) | set(pb["criterion_pass_rate"])):
        row(f"passes {crit}", pa["criterion_pass_rate"].get(crit), pb["criterion_pass_rate"].get(crit))
    row("product precision@k", pa.get("product_precision_at_k"), pb.get("product_precision_at_k"))
    row("judge latency ms", pa["judge_latency_ms"], pb["judge_latency_ms"], pct=False)
    row("judge tokens", pa["judge_tokens"], pb["judge_tokens"], pct=False)
    return table
