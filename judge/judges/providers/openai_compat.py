"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio).

One shared ``AsyncOpenAI`` client per run (one connection pool, aiohttp transport),
structured output through instructor's mode handlers (tools, JSON-schema, JSON or
Markdown-JSON mode), and our own retry loop so that every attempt is counted and
stored: exponential backoff with full jitter on 429, 5xx, timeouts and connection
errors, honouring ``Retry-After``/``retry-after-ms``, capped in attempts and in wait.

Per-call CPU matters (128 concurrent calls must not saturate a core), so the
request shape instructor derives from a response model (tool schema or
response_format, plus any schema text it adds to the messages) is computed once
per rubric and mode, and the large schema travels in ``extra_body`` so the SDK does
not re-walk it on every call. Parsing and validation are instructor's
``response_parser`` for that mode.

A call never raises for a bad answer: it returns a :class:`CallResult` whose
``status`` is ``"scored"`` or ``"unscored"`` with the reason in ``error``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from judge.config import validation_message
from judge.judges.providers.base import CallResult, LLMSettings
from judge.redact import redact_text, split_credentials

INSTRUCTOR_MODES = {"tools": "TOOLS", "json_schema": "JSON_SCHEMA", "json": "JSON", "md_json": "MD_JSON"}
# We record every failure ourselves; instructor's own error log would only duplicate it on stderr.
logging.getLogger("instructor").setLevel(logging.CRITICAL)
RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError)


CONNECTION_CAUSES = (
    (ConnectionRefusedError, "connection refused"),
    (ConnectionResetError, "connection reset by the server"),
    (ConnectionAbortedError, "connection aborted"),
    (socket.gaierror, "host name not resolved"),
    (ssl.SSLError, "TLS error"),
)


def _connection_failure(e: BaseException) -> str:
    """The real cause of a failed request: the transports report a refused connection as a timeout."""
    seen: set[int] = set()
    cause: BaseException | None = e
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        for kind, label in CONNECTION_CAUSES:
            if isinstance(cause, kind):
                return f"{label} ({redact_text(str(cause))[:160]})"
        cause = cause.__cause__ or cause.__context__
    if isinstance(e, openai.APITimeoutError):
        return "timeout"
    root = e
    for _ in range(20):  # the innermost cause (a chain is short; a cycle must not hang)
        inner = root.__cause__ or root.__context__
        if inner is None:
            break
        root = inner
    return f"connection error ({type(root).__name__}: {redact_text(str(root))[:160]})"


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


_SYS, _USER = "\x00SYSTEM-SLOT\x00", "\x00USER-SLOT\x00"


@dataclass
class _Shape:
    """What instructor adds to a request for one response model in one mode."""

    model: type[BaseModel]  # instructor's prepared response model
    messages: list[dict[str, Any]]  # with slots for the system and user text
    extra: dict[str, Any]  # tools / tool_choice / response_format ...
    parse: Callable[..., Any]


