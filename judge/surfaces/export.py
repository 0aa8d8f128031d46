"""Machine-readable outputs of a stored run: JSON, JUnit XML and the approved subset."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from judge.models import Decision
from judge.store import RunRow, Store, StoredVerdict
from judge.surfaces.output import write_output


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
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
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
    """One test case per candidate: rejected and needs_review fail, unreadable records error."""
    counts = run.counts
    suite = ET.Element(
        "testsuite",
        name=f"storefront-judge {run.policy_id}@{run.policy_version}",
        tests=str(sum(counts.values())),
        failures=str(counts.get("rejected", 0) + counts.get("needs_review", 0)),
        errors=str(counts.get("error", 0)),
        skipped="0",
        timestamp=run.started_at.isoformat(),
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (("run_id", run.id), ("code_version", run.code_version), ("policy_hash", run.policy_hash)):
        ET.SubElement(props, "property", name=name, value=value)
    for v in store.verdicts(run.id):
        r = v.row
        name = r.candidate_id or f"line {r.line}"
        case = ET.SubElement(suite, "testcase", classname=f"line{r.line}", name=_clean_xml(name))
        detail = "\n".join(
            f"[{f.severity}] {f.check}: {f.message}" + (f" ({f.field}: {f.text!r})" if f.field and f.text else "")
            for f in v.findings
        )
        if r.decision == Decision.ERROR:
            ET.SubElement(case, "error", message=_clean_xml(r.error or "unreadable record"), type="input_error")
        elif r.decision in (Decision.REJECTED, Decision.NEEDS_REVIEW):
            blocking = [f for f in v.findings if f.severity != "info"]
            message = blocking[0].message if blocking else r.decision
            failure = ET.SubElement(case, "failure", message=_clean_xml(f"{r.decision}: {message}"), type=r.decision)
            failure.text = _clean_xml(detail)
        elif detail:
            ET.SubElement(case, "system-out").text = _clean_xml(detail)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def write_approved(store: Store, run: RunRow, path: Path) -> int:
    """Write only the approved records, unchanged, in the input's own format."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        if run.input_format == "csv":
            header = _csv_header(Path(run.input_path))
            if header:
                f.write(header)
        for v in store.verdicts(run.id):
            if v.row.decision == Decision.APPROVED:
                f.write(v.row.raw + ("\r\n" if run.input_format == "csv" else "\n"))
                n += 1
    return n


def _csv_header(path: Path) -> str:
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as f:
            fields = next(csv.reader(f), None)
    except OSError:
        return ""
    if not fields:
        return ""
    buf = io.StringIO()
    csv.writer(buf).writerow(fields)
    return buf.getvalue()


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
