"""Machine-readable outputs of a stored run: JSON, JUnit XML and the approved subset."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from judge.models import Decision
from judge.store import RunRow, Store, StoredVerdict
from judge.surfaces.output import open_output, write_output
from judge.surfaces.reader import csv_header


def _item(v: StoredVerdict) -> dict[str, Any]:
    r = v.row
    item: dict[str, Any] = {
        "id": r.candidate_id,
        "line": r.line,
        "decision": r.decision,
        "content_hash": r.content_hash,
        "reused": r.reused_from is not None,
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in v.findings],
    }
    if r.error:
        item["error"] = r.error
    return item


def run_summary(run: RunRow) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "status": run.status,
        "input": run.input_path,
        "input_sha256": run.input_sha256,
        "policy": {"id": run.policy_id, "version": run.policy_version, "hash": run.policy_hash},
        "code_version": run.code_version,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "counts": run.counts,
        "checks": run.check_status,
        "ci": json.loads(run.ci_json) if run.ci_json else None,
    }


def write_json(store: Store, run: RunRow, path: Path) -> None:
    """``{"run_id", "counts", "items": [...]}`` plus provenance, streamed item by item."""
    head = run_summary(run)
    with open_output(path) as f:
        f.write("{\n")
        for key, value in head.items():
            f.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        f.write('  "items": [')
        for i, v in enumerate(store.verdicts(run.id)):
            f.write(("," if i else "") + "\n    " + json.dumps(_item(v), ensure_ascii=False))
        f.write("\n  ]\n}\n")


def _clean_xml(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters)."""
    return "".join(c for c in text if c in "\t\n\r" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff"))


def write_junit(store: Store, run: RunRow, path: Path) -> None:
    """One test case per candidate: rejected and needs_review fail, unreadable records error. Streamed."""
    counts = run.counts
    suite = {
        "name": f"storefront-judge {run.policy_id}@{run.policy_version}", "tests": str(sum(counts.values())),
        "failures": str(counts.get("rejected", 0) + counts.get("needs_review", 0)), "errors": str(counts.get("error", 0)),
        "skipped": "0", "timestamp": run.started_at.isoformat(),
    }
    with open_output(path) as f:
        f.write("<?xml version='1.0' encoding='utf-8'?>\n" + _tag("testsuite", suite) + "\n  <properties>\n")
        for name, value in (("run_id", run.id), ("code_version", run.code_version), ("policy_hash", run.policy_hash)):
            f.write("    " + _tag("property", {"name": name, "value": value}, close=True) + "\n")
        f.write("  </properties>\n")
        for v in store.verdicts(run.id):
            f.write(_testcase(v))
        f.write("</testsuite>\n")


def _tag(name: str, attrs: dict[str, str], close: bool = False) -> str:
    return f"<{name} " + " ".join(f"{k}={quoteattr(_clean_xml(v))}" for k, v in attrs.items()) + ("/>" if close else ">")


def _testcase(v: StoredVerdict) -> str:
    r = v.row
    case = "  " + _tag("testcase", {"classname": f"line{r.line}", "name": r.candidate_id or f"line {r.line}"})
    detail = "\n".join(
        f"[{f.severity}] {f.check}: {f.message}" + (f" ({f.field}: {f.text!r})" if f.field and f.text else "")
        for f in v.findings
    )
    if r.decision == Decision.ERROR:
        body = _tag("error", {"message": r.error or "unreadable record", "type": "input_error"}, close=True)
    elif r.decision in (Decision.REJECTED, Decision.NEEDS_REVIEW):
        blocking = [f for f in v.findings if f.severity != "info"]
        message = blocking[0].message if blocking else r.decision
        body = _tag("failure", {"message": f"{r.decision}: {message}", "type": r.decision}) + escape(_clean_xml(detail)) + "</failure>"
    elif detail:
        body = "<system-out>" + escape(_clean_xml(detail)) + "</system-out>"
    else:
        return case[:-1] + "/>\n"
    return f"{case}{body}</testcase>\n"


def write_approved(store: Store, run: RunRow, path: Path) -> int:
    """Write only the approved records, unchanged, in the input's own format."""
    n = 0
    with open_output(path, newline="") as f:
        if run.input_format == "csv":
            header = json.loads(run.options_json or "{}").get("csv_header") or csv_header(run.input_path)
            if header:
                f.write(header)
        for v in store.verdicts(run.id):
            if v.row.decision == Decision.APPROVED:
                f.write(v.row.raw + ("\r\n" if run.input_format == "csv" else "\n"))
                n += 1
    return n


def write_summary_md(store: Store, run: RunRow, path: Path) -> None:
    """A short Markdown summary for a CI job summary (e.g. $GITHUB_STEP_SUMMARY)."""
    stats = store.run_stats(run.id)
    ci = json.loads(run.ci_json) if run.ci_json else {"passed": None, "reasons": []}
    c = stats.counts
    lines = [
        f"### storefront-judge: {'✅ PASS' if ci.get('passed') else '❌ FAIL'}",
        "",
        f"Run `{run.id}` · policy `{run.policy_id}@{run.policy_version}` · {stats.total} candidates · "
        f"pass rate {100 * stats.pass_rate:.1f}%",
        "",
        "| approved | rejected | needs review | error |",
        "|---:|---:|---:|---:|",
        f"| {c.get('approved', 0)} | {c.get('rejected', 0)} | {c.get('needs_review', 0)} | {c.get('error', 0)} |",
        "",
    ]
    lines += [f"- {reason}" for reason in ci.get("reasons", [])]
    unavailable = [k for k, v in run.check_status.items() if not v["available"]]
    if unavailable:
        lines.append(f"- unavailable checks: {', '.join(unavailable)}")
    if stats.reasons:
        lines += ["", "| top reasons | findings |", "|---|---:|"]
        lines += [f"| {check} {term} | {n} |".replace("\n", " ") for check, term, _, n in stats.reasons[:10]]
    llm = stats.llm
    if llm.calls or llm.cache_hits:
        lines += ["", f"LLM: {llm.calls} calls, {llm.cache_hits} cached, {llm.tokens:,} tokens, {llm.unscored} unscored"]
    write_output(path, "\n".join(lines) + "\n")


def write_examples(rows: Iterable[dict[str, Any] | None], path: Path) -> tuple[int, int]:
    """Fine-tuning rows as JSONL; returns ``(written, skipped)`` (a ``None`` row is one that was skipped)."""
    written = skipped = 0
    with open_output(path) as f:
        for row in rows:
            if row is None:
                skipped += 1
                continue
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    return written, skipped