class OpenAICompatProvider:
    """One per run: a shared client, a concurrency bound, retries, accounting."""

    def __init__(self, settings: LLMSettings) -> None:
        if not settings.configured:
            raise ValueError("the provider needs base_url and model")
        self.settings = settings
        http_client = openai.DefaultAioHttpClient(timeout=settings.timeout)
        base_url, basic_auth = split_credentials(settings.base_url or "")
        self.client = openai.AsyncOpenAI(
            base_url=base_url,
            api_key=settings.api_key or "not-needed",
            # credentials in the URL become Basic auth, unless an API key is given
            default_headers={"Authorization": basic_auth} if basic_auth and not settings.api_key else None,
            max_retries=0,  # retries are ours, so each attempt is counted
            timeout=settings.timeout,
            http_client=http_client,
        )
        self.semaphore = asyncio.Semaphore(settings.concurrency)
        self.waited = 0.0  # seconds spent waiting to retry (Retry-After, backoff), summed over calls
        self._shapes: dict[type[BaseModel], _Shape] = {}

    async def aclose(self) -> None:
        await self.client.close()

    def shape(self, response_model: type[BaseModel]) -> _Shape:
        shape = self._shapes.get(response_model)
        if shape is None:
            from instructor import Mode as InstructorMode
            from instructor.v2.core.providers import Provider
            from instructor.v2.core.registry import mode_registry
            from instructor.v2.core.response_model import prepare_response_model

            mode = getattr(InstructorMode, INSTRUCTOR_MODES[self.settings.mode])
            handlers = mode_registry.get_handlers(Provider.OPENAI, mode)
            slots = [{"role": "system", "content": _SYS}, {"role": "user", "content": _USER}]
            prepared, kwargs = handlers.request_handler(
                response_model=prepare_response_model(response_model), kwargs={"messages": slots}
            )
            messages = kwargs.pop("messages")
            shape = self._shapes[response_model] = _Shape(prepared, messages, kwargs, handlers.response_parser)
        return shape

    def _messages(self, shape: _Shape, messages: list[dict[str, str]]) -> list[dict[str, Any]]:
        system = next((m["content"] for m in messages if m["role"] == "system"), "")
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        out = []
        for m in shape.messages:
            content = m.get("content")
            if isinstance(content, str):  # fill the slots of the template, never re-scan inserted text
                if _SYS in content:
                    content = content.replace(_SYS, system)
                elif _USER in content:
                    content = content.replace(_USER, user)
            out.append({**m, "content": content})
        return out

    def request_body(self, shape: _Shape, messages: list[dict[str, str]], model: str) -> dict[str, Any]:
        """The chat-completions request of one call (live, or one line of a batch job)."""
        s = self.settings
        return {"model": model, "messages": self._messages(shape, messages), "temperature": s.temperature,
                "max_tokens": s.max_tokens, **shape.extra}

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        model: str,
        stop: Callable[[], str | None] | None = None,
        deadline: float | None = None,
    ) -> CallResult:
        """One structured call, retried. ``stop`` is asked each time a concurrency slot is won (budget,
        deadline); ``deadline`` (``time.monotonic()``) bounds each attempt and every wait."""
        s = self.settings
        shape = self.shape(response_model)
        body = self.request_body(shape, messages, model)
        attempts = 0
        start = time.perf_counter()
        while True:
            async with self.semaphore:  # a slot is held for one attempt, never while waiting
                reason = stop() if stop else None
                if reason:
                    return self._failed(reason, start, attempts)
                attempts += 1
                try:
                    # client.post skips the SDK's typed-params transform, and taking the raw
                    # response skips its per-field model construction: ~3 ms of CPU per call.
                    response = await self.client.post(
                        "/chat/completions",
                        cast_to=httpx2.Response,
                        body=body,
                        options={"timeout": self._attempt_timeout(deadline)},
                    )
                except RETRYABLE as e:
                    failure: Exception | None = e
                except openai.APIError as e:
                    return self._failed(describe_error(e), start, attempts)
                else:
                    failure = None
            if failure is None:
                break
            wait = self._backoff(failure, attempts)
            if attempts > s.max_retries:
                return self._failed(f"{describe_error(failure)}; gave up after {attempts} attempts", start, attempts)
            if deadline is not None and time.monotonic() + wait >= deadline:
                why = ("the run's deadline passed during the call" if time.monotonic() >= deadline - 0.05
                       else f"{describe_error(failure)}; the retry would come after the run's deadline")
                failed = self._failed(why, start, attempts)
                failed.past_deadline = True
                return failed
            self.waited += wait
            await asyncio.sleep(wait)
        try:
            completion = ChatCompletion.model_validate_json(response.content)
        except ValidationError as e:
            raw = response.text[:4000]
            return self._failed(f"invalid reply: not a chat completion ({validation_message(e)})", start, attempts, raw)
        return self._parse(shape, completion, start, attempts)

    def _attempt_timeout(self, deadline: float | None) -> float:
        if deadline is None:
            return self.settings.timeout
        return max(0.05, min(self.settings.timeout, deadline - time.monotonic()))

    def _backoff(self, failure: Exception, attempts: int) -> float:
        """Seconds before the next attempt: the server's Retry-After, else full-jitter exponential; capped."""
        s = self.settings
        wait = retry_after(failure)
        if wait is None:
            wait = random.uniform(0, min(s.backoff_max, s.backoff_base * 2 ** (attempts - 1)))
        return min(wait, s.backoff_max)

    def _parse(self, shape: _Shape, completion: Any, start: float, attempts: int) -> CallResult:
        usage = getattr(completion, "usage", None)
        tokens = (getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)
        raw = _raw_reply(completion)
        result = CallResult(
            "unscored", raw=raw, latency_ms=(time.perf_counter() - start) * 1000,
            prompt_tokens=tokens[0], completion_tokens=tokens[1], attempts=attempts,
        )
        try:
            message = completion.choices[0].message
            finish = completion.choices[0].finish_reason
        except (AttributeError, IndexError):
            result.error = "invalid answer: no choices in the reply"
            return result
        if getattr(message, "refusal", None):
            result.error = f"refusal: {str(message.refusal)[:200]}"
            return result
        if finish == "length":
            result.error = "invalid answer: cut off at max_tokens"
            return result
        try:
            parsed = shape.parse(response=completion, response_model=shape.model, validation_context=None, strict=True, stream=False, is_async=True)
        except ValidationError as e:
            kind = "malformed JSON" if e.errors()[0]["type"] == "json_invalid" else "schema-invalid answer"
            result.error = f"{kind}: {validation_message(e)}"
            return result
        except Exception as e:  # instructor's own parse errors (no tool call, bad JSON ...)
            result.error = describe_error(e)
            return result
        result.status, result.parsed = "scored", parsed
        return result

    def _failed(self, why: str, start: float, attempts: int, raw: str | None = None) -> CallResult:
        return CallResult("unscored", error=why, raw=raw, latency_ms=(time.perf_counter() - start) * 1000, attempts=attempts)


def describe_error(e: BaseException) -> str:
    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code} ({type(e).__name__})"
    if isinstance(e, openai.APIConnectionError):
        return _connection_failure(e)
    text = " ".join(str(e).split())
    if "refus" in text.lower() or "unable to generate a response" in text.lower():
        return f"refusal: {text[:200]}"
    return f"invalid answer: {text[:300]}"
