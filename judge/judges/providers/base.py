"""Provider-neutral settings and call results (no SDK imports: cheap to load)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from judge.redact import redact_url

Mode = Literal["tools", "json_schema", "json", "md_json"]


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
    deadline: float | None = Field(None, gt=0)  # seconds for the run's LLM tier; then it stops cleanly
    batch: bool = False  # through the provider's Batch API (/v1/files + /v1/batches) instead of live calls
    batch_poll_first: float = Field(2.0, gt=0)  # seconds before the first poll of a job; doubled each time ...
    batch_poll_max: float = Field(60.0, gt=0)  # ... up to this
    batch_price_factor: float = Field(0.5, ge=0, le=1)  # batch calls cost this share of the live price
    batch_max_requests: int = Field(50_000, ge=1)  # per job (OpenAI's limit)

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    def decoding(self) -> dict[str, Any]:
        """Everything besides the prompt that can change an answer (for cache keys)."""
        return {"base_url": redact_url(self.base_url), "temperature": self.temperature, "max_tokens": self.max_tokens, "mode": self.mode}

    def public(self) -> dict[str, Any]:
        """What may be stored and shown: no API key, no credentials in the URL."""
        return self.model_dump(exclude={"api_key"}) | {"base_url": redact_url(self.base_url)}


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
    past_deadline: bool = False  # given up because the next attempt would come after the run's deadline

    def cost(self, s: LLMSettings) -> float:
        live = self.prompt_tokens / 1000 * s.prompt_price_per_1k + self.completion_tokens / 1000 * s.completion_price_per_1k
        return live * s.batch_price_factor if s.batch else live


class BatchJournal(Protocol):
    """What a Batch API provider keeps in the store: the jobs submitted, and the requests each holds."""

    def llm_batch_jobs(self, custom_ids: Sequence[str]) -> dict[str, str]: ...

    def add_llm_batch(self, run_id: str, batch_id: str, input_file_id: str, custom_ids: Sequence[str], status: str) -> None: ...

    def confirm_llm_batch(self, placeholder: str, batch_id: str, status: str) -> None: ...

    def set_llm_batch_status(self, batch_id: str, status: str) -> None: ...
