"""The LLM tier: rubric judges over candidates, cached, budgeted, fail-closed.

For each candidate and rubric, every panel member (model x sample) is one call.
Each criterion's outcome is a vote over the members that answered; a criterion
with too few answers is *unscored*, which the policy maps to needs_review or
rejected, never to approved. Every call, including cache hits, is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar

from judge.judges.providers import CallResult, LLMSettings
from judge.judges.providers.base import BatchJournal
from judge.judges.rubric import Rubric, candidate_payload, criterion_passed
from judge.models import Candidate, Finding, Severity, sha256_json
from judge.redact import redact_url
from judge.store.types import CachedCall, Calibration

T = TypeVar("T")


class CallCache(BatchJournal, Protocol):
    """What the stage needs of a store: the latest scored call per cache key (and, for ``--llm-batch``, the
    run's Batch API jobs)."""

    def cached_calls(self, keys: Sequence[str]) -> dict[str, CachedCall]: ...


@dataclass
class JudgeItem:
    line: int
    candidate: Candidate
    content_hash: str


@dataclass
class _Unit:
    """What one prompt is about: a candidate, or every candidate of one page."""

    lines: list[int]
    payload: Any
    content_hash: str
    key: str


@dataclass
class CallRecord:
    line: int | None
    content_hash: str
    rubric: Rubric
    prompt_hash: str
    model: str
    sample: int
    cache_key: str
    result: CallResult
    cached_from: int | None = None
    prompt: str | None = None
    base_url: str = ""
    mode: str = ""
    cost: float = 0.0

    def to_row(self) -> dict[str, Any]:
        """The ``judge_calls`` columns of this call (the store adds the run and the time)."""
        r, rubric = self.result, self.rubric
        parsed = json.dumps(r.parsed.model_dump(mode="json")) if r.parsed is not None else None
        return {
            "line": self.line, "content_hash": self.content_hash, "rubric_id": rubric.id,
            "rubric_version": rubric.version, "template_hash": rubric.template_hash, "schema_hash": rubric.schema_hash,
            "prompt_hash": self.prompt_hash, "prompt": self.prompt, "model": self.model, "base_url": self.base_url,
            "mode": self.mode, "sample": self.sample, "cache_key": self.cache_key, "status": r.status, "raw": r.raw,
            "parsed_json": parsed, "error": r.error, "latency_ms": r.latency_ms, "prompt_tokens": r.prompt_tokens,
            "completion_tokens": r.completion_tokens, "cost": self.cost, "attempts": r.attempts,
            "cached_from": self.cached_from,
        }


@dataclass
class JudgementRecord:
    line: int
    rubric_id: str
    rubric_version: str
    criterion_id: str
    outcome: str  # pass | fail | unscored
    votes: int
    agreement: float | None
    reason: str | None

    def to_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StageResult:
    findings: dict[int, list[Finding]] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    judgements: list[JudgementRecord] = field(default_factory=list)
    unscored: set[int] = field(default_factory=set)  # lines with an unscored criterion


@dataclass
class _Task:
    unit: _Unit
    rubric: Rubric
    model: str
    sample: int
    messages: list[dict[str, str]]
    prompt_hash: str
    cache_key: str


class JudgeStage:
    """Runs the rubrics of a policy against an OpenAI-compatible endpoint."""

    def __init__(
        self,
        rubrics: list[Rubric],
        settings: LLMSettings,
        store: CallCache,
        unscored_severity: Severity,
        store_prompts: bool = False,
        trust: Any = None,
        calibrations: dict[str, Calibration] | None = None,
    ) -> None:
        self.rubrics = [r for r in rubrics if r.level in ("placement", "keywords")]
        self.page_rubrics = [r for r in rubrics if r.level == "page"]
        # product-level rubrics need retrieved products, which the gate does not have
        self.skipped_rubrics = [r.id for r in rubrics if r.level == "products"]
        self.settings, self.store = settings, store
        self.unscored_severity = unscored_severity
        self.store_prompts = store_prompts
        self.trust = trust  # TrustConfig or None
        self.calibrations = calibrations or {}
        self.provider: Any = None  # OpenAICompatProvider, created inside the run's event loop
        self.run_id = ""  # the run being judged (a Batch API job is stored under it)
        self.tokens_used, self.cost_used, self.calls_made, self.cache_hits = 0, 0.0, 0, 0
        self.exhausted: str | None = None
        self.deadline_at: float | None = None  # time.monotonic() when the LLM tier must stop
        self.waited_before = 0.0  # waits of providers already closed

    def start_clock(self) -> None:
        """The run starts now: its ``deadline`` (if any) counts from here."""
        if self.settings.deadline is not None:
            self.deadline_at = time.monotonic() + self.settings.deadline

    @property
    def waited(self) -> float:
        """Seconds spent waiting to retry (Retry-After, backoff), summed over calls."""
        return self.waited_before + (self.provider.waited if self.provider is not None else 0.0)

    @property
    def fingerprint(self) -> str:
        return sha256_json(
            {
                "rubrics": [
                    (r.id, r.version, r.template_hash, r.schema_hash, r.panel.model_dump())
                    for r in self.rubrics + self.page_rubrics
                ],
                "model": self.settings.model,
                "decoding": self.settings.decoding(),
                "trust": self.untrusted_blocking(),
            }
        )

    def trusted(self, rubric: Rubric, criterion: str) -> tuple[bool, str]:
        """Whether a criterion has earned the right to block, and why not."""
        t = self.trust
        if t is None or t.min_kappa is None:
            return True, ""
        cal = self.calibrations.get(f"{rubric.id}.{criterion}")
        if cal is None or cal.kappa is None:
            return False, "not calibrated"
        if cal.version not in (None, rubric.version):
            return False, f"calibrated at rubric version {cal.version}, not {rubric.version}"
        if cal.n < t.min_labels:
            return False, f"{cal.n} labels < {t.min_labels}"
        if cal.kappa < t.min_kappa:
            return False, f"kappa {cal.kappa:.2f} < {t.min_kappa:.2f}"
        return True, ""

    def untrusted_blocking(self) -> list[str]:
        """Criteria whose block severity is demoted to review (part of the fingerprint)."""
        out = []
        for r in self.rubrics + self.page_rubrics:
            for c in r.criteria:
                if (c.severity or r.severity) == Severity.BLOCK and not self.trusted(r, c.id)[0]:
                    out.append(f"{r.id}.{c.id}")
        return out

    def provenance(self) -> dict[str, Any]:
        return {
            "model": self.settings.model,
            "settings": self.settings.public(),
            "rubrics": {
                r.id: {"version": r.version, "level": r.level, "template_hash": r.template_hash}
                for r in self.rubrics + self.page_rubrics
            },
            "not_run": self.skipped_rubrics,
        }

    def _panel(self, rubric: Rubric) -> list[tuple[str, int]]:
        models = rubric.panel.models or [self.settings.model or ""]
        return [(m, s) for m in models for s in range(rubric.panel.samples)]

    def _tasks(self, units: list[_Unit], rubrics: list[Rubric]) -> list[_Task]:
        tasks = []
        decoding = self.settings.decoding()
        for unit in units:
            for rubric in rubrics:
                messages = rubric.messages(unit.payload)
                prompt_hash = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()
                for model, sample in self._panel(rubric):
                    key = sha256_json(
                        {
                            "content": unit.content_hash,
                            "prompt": prompt_hash,
                            "rubric": [rubric.id, rubric.version, rubric.template_hash, rubric.schema_hash],
                            "model": model,
                            "decoding": decoding,
                            "sample": sample,
                        }
                    )
                    tasks.append(_Task(unit, rubric, model, sample, messages, prompt_hash, key))
        return tasks

    def _stop_reason(self) -> str | None:
        s = self.settings
        if self.exhausted:
            return self.exhausted
        if self.deadline_at is not None and time.monotonic() >= self.deadline_at:
            self.exhausted = f"deadline of {s.deadline:g} s reached"
        elif s.max_total_tokens is not None and self.tokens_used >= s.max_total_tokens:
            self.exhausted = f"token budget exhausted ({self.tokens_used:,} of {s.max_total_tokens:,})"
        elif s.max_cost is not None and self.cost_used >= s.max_cost:
            self.exhausted = f"cost budget exhausted ({self.cost_used:.4f} of {s.max_cost:.4f})"
        return self.exhausted

    async def _call(self, task: _Task) -> CallResult:
        stop = self._stop_reason()
        if stop:
            return CallResult("unscored", error=stop)
        assert self.provider is not None
        result = await self.provider.complete(
            task.messages, task.rubric.response_model, task.model, stop=self._stop_reason, deadline=self.deadline_at
        )
        if result.past_deadline and not self.exhausted:
            self.exhausted = f"deadline of {self.settings.deadline:g} s reached"
        self.tokens_used += result.prompt_tokens + result.completion_tokens
        self.cost_used += result.cost(self.settings)
        if result.attempts:
            self.calls_made += 1
        return result

    async def judge(self, items: list[JudgeItem]) -> StageResult:
        """Placement- and keyword-level rubrics, one prompt per candidate."""
        units = [_Unit([i.line], candidate_payload(i.candidate), i.content_hash, str(i.line)) for i in items]
        return await self._judge(units, self.rubrics)

    async def judge_pages(self, pages: dict[str, list[JudgeItem]], keep_order: bool = False) -> StageResult:
        """Page-level rubrics, one prompt per page that sees all of its candidates (in input order,
        unless ``keep_order`` keeps the order given: the position probe shuffles it)."""
        units = []
        for page, items in sorted(pages.items()):
            if not keep_order:
                items = sorted(items, key=lambda i: i.line)
            digest = sha256_json({"page": page, "members": [i.content_hash for i in items]})
            payload = [candidate_payload(i.candidate) for i in items]
            units.append(_Unit([i.line for i in items], payload, digest, f"page:{page}"))
        return await self._judge(units, self.page_rubrics)

    async def _judge(self, units: list[_Unit], rubrics: list[Rubric]) -> StageResult:
        out = StageResult()
        if not units or not rubrics:
            return out
        if self.provider is None:
            self.provider = self._new_provider()
        tasks = self._tasks(units, rubrics)
        cached = self.store.cached_calls([t.cache_key for t in tasks])
        results: list[CallResult | None] = [None] * len(tasks)
        pending: list[tuple[int, asyncio.Task[CallResult]]] = []
        for i, t in enumerate(tasks):
            hit = cached.get(t.cache_key)
            if hit is not None:
                results[i] = CallResult("scored", parsed=t.rubric.response_model.model_validate_json(hit.parsed_json), raw=hit.raw)
                out.calls.append(self._record(t, results[i], cached_from=hit.id))  # type: ignore[arg-type]
                self.cache_hits += 1
            else:
                pending.append((i, asyncio.ensure_future(self._call(t))))
        for i, fut in pending:
            results[i] = await fut
            out.calls.append(self._record(tasks[i], results[i]))  # type: ignore[arg-type]
        self._vote(tasks, results, out)  # type: ignore[arg-type]
        return out

    async def while_preparing(self, prepare: Callable[..., T], *args: Any) -> T:
        """``prepare(*args)`` in a worker thread, the event loop serving in-flight calls meanwhile; a Batch API
        provider sends no job until it returns (more calls are coming)."""
        with getattr(self.provider, "hold", nullcontext)():
            return await asyncio.to_thread(prepare, *args)

    def _new_provider(self) -> Any:
        if self.settings.batch:
            from judge.judges.providers.batch import BatchProvider

            return BatchProvider(self.settings, self.store, self.run_id)
        from judge.judges.providers.openai_compat import OpenAICompatProvider

        return OpenAICompatProvider(self.settings)

    def _record(self, t: _Task, r: CallResult, cached_from: int | None = None) -> CallRecord:
        prompt = json.dumps(t.messages, ensure_ascii=False) if self.store_prompts else None
        s = self.settings
        line = t.unit.lines[0] if len(t.unit.lines) == 1 else None  # a page's call belongs to no one line
        return CallRecord(
            line, t.unit.content_hash, t.rubric, t.prompt_hash, t.model, t.sample, t.cache_key, r, cached_from,
            prompt, redact_url(s.base_url) or "", s.mode, 0.0 if cached_from else r.cost(s),
        )

    def _vote(self, tasks: list[_Task], results: list[CallResult], out: StageResult) -> None:
        groups: dict[tuple[str, str], list[tuple[_Task, CallResult]]] = {}
        for t, r in zip(tasks, results, strict=True):
            groups.setdefault((t.unit.key, t.rubric.id), []).append((t, r))
        for members in groups.values():
            unit, rubric = members[0][0].unit, members[0][0].rubric
            for line in unit.lines:
                self._vote_one(line, rubric, members, out)

    def _vote_one(self, line: int, rubric: Rubric, members: list[tuple[_Task, CallResult]], out: StageResult) -> None:
        panel = len(members)
        findings = out.findings.setdefault(line, [])
        outcomes: dict[str, bool] = {}
        unscored_errors = sorted({r.error or "no answer" for _, r in members if r.status != "scored"})
        for c in rubric.criteria:
            votes: list[tuple[bool, str]] = []
            for _, r in members:
                if r.status == "scored" and r.parsed is not None:
                    answer = getattr(r.parsed, c.id)
                    votes.append((criterion_passed(c, answer), answer.reason))
            scored = len(votes)
            passes = sum(1 for v, _ in votes if v)
            if rubric.panel.vote == "unanimous":
                decided = scored == panel
                passed = decided and passes == panel
            else:
                decided = scored * 2 > panel
                passed = decided and passes * 2 > scored  # a tie fails: fail closed
            agreement = max(passes, scored - passes) / scored if scored else None
            if not decided:
                out.judgements.append(JudgementRecord(line, rubric.id, rubric.version, c.id, "unscored", scored, agreement, "; ".join(unscored_errors)))
                continue
            reason = next((why for v, why in votes if v == passed), None)
            outcomes[c.id] = passed
            out.judgements.append(JudgementRecord(line, rubric.id, rubric.version, c.id, "pass" if passed else "fail", scored, agreement, reason))
        check = f"rubric:{rubric.id}"
        missing = [c.id for c in rubric.criteria if c.id not in outcomes]
        if missing:
            out.unscored.add(line)
            findings.append(
                Finding(
                    check=check,
                    severity=self.unscored_severity,
                    message=f"unscored ({', '.join(missing)}): {'; '.join(unscored_errors) or 'too few panel answers'}",
                    category=rubric.id,
                    term="unscored",
                )
            )
        failed = [c for c in rubric.criteria if outcomes.get(c.id) is False]
        rubric_fails = not rubric.passed(outcomes) if outcomes else False
        for c in failed:
            j = next(j for j in reversed(out.judgements) if j.line == line and j.rubric_id == rubric.id and j.criterion_id == c.id)
            severity = (c.severity or rubric.severity) if rubric_fails else Severity.INFO
            note = ""
            if severity == Severity.BLOCK:
                ok, why = self.trusted(rubric, c.id)
                if not ok:
                    severity, note = Severity.REVIEW, f" [may not block yet: {why}; see judge calibrate]"
            findings.append(
                Finding(
                    check=check,
                    severity=severity,
                    message=f"{c.id}: {j.reason or 'failed'}{note}",
                    category=rubric.id,
                    term=c.id,
                    score=j.agreement,
                )
            )

    async def aclose(self) -> None:
        if self.provider is not None:
            await self.provider.aclose()
            self.waited_before += self.provider.waited
            self.provider = None
