"""Provider-neutral settings and call results (no SDK imports: cheap to load)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

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
        return self.prompt_tokens / 1000 * s.prompt_price_per_1k + self.completion_tokens / 1000 * s.completion_price_per_1k
