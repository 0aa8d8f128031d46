"""The gate: run the checks and judges over a batch of records, decide, store; resumable and cached.

The gate takes records (an :class:`~judge.models.InputBatch`), never a path: the caller
reads its input once. A run is identified by its *run key* (input hash + policy + code + options). If a
run with the same key was interrupted, ``gate`` resumes it: lines already stored
are skipped. Independently, every candidate's *evaluation key* (its exact
content + the effective checks' fingerprint + code version) lets a later run reuse
a stored verdict instead of re-checking unchanged content.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from judge.cascade.batches import Batch, batches, gather_pages
from judge.cascade.catalog import evidence
from judge.cascade.duplicates import DuplicateIds
from judge.cascade.result import RunResult
from judge.cascade.thresholds import CIResult, ci_result
from judge.errors import ConfigError, RunInProgress
from judge.judges.providers import LLMSettings
from judge.judges.rubric import load_rubric
from judge.judges.stage import JudgeItem, JudgeStage, StageResult
from judge.models import Candidate, Decision, InputBatch, Record, decide, sha256_json
from judge.policy import Policy
from judge.rules.checks import CheckEnv, CheckSuite, Subject
from judge.store import Calibration, RunRow, Store, VerdictDraft
from judge.store.types import LineSet
from judge.version import code_version

ProgressFn = Callable[[int], None]
LaunchFn = Callable[[RunRow], Callable[[], None]]  # starts worker processes on a run; returns how to wait for them
# The candidate fields that checks read: the evaluation key covers exactly these.
CHECKED_FIELDS = {"placement", "page", "theme", "keywords", "description", "context"}


class Gate:
    """Gate batches of candidates with one policy into one store."""

    def __init__(
        self,
        policy: Policy,
        store: Store,
        *,
        batch_size: int | None = None,
        skip_llm: bool = False,
        llm: LLMSettings | None = None,
        store_prompts: bool = False,
        calibrations: dict[str, Calibration] | None = None,
    ) -> None:
        """``calibrations`` (the store's latest, by target) decide which rubric criteria may block."""
        self.policy = policy
        self.store = store
        self.skip_llm = skip_llm
        self.ctx = CheckEnv(base_dir=policy.base_dir, catalog=evidence(store), vectors=store)
        self._suites: dict[tuple[int, ...], CheckSuite] = {}
        self._fingerprints: dict[tuple[int, ...], str] = {}
        self.stage: JudgeStage | None = None
        rubrics = [load_rubric(r) for r in policy.judges.rubrics]
        if rubrics and not skip_llm:
            if llm is None or not llm.configured:
                raise ConfigError(
                    f"policy {policy.id!r} uses LLM rubrics ({', '.join(r.id for r in rubrics)}) but no endpoint is "
                    "configured: set OPENAI_BASE_URL (or --base-url) and JUDGE_MODEL (or --model), "
                    "or pass --skip-llm to record the rubric stage as skipped"
                )
            self.stage = JudgeStage(
                rubrics, llm, store, policy.unscored_severity, store_prompts,
                trust=policy.judges.trust, calibrations=calibrations,
            )
        self.llm_state = "skipped" if rubrics and skip_llm else ("none" if not rubrics else "active")
        # Small batches keep judge calls flowing while the next batch is prepared; without
        # judges, large batches amortize the store's transactions.
        self.batch_size = batch_size or (128 if self.stage else 512)

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
                "llm": self.llm_fingerprint,
            }
        )

    def progress_note(self) -> str:
        """What the LLM tier is doing, for a progress line."""
        if self.stage is None:
            return ""
        note = f"{self.stage.calls_made} calls"
        if self.stage.waited >= 1:
            note += f", {self.stage.waited:,.0f} s waiting on rate limits"
        return note + (f" (stopping: {self.stage.exhausted})" if self.stage.exhausted else "")

    @property
    def llm_fingerprint(self) -> str:
        return self.stage.fingerprint if self.stage else self.llm_state

    def run(self, batch: InputBatch, *, on_progress: ProgressFn | None = None, launch: LaunchFn | None = None,
            share: bool = True) -> RunResult:
        """Gate every record of ``batch``; resume the run of the same key if one was interrupted.

        With ``launch`` (which starts other workers on the run and returns a function that waits for them), the
        input is gated in blocks each worker takes from the store (this process too, unless ``share`` is off);
        then what no worker finished, and the page rubrics once every line has its verdict, are gated here.
        """
        run, resumed = self._open(batch)
        wait = launch(run) if launch is not None else None
        with self._loop() as loop:
            if wait is None:
                result = self._gate(loop, run, batch, resumed, on_progress, blocks=False, pages=True)
            else:
                result = (self._gate(loop, run, batch, resumed, on_progress, blocks=True, pages=False) if share
                          else RunResult(run=run, counts={}, ci=CIResult(True), check_status={}, resumed=resumed))
                wait()
                pages = bool(self.stage and self.stage.page_rubrics)
                if not result.stopped and (pages or self._unfinished(run, batch)):
                    result = self._gate(loop, run, batch, True, None, blocks=False, pages=True, into=result)
        return self._close(run, result)

    def join(self, batch: InputBatch, run_id: str, *, on_progress: ProgressFn | None = None) -> RunResult:
        """Gate, as one of a run's worker processes, the blocks of ``batch`` that no other worker has taken.
        The run's owner finishes the run; this returns the run's counts so far."""
        run = self.store.require_run(run_id)
        if run.run_key != self.run_key(batch.sha256):
            raise ConfigError(f"run {run_id} gates another input, policy or version of the code; join it with the same ones")
        result = RunResult(run=run, counts={}, ci=CIResult(True), check_status={}, resumed=True)
        if run.status == "running":
            with self._loop() as loop:
                result = self._gate(loop, run, batch, True, on_progress, blocks=True, pages=False)
        result.counts = self.store.counts(run.id)
        return result

    def _unfinished(self, run: RunRow, batch: InputBatch) -> bool:
        """Whether some record of ``batch`` has no verdict in the run yet (a worker died, or left a block)."""
        return batch.count is None or sum(self.store.counts(run.id).values()) < batch.count

    @contextmanager
    def _loop(self) -> Iterator[asyncio.AbstractEventLoop]:
        """An event loop for the passes of one process; the judges' clients close with it. A plain loop, not
        asyncio.Runner: on 3.11 its SIGINT bookkeeping formats the repr of the running task (with every pending
        call) on each run(), ~0.1 s per batch."""
        loop = asyncio.new_event_loop()
        try:
            yield loop
        finally:
            if self.stage:
                loop.run_until_complete(self.stage.aclose())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _open(self, batch: InputBatch) -> tuple[RunRow, bool]:
        """The run of this input and policy: the interrupted one (taken over), or a new one."""
        run_key = self.run_key(batch.sha256)
        run = self.store.resumable_run(run_key)
        if run is not None:
            holder = self.store.claim_run(run)
            if holder:
                raise RunInProgress(
                    f"run {run.id} of this input and policy is being gated by {holder} right now; wait for it to "
                    "finish (its verdicts are then reused), or gate another input"
                )
        resumed = run is not None
        if run is None:
            run = self.store.create_run(
                run_key=run_key,
                input_path=batch.source,
                input_sha256=batch.sha256,
                input_format=batch.format,
                policy_id=self.policy.id,
                policy_version=self.policy.version,
                policy_hash=self.policy.fingerprint,
                code_version=code_version(),
                options_json=json.dumps(
                    {"llm_stage": self.llm_state, "llm": self.stage.provenance() if self.stage else None}
                    | ({"csv_header": batch.header} if batch.header else {})
                ),
                check_status_json=json.dumps(self.check_status()),
            )
        return run, resumed

    def _gate(self, loop: asyncio.AbstractEventLoop, run: RunRow, batch: InputBatch, resumed: bool,
              on_progress: ProgressFn | None, *, blocks: bool, pages: bool, into: RunResult | None = None) -> RunResult:
        """One pass over ``batch``: the lines not stored yet (those of blocks this process takes, with ``blocks``)."""
        if self.stage:
            self.stage.start_clock()
            self.stage.run_id = run.id
        done = self.store.done_lines(run.id) if resumed else LineSet()
        result = into or RunResult(run=run, counts={}, ci=CIResult(True), check_status={}, resumed=resumed)
        members: dict[str, list[JudgeItem]] = {}
        loop.run_until_complete(self._pipeline(run, batch, done, result, members, on_progress, blocks))
        if pages and self.stage and self.stage.page_rubrics and not result.stopped:
            loop.run_until_complete(self._pages(run, members))
        return result

    def _close(self, run: RunRow, result: RunResult) -> RunResult:
        """Count the run's verdicts (whoever gated them), apply the CI thresholds and finish the run."""
        if self.stage:
            result.llm = {
                "calls": self.stage.calls_made,
                "cache_hits": self.stage.cache_hits,
                "tokens": self.stage.tokens_used,
                "cost": round(self.stage.cost_used, 6),
                "waited_s": round(self.stage.waited, 1),
            }
        result.check_status = self.check_status()
        result.counts = self.store.counts(run.id)
        result.ci = ci_result(self.policy, result.counts, result.check_status)
        if result.stopped:
            result.ci = CIResult(False, [f"run stopped early: {result.stopped}", *result.ci.reasons])
        result.run = self.store.finish_run(
            run.id,
            result.counts,
            {"passed": result.ci.passed, "reasons": result.ci.reasons, "llm": result.llm},
            result.check_status,
            status="stopped" if result.stopped else "complete",
        )
        return result

    async def _pipeline(
        self, run: RunRow, source: InputBatch, done: LineSet, result: RunResult,
        pages: dict[str, list[JudgeItem]], on_progress: ProgressFn | None, blocks: bool = False,
    ) -> None:
        """Prepare batch k+1 (read, rules, prompts) while batch k's judge calls are in flight.

        The judge calls of consecutive batches share one concurrency bound, so the endpoint
        sees a steady stream instead of a wave per batch. Each batch is written when its own
        calls finish (possibly out of order; resume goes by line, so that is safe).
        """
        in_flight: list[asyncio.Task[None]] = []
        duplicates = DuplicateIds(self.store, run.id, source.source)
        try:
            for number, chunk in enumerate(batches(source.records, self.batch_size)):
                if self.stage and self.stage.exhausted and self.stage.deadline_at is None:
                    break  # a spent budget ends the run; past a deadline, the rest is gated with its judges unscored
                if self.stage and self.stage.page_rubrics:
                    gather_pages(chunk, pages)
                todo = [r for r in chunk if r.line not in done]
                if todo and blocks and not self.store.claim_block(run.id, number):
                    todo = []  # another worker gates this block
                todo = duplicates.mark(todo)
                if todo:
                    # in a worker thread, so the event loop keeps serving in-flight calls meanwhile
                    prepared = await self.stage.while_preparing(self._prepare, todo, result) if self.stage else self._prepare(todo, result)
                    in_flight.append(asyncio.ensure_future(self._finish(run, prepared)))
                while len(in_flight) >= self._max_in_flight or (in_flight and in_flight[0].done()):
                    await in_flight.pop(0)
                if on_progress:
                    on_progress(len(chunk))
                await asyncio.sleep(0)  # let responses that arrived during preparation be handled
            while in_flight:
                await in_flight.pop(0)
        finally:  # a failed write (a full disk) ends the run: the other batches in flight are not left dangling
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)
        if self.stage and self.stage.exhausted:
            result.stopped = self.stage.exhausted

    @property
    def _max_in_flight(self) -> int:
        """Two batches judged while the next is prepared; with the Batch API, all (a day in a few jobs)."""
        return 1 << 30 if self.stage and self.stage.settings.batch else 2

    async def _pages(self, run: RunRow, members: dict[str, list[JudgeItem]]) -> None:
        """Page-level rubrics, once every placement of the run has a verdict.

        A page's prompt shows all of its candidates that the earlier tiers did not reject
        (with cascade on); a failed page criterion becomes a finding on each of them.
        """
        assert self.stage is not None
        decisions = self.store.line_decisions(run.id)
        done = self.store.judged_lines(run.id, [r.id for r in self.stage.page_rubrics])
        skip = {Decision.ERROR, Decision.REJECTED} if self.policy.judges.cascade else {Decision.ERROR}
        pages: dict[str, list[JudgeItem]] = {}
        for page, items in members.items():
            kept = [i for i in items if i.line not in done and decisions.get(i.line) not in (None, *skip)]
            if len(kept) >= 2:
                pages[page] = kept
        if not pages:
            return
        out = await self.stage.judge_pages(pages)
        await asyncio.to_thread(self.store.add_findings, run, out.findings, out.calls, out.judgements)

    def _prepare(self, records: list[Record], result: RunResult) -> Batch:
        """Everything up to the LLM tier: parse errors, cache look-up, the rule checks."""
        pending: list[tuple[VerdictDraft, tuple[int, ...], Candidate]] = []
        verdicts: list[VerdictDraft] = []
        for rec in records:
            if rec.candidate is None:
                result.input_error(rec.error or "unreadable record")
                verdicts.append(VerdictDraft(rec.line, rec.raw, Decision.ERROR, [], error=rec.error))
                continue
            cand = rec.candidate
            key = self.policy.override_key(cand)
            self.suite(key)
            eval_key = sha256_json(
                {
                    "c": cand.model_dump(mode="json", include=CHECKED_FIELDS),
                    "checks": self._fingerprints[key],
                    "code": code_version(),
                    "llm": self.llm_fingerprint,
                }
            )
            v = VerdictDraft(
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
        cached = self.store.reusable_verdicts([v.eval_key for v, _, _ in pending if v.eval_key])
        fresh: dict[tuple[int, ...], list[tuple[VerdictDraft, Candidate]]] = {}
        first_by_key: dict[str, VerdictDraft] = {}
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
        judge_items: list[JudgeItem] = []
        by_line: dict[int, VerdictDraft] = {}
        for key, items in fresh.items():
            findings = self.suite(key).run([Subject(c) for _, c in items])
            for (v, cand), found in zip(items, findings, strict=True):
                v.findings, v.decision = found, decide(found)
                result.evaluated += 1
                if self.stage and not (self.policy.judges.cascade and v.decision == Decision.REJECTED):
                    judge_items.append(JudgeItem(v.line, cand, v.content_hash or ""))
                    by_line[v.line] = v
        return Batch(verdicts, [v for v, _, _ in pending], first_by_key, judge_items, by_line)

    async def _finish(self, run: RunRow, batch: Batch) -> None:
        """The LLM tier for one prepared batch, then one transaction with everything."""
        stage_out = StageResult()
        if self.stage and batch.judge_items:
            stage_out = await self.stage.judge(batch.judge_items)
            for line, found in stage_out.findings.items():
                v = batch.by_line[line]
                v.findings = v.findings + found
                v.decision = decide(v.findings)
                v.reusable = line not in stage_out.unscored
        for v in batch.candidates:
            twin = batch.first_by_key.get(v.eval_key or "")
            if twin is not None and twin is not v and v.reused_from is None:
                v.decision, v.findings, v.reusable = twin.decision, twin.findings, twin.reusable
        self._apply_overrides(batch.candidates)
        keep = [r.id for r in self.stage.rubrics] if self.stage else []
        write = (run, batch.verdicts, stage_out.calls, stage_out.judgements, keep)
        if self.stage:
            await asyncio.to_thread(self.store.write_verdicts, *write)
        else:
            self.store.write_verdicts(*write)

    def _apply_overrides(self, verdicts: list[VerdictDraft]) -> None:
        """Sticky human decisions: same content, same policy version -> the reviewer decides."""
        hashes = [v.content_hash for v in verdicts if v.content_hash]
        if not hashes:
            return
        found = self.store.overrides(hashes, self.policy.id, self.policy.version)
        for v in verdicts:
            review = found.get(v.content_hash or "")
            if review is not None:
                v.machine_decision, v.decision, v.override_id = v.decision, Decision(review.decision), review.id
