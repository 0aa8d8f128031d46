"""A provider's Batch API (``judge gate --llm-batch``): the requests of live calls, in jobs, at a lower price.

Calls are collected as the gate makes them. Once no new call has come for ``IDLE_S`` while the gate prepares no
more (or a job is full)
they are written as one JSONL file, one request per line, whose ``custom_id`` is a digest of the request
body, so the same request has the same id in any process. The file is uploaded (``POST /v1/files``,
purpose ``batch``), the job submitted (``POST /v1/batches``), and the job's id stored before anything
waits on it. Jobs are polled with backoff until they end. Each result line is parsed as a live answer
is: the same schema validation and the same fail-closed rules.

A gate interrupted while a job runs asks for the same requests again when it resumes; it finds them in
a stored job of the run and polls that job instead of submitting (and paying) again.

Whatever goes wrong is an unscored call that says why, never an approval: a job that failed, expired
or was cancelled, a request missing from the output, an error line, an answer that does not parse,
or a deadline that passed while the job ran (the job stays stored; the same command resumes it).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from judge.config import validation_message
from judge.judges.providers.base import BatchJournal, CallResult, LLMSettings
from judge.judges.providers.openai_compat import (
    RETRYABLE,
    OpenAICompatProvider,
    describe_error,
)
from judge.redact import redact_text

IDLE_S = 0.5  # a job is submitted once no new call has come for this long
PENDING = "pending:"  # a stored job's id until the provider has given one (then the file's id follows)
LIST_LIMIT = 1000  # jobs looked at for one that a dead process submitted
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
ENDPOINT = "/v1/chat/completions"
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """One request's result in a job: the chat completion, or why there is none."""

    completion: dict[str, Any] | None = None
    error: str | None = None


def custom_id(body: dict[str, Any]) -> str:
    """A request's id in a job: the same request body, the same id."""
    return "j-" + hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:40]


def read_results(text: str) -> dict[str, Outcome]:
    """A job's output or error file, by custom id (a line that cannot be read leaves its request missing)."""
    out: dict[str, Outcome] = {}
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict) or not isinstance(row.get("custom_id"), str):
            continue
        response = row.get("response") if isinstance(row.get("response"), dict) else {}
        body = response.get("body")
        if response.get("status_code") == 200 and isinstance(body, dict) and not row.get("error"):
            out[row["custom_id"]] = Outcome(completion=body)
        else:
            out[row["custom_id"]] = Outcome(error=_line_error(response, row.get("error")))
    return out


def _line_error(response: dict[str, Any], error: Any) -> str:
    code = response.get("status_code")
    body = response.get("body")
    message = (error or {}).get("message") if isinstance(error, dict) else None
    if not message and isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
    return f"batch request failed: {'HTTP ' + str(code) if code else 'no response'}" + (f" ({str(message)[:200]})" if message else "")


