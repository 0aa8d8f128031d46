"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio).

One shared ``AsyncOpenAI`` client per run (one connection pool, aiohttp transport),
structured output through instructor (tools, JSON-schema, JSON or Markdown-JSON
mode), and our own retry loop so that every attempt is counted and stored:
exponential backoff with full jitter on 429, 5xx, timeouts and connection errors,
honouring ``Retry-After``/``retry-after-ms``, capped in attempts and in wait.

A call never raises for a bad answer: it returns a :class:`CallResult` whose
``status`` is ``"scored"`` or ``"unscored"`` with the reason in ``error``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import instructor
import openai
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Mode = Literal["tools", "json_schema", "json", "md_json"]
INSTRUCTOR_MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
# We record every failure ourselves; instructor's own error log would only duplicate it on stderr.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError)


class LLMSettings(BaseModel):
    """How to reach the judge model. The API key is never stored or logged."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None
    api_key: str | None = Field(default=None, repr=False, exclude=True)
    model: str | None = None
    temperature: float = Field(0.0, ge=0, le=2)
    max_tokens: int = Field(600, ge=16)
    timeout: float = Field(30.0, gt=0)
    mode: Mode = "tools"
    concurrency: int = Field(16, ge=1, le=1024)
    max_retries: int = Field(3, ge=0, le=10)
    backoff_base: float = Field(0.5, ge=0)
    backoff_max: float = Field(30.0, ge=0)
    max_total_tokens: int | None = Field(None, ge=1)  # budget: stop cleanly when exceeded
    max_cost: float | None = Field(None, ge=0)
    prompt_price_per_1k: float = Field(0.0, ge=0)  # cost estimate, in your currency
    completion_price_per_1k: float = Field(0.0, ge=0)

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    def decoding(self) -> dict[str, Any]:
        """Everything besides the prompt that can change an answer (for cache keys)."""
        return {"base_url": self.base_url, "temperature": self.temperature, "max_tokens": self.max_tokens, "mode": self.mode}

    def public(self) -> dict[str, Any]:
        return self.model_dump(exclude={"api_key"})


@dataclass
class CallResult:
    status: Literal["scored", "unscored"]
    parsed: BaseModel | None = None
    raw: str | None = None
    error: str | None = None
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0

    def cost(self, s: LLMSettings) -> float:
        return self.prompt_tokens / 1000 * s.prompt_price_per_1k + self.completion_tokens / 1000 * s.completion_price_per_1k


def retry_after(err: Exception) -> float | None:
    """Seconds the server asked us to wait, from ``retry-after-ms`` or ``Retry-After``."""
    response = getattr(err, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        if headers.get("retry-after-ms"):
            return float(headers["retry-after-ms"]) / 1000
        if headers.get("retry-after"):
            return float(headers["retry-after"])
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
    return None


def _raw_reply(completion: Any) -> str | None:
    try:
        msg = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(msg, "tool_calls", None):
        return msg.tool_calls[0].function.arguments
    return msg.content or getattr(msg, "refusal", None)


class OpenAICompatProvider:
    """One per run: a shared client, a concurrency bound, retries, accounting."""

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.configured:
            raise ValueError("the provider needs base_url and model")
        self.settings = settings
        http_client = openai.DefaultAioHttpClient(timeout=settings.timeout)
        self.client = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "not-needed",
            max_retries=0,  # retries are ours, so each attempt is counted
            timeout=settings.timeout,
            http_client=http_client,
        )
        self.instructor = instructor.from_openai(self.client, mode=INSTRUCTOR_MODES[settings.mode])
        self.semaphore = asyncio.Semaphore(settings.concurrency)
        self.in_flight = 0
        self.max_in_flight = 0

    async def aclose(self) -> None:
        await self.client.close()

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        model: str,
        stop: Callable[[], str | None] | None = None,
    ) -> CallResult:
        """One structured call. ``stop`` is asked after the concurrency slot is won (budget)."""
        s = self.settings
        attempts = 0
        start = time.perf_counter()
        async with self.semaphore:
            reason = stop() if stop else None
            if reason:
                return self._failed(reason, start, 0)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                while True:
                    attempts += 1
                    try:
                        parsed, completion = await self.instructor.chat.completions.create_with_completion(
                            model=model,
                            messages=messages,  # type: ignore[arg-type]
                            response_model=response_model,
                            max_retries=0,  # one parse attempt: a malformed answer is unscored, not re-asked
                            temperature=s.temperature,
                            max_tokens=s.max_tokens,
                        )
                    except Exception as outer:  # instructor wraps transport errors in its own exception
                        e = _unwrap(outer)
                        if not isinstance(e, RETRYABLE):
                            failed = self._failed(_describe(e), start, attempts, raw=_raw_from_error(outer))
                            failed.prompt_tokens, failed.completion_tokens = _usage(outer)
                            return failed
                        if attempts > s.max_retries:
                            return self._failed(f"{_describe(e)}; gave up after {attempts} attempts", start, attempts)
                        wait = retry_after(e)
                        if wait is None:
                            wait = random.uniform(0, min(s.backoff_max, s.backoff_base * 2 ** (attempts - 1)))
                        await asyncio.sleep(min(wait, s.backoff_max))
                        continue
                    usage = getattr(completion, "usage", None)
                    return CallResult(
                        "scored",
                        parsed=parsed,
                        raw=_raw_reply(completion),
                        latency_ms=(time.perf_counter() - start) * 1000,
                        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
                        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
                        attempts=attempts,
                    )
            finally:
                self.in_flight -= 1

    def _failed(self, why: str, start: float, attempts: int, raw: str | None = None) -> CallResult:
        return CallResult("unscored", error=why, raw=raw, latency_ms=(time.perf_counter() - start) * 1000, attempts=attempts)


def _unwrap(e: BaseException) -> BaseException:
    """The transport error behind an instructor retry exception, if there is one."""
    attempts = getattr(e, "failed_attempts", None) or []
    for candidate in (getattr(attempts[-1], "exception", None) if attempts else None, e.__cause__):
        if isinstance(candidate, openai.APIError):
            return candidate
    return e


def _usage(e: BaseException) -> tuple[int, int]:
    """Tokens spent on a failed parse still count toward the budget."""
    usage = getattr(e, "total_usage", None)
    if usage is None:
        return 0, 0
    if isinstance(usage, int):
        return usage, 0
    return getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0


def _describe(e: BaseException) -> str:
    completion = getattr(e, "last_completion", None)
    try:
        refusal = completion.choices[0].message.refusal  # type: ignore[union-attr]
    except (AttributeError, IndexError):
        refusal = None
    if refusal:
        return f"refusal: {str(refusal)[:200]}"
    attempts = getattr(e, "failed_attempts", None)
    if attempts:
        inner = getattr(attempts[-1], "exception", None)
        if isinstance(inner, ValidationError):
            first = inner.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "answer"
            kind = "malformed JSON" if first["type"] == "json_invalid" else "schema-invalid answer"
            return f"{kind}: {loc}: {first['msg']}"
        if inner is not None:
            e = inner
    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code} ({type(e).__name__})"
    if isinstance(e, openai.APITimeoutError):
        return "timeout"
    if isinstance(e, openai.APIConnectionError):
        return "connection error"
    text = " ".join(str(e).split())
    if "refus" in text.lower() or "unable to generate a response" in text.lower():
        return f"refusal: {text[:200]}"
    return f"invalid answer: {text[:300]}"


def _raw_from_error(e: BaseException) -> str | None:
    completion = getattr(e, "last_completion", None)
    raw = _raw_reply(completion) if completion is not None else None
    return raw if raw is None else raw[:4000]


def parsed_json(result: CallResult) -> str | None:
    return json.dumps(result.parsed.model_dump(mode="json")) if result.parsed is not None else None
