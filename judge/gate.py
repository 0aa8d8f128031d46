"""The gate: read candidates, run the checks, decide, store; resumable and cached.

A run is identified by its *run key* (input bytes + policy + code + options). If a
run with the same key was interrupted, ``gate`` resumes it: lines already stored
are skipped. Independently, every candidate's *evaluation key* (its exact
content + the effective checks' fingerprint + code version) lets a later run reuse
a stored verdict instead of re-checking unchanged content.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import CheckContext, CheckSuite, Subject
from .models import Candidate, Decision, decide, sha256_json
from .policy import Policy
from .reader import MAX_RECORD_BYTES, Record, file_sha256, input_format, read_records
from .store import NewVerdict, RunRow, Store
from .version import code_version

ProgressFn = Callable[[int], None]
# The candidate fields that checks read: the evaluation key covers exactly these.
CHECKED_FIELDS = {"placement", "page", "theme", "keywords", "description", "context"}


@dataclass
class CIResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    run: RunRow
    counts: dict[str, int]
    ci: CIResult
    check_status: dict[str, dict[str, Any]]
    resumed: bool = False
    reused: int = 0
    evaluated: int = 0
    input_errors: list[str] = field(default_factory=list)

    @property
    def unavailable(self) -> dict[str, str]:
        return {k: v["detail"] for k, v in self.check_status.items() if not v["available"]}


class Gate:
    """Gate batches of candidates with one policy into one store."""

    def __init__(self, policy: Policy, store: Store, *, batch_size: int = 512, skip_llm: bool = False) -> None:
        self.policy = policy
        self.store = store
        self.batch_size = batch_size
        self.skip_llm = skip_llm
        self.ctx = CheckContext(base_dir=policy.base_dir)
        self._suites: dict[tuple[int, ...], CheckSuite] = {}
        self._fingerprints: dict[tuple[int, ...], str] = {}

    def suite(self, key: tuple[int, ...]) -> CheckSuite:
        if key not in self._suites:
            self._suites[key] = CheckSuite(self.policy.checks_for(key), self.ctx)
            self._fingerprints[key] = self._suites[key].fingerprint
        return self._suites[key]

    def check_status(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for key in sorted(self._suites or {(): None}):  # type: ignore[arg-type]
            suite = self.suite(key)
            for check_id, st in suite.statuses.items():
                prev = out.get(check_id)
                if prev is None or (prev["available"] and not st.available):
                    out[check_id] = {
                        "available": st.available,
                        "detail": st.detail,
                        "on_unavailable": suite.unavailable_policy(next(c for c in suite.checks if c.id == check_id)),
                    }
        return out

    def run_key(self, input_sha: str) -> str:
        return sha256_json(
            {
                "input": input_sha,
                "policy": self.policy.fingerprint,
                "checks": self.suite(()).fingerprint,
                "code": code_version(),
                "skip_llm": self.skip_llm,
            }
        )

    def evaluate(self, candidates: list[Candidate]) -> list[tuple[Decision, list]]:
        """Check candidates without touching the store (used by tests and the API)."""
        out: list[tuple[Decision, list]] = []
        for cand in candidates:
            suite = self.suite(self.policy.override_key(cand))
            findings = suite.run([Subject(cand)])[0]
            out.append((decide(findings), findings))
        return out

    def run(
        self,
        path: Path,
        *,
        on_progress: ProgressFn | None = None,
        max_record_bytes: int = MAX_RECORD_BYTES,
    ) -> RunResult:
        fmt = input_format(path)
        input_sha = file_sha256(path)
        run_key = self.run_key(input_sha)
        run = self.store.resumable_run(run_key)
        resumed = run is not None
        if run is None:
            run = self.store.create_run(
                run_key=run_key,
                input_path=str(path),
                input_sha256=input_sha,
                input_format=fmt,
                policy_id=self.policy.id,
                policy_version=self.policy.version,
                policy_hash=self.policy.fingerprint,
                code_version=code_version(),
                options_json=json.dumps({"skip_llm": self.skip_llm, "llm": "not configured"}),
                check_status_json=json.dumps(self.check_status()),
            )
        done = self.store.done_lines(run.id) if resumed else set()
        result = RunResult(run=run, counts={}, ci=CIResult(True), check_status={}, resumed=resumed)
        for batch in _batches(read_records(path, max_record_bytes), self.batch_size):
            todo = [r for r in batch if r.line not in done]
            if todo:
                self._gate_batch(run, todo, result)
            if on_progress:
                on_progress(len(batch))
        result.check_status = self.check_status()
        result.counts = self.store.counts(run.id)
        result.ci = self.ci(result.counts, result.check_status)
        self.store.finish_run(
            run.id,
            result.counts,
            {"passed": result.ci.passed, "reasons": result.ci.reasons},
            result.check_status,
        )
        result.run = self.store.get_run(run.id) or run
        return result

    def _gate_batch(self, run: RunRow, records: list[Record], result: RunResult) -> None:
        pending: list[tuple[NewVerdict, tuple[int, ...], Candidate]] = []
        verdicts: list[NewVerdict] = []
        for rec in records:
            if rec.candidate is None:
                result.input_errors.append(rec.error or "unreadable record")
                verdicts.append(NewVerdict(rec.line, rec.raw, Decision.ERROR, [], error=rec.error))
                continue
            cand = rec.candidate
            key = self.policy.override_key(cand)
            self.suite(key)
            eval_key = sha256_json(
                {
                    "c": cand.model_dump(mode="json", include=CHECKED_FIELDS),
                    "checks": self._fingerprints[key],
                    "code": code_version(),
                }
            )
            v = NewVerdict(
                rec.line,
                rec.raw,
                Decision.APPROVED,
                [],
                candidate_id=cand.id,
                content_hash=cand.content_hash,
                eval_key=eval_key,
                candidate=(cand.placement, cand.theme, cand.keywords),
                checks_fingerprint=self._fingerprints[key],
            )
            verdicts.append(v)
            pending.append((v, key, cand))
        cached = self.store.cached([v.eval_key for v, _, _ in pending if v.eval_key])
        fresh: dict[tuple[int, ...], list[tuple[NewVerdict, Candidate]]] = {}
        first_by_key: dict[str, NewVerdict] = {}
        for v, key, cand in pending:
            assert v.eval_key is not None
            hit = cached.get(v.eval_key)
            if hit is not None:
                v.decision, v.findings, v.reused_from = hit.decision, hit.findings, hit.id
                result.reused += 1
            elif v.eval_key in first_by_key:  # duplicate content within the batch
                continue
            else:
                first_by_key[v.eval_key] = v
                fresh.setdefault(key, []).append((v, cand))
        for key, items in fresh.items():
            findings = self.suite(key).run([Subject(c) for _, c in items])
            for (v, _), found in zip(items, findings, strict=True):
                v.findings, v.decision = found, decide(found)
                result.evaluated += 1
        for v, _, _ in pending:
            twin = first_by_key.get(v.eval_key or "")
            if twin is not None and twin is not v and v.reused_from is None:
                v.decision, v.findings = twin.decision, twin.findings
        self.store.write_verdicts(run, verdicts)

    def ci(self, counts: dict[str, int], check_status: dict[str, dict[str, Any]]) -> CIResult:
        t = self.policy.ci
        total = sum(counts.values())
        reasons: list[str] = []
        if total:
            judged = total - counts.get("error", 0)
            rej = counts.get("rejected", 0) / judged if judged else 0.0
            rev = counts.get("needs_review", 0) / judged if judged else 0.0
            if rej > t.max_rejected_share:
                reasons.append(f"rejected share {rej:.1%} is over the policy's {t.max_rejected_share:.1%}")
            if rev > t.max_needs_review_share:
                reasons.append(f"needs_review share {rev:.1%} is over the policy's {t.max_needs_review_share:.1%}")
        if counts.get("error", 0) > t.max_errors:
            reasons.append(f"{counts['error']} unreadable input record(s), the policy allows {t.max_errors}")
        for check_id, st in check_status.items():
            if not st["available"] and (t.fail_on_unavailable or st.get("on_unavailable") == "error"):
                reasons.append(f"check {check_id!r} is unavailable and the policy requires it: {st['detail']}")
        return CIResult(not reasons, reasons)


def _batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for r in records:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
