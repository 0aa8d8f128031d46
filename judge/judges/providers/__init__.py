"""LLM providers. ``openai_compat`` (and the openai SDK) load only when a judge runs."""

from judge.judges.providers.base import CallResult, LLMSettings, Mode, parsed_json

__all__ = ["CallResult", "LLMSettings", "Mode", "parsed_json"]