class BatchProvider(OpenAICompatProvider):
    """Live calls' interface (:meth:`complete`), answered by Batch API jobs of one run."""

    def __init__(self, settings: LLMSettings, journal: BatchJournal, run_id: str) -> None:
        super().__init__(settings)
        self.journal, self.run_id = journal, run_id
        self.jobs_submitted = 0
        self._results: dict[str, asyncio.Future[Outcome]] = {}  # every request asked, by custom id
        self._unsent: dict[str, dict[str, Any]] = {}  # asked, not yet in a job
        self._job_of: dict[str, str] = {}  # custom id asked here -> the job that answers it
        self._followers: dict[str, asyncio.Task[None]] = {}
        self._sender: asyncio.Task[None] | None = None
        self._last_asked = 0.0
        self._holds = 0  # the gate is preparing more calls: a job waits for them, however long that takes

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        model: str,
        stop: Callable[[], str | None] | None = None,
        deadline: float | None = None,
    ) -> CallResult:
        start = time.perf_counter()
        reason = stop() if stop else None
        if reason:
            return self._failed(reason, start, 0)
        shape = self.shape(response_model)
        result = self._ask(self.request_body(shape, messages, model))
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            outcome = await asyncio.wait_for(asyncio.shield(result), timeout=wait)
        except TimeoutError:
            failed = self._failed("the run's deadline passed while its batch job ran; the job is kept, and the same "
                                  "command resumes polling it", start, 1)
            failed.past_deadline = True
            return failed
        if outcome.error is not None or outcome.completion is None:
            return self._failed(outcome.error or "no result", start, 1)
        try:
            completion = ChatCompletion.model_validate(outcome.completion)
        except ValidationError as e:
            raw = json.dumps(outcome.completion)[:4000]
            return self._failed(f"invalid reply: not a chat completion ({validation_message(e)})", start, 1, raw)
        return self._parse(shape, completion, start, 1)

    def _ask(self, body: dict[str, Any]) -> asyncio.Future[Outcome]:
        cid = custom_id(body)
        result = self._results.get(cid)
        if result is None:  # the same request twice in a run is asked (and paid) once
            result = self._results[cid] = asyncio.get_running_loop().create_future()
            self._unsent[cid] = body
            self._last_asked = time.monotonic()
            if self._sender is None or self._sender.done():
                self._sender = asyncio.ensure_future(self._send_when_idle())
        return result

    @contextmanager
    def hold(self) -> Iterator[None]:
        """No job is sent while the gate prepares calls to come (a slow batch of rules is no idle time)."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            self._last_asked = time.monotonic()

    async def _send_when_idle(self) -> None:
        while self._unsent:
            idle = time.monotonic() - self._last_asked
            if (self._holds or idle < IDLE_S) and len(self._unsent) < self.settings.batch_max_requests:
                await asyncio.sleep(max(IDLE_S - idle, 0.05))
                continue
            ids = list(self._unsent)[: self.settings.batch_max_requests]
            requests = {cid: self._unsent.pop(cid) for cid in ids}
            try:
                await self._send(requests)
            except Exception as e:  # noqa: BLE001 - any failure to submit leaves these calls unscored, never lost
                self._settle(list(requests), Outcome(error=f"batch job not submitted: {_why(e)}"))

    async def _send(self, requests: dict[str, dict[str, Any]]) -> None:
        """Requests a stored job holds (this run's, or an earlier run's that stopped) are followed there; the
        others go in a new job, stored (under a placeholder) before it is submitted."""
        held = await asyncio.to_thread(self.journal.llm_batch_jobs, list(requests))
        jobs = {b: await self._submitted(b, resumed=True) if b.startswith(PENDING) else b for b in set(held.values())}
        for cid, batch_id in held.items():
            del requests[cid]
            self._job_of[cid] = jobs[batch_id]
            self._follow(jobs[batch_id])
        if not requests:
            return
        lines = (json.dumps({"custom_id": cid, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False)
                 for cid, body in requests.items())
        data = ("\n".join(lines) + "\n").encode()
        upload = await self._retrying(lambda: self.client.files.create(file=("judge-batch.jsonl", data), purpose="batch"))
        placeholder = PENDING + upload.id
        await asyncio.to_thread(self.journal.add_llm_batch, self.run_id, placeholder, upload.id, list(requests), "submitting")
        batch_id = await self._submitted(placeholder, resumed=False)
        self._job_of.update(dict.fromkeys(requests, batch_id))
        self._follow(batch_id)

    async def _submitted(self, placeholder: str, resumed: bool) -> str:
        """The job of an uploaded file: when ``resumed``, the one the provider may already have for it (a process
        died between submitting and storing its id), else a new one. Stored under the provider's id either way."""
        file_id = placeholder.removeprefix(PENDING)
        job = await self._job_of_file(file_id) if resumed else None
        if job is None:
            job = await self._retrying(lambda: self.client.batches.create(
                input_file_id=file_id, endpoint=ENDPOINT, completion_window="24h", metadata={"judge_run": self.run_id}))
            self.jobs_submitted += 1
        await asyncio.to_thread(self.journal.confirm_llm_batch, placeholder, job.id, job.status)
        return job.id

    async def _job_of_file(self, file_id: str) -> Any:
        """A live job the provider holds for an input file, among its newest ``LIST_LIMIT`` jobs."""
        seen = 0
        async for job in self.client.batches.list(limit=100):
            if job.input_file_id == file_id and job.status not in ("failed", "cancelled", "expired"):
                return job
            seen += 1
            if seen >= LIST_LIMIT:
                break
        return None

    def _follow(self, batch_id: str) -> None:
        if batch_id not in self._followers:
            self._followers[batch_id] = asyncio.ensure_future(self._poll(batch_id))

    async def _poll(self, batch_id: str) -> None:
        """Poll a job with backoff until it ends, then hand each of its requests asked here its result."""
        try:
            job = await self._until_done(batch_id)
            results: dict[str, Outcome] = {}
            for file_id in (job.output_file_id, job.error_file_id):
                if file_id:
                    content = await self._retrying(lambda f=file_id: self.client.files.content(f))
                    results.update(read_results(content.text))
            missing = Outcome(error=f"batch job {batch_id} ended {job.status}{_job_errors(job)}; no result for this request")
            for cid in self._asked_of(batch_id):
                self._settle([cid], results.get(cid, missing))
        except Exception as e:  # noqa: BLE001 - a job that cannot be followed leaves its calls unscored
            self._settle(self._asked_of(batch_id), Outcome(error=f"batch job {batch_id} could not be followed: {_why(e)}"))

    def _asked_of(self, batch_id: str) -> list[str]:
        return [cid for cid, job in self._job_of.items() if job == batch_id]

    async def _until_done(self, batch_id: str) -> Any:
        delay, seen = self.settings.batch_poll_first, None
        while True:
            job = await self._retrying(lambda: self.client.batches.retrieve(batch_id))
            if job.status != seen:
                seen = job.status
                await asyncio.to_thread(self.journal.set_llm_batch_status, batch_id, job.status)
            if job.status in TERMINAL:
                return job
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.batch_poll_max)

    def _settle(self, requests: Iterable[str], outcome: Outcome) -> None:
        for cid in requests:
            result = self._results.get(cid)
            if result is not None and not result.done():
                result.set_result(outcome)

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """One request to the files or batches endpoints, retried like a live call on 429, 5xx and timeouts."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return await call()
            except RETRYABLE as e:
                if attempts > self.settings.max_retries:
                    raise
                wait = self._backoff(e, attempts)
                self.waited += wait
                await asyncio.sleep(wait)

    async def aclose(self) -> None:
        tasks = [t for t in (self._sender, *self._followers.values()) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await super().aclose()


def _why(e: Exception) -> str:
    if isinstance(e, openai.APIError):
        return describe_error(e)
    return f"{type(e).__name__}: {redact_text(' '.join(str(e).split()))[:200]}"


def _job_errors(job: Any) -> str:
    errors = getattr(getattr(job, "errors", None), "data", None) or []
    messages = [str(getattr(e, "message", "") or "") for e in errors]
    return f" ({'; '.join(m for m in messages if m)[:300]})" if any(messages) else ""
