"""LLM providers. ``openai_compat`` (and the openai SDK) load only when a judge runs."""

from judge.judges.providers.base import CallResult, LLMSettings, Mode

__all__ = ["CallResult", "LLMSettings", "Mode"]
