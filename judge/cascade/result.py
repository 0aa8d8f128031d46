"""What a gate run returns: its run, counts, CI result, and what went wrong on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from judge.cascade.thresholds import CIResult
from judge.store import RunRow

KEPT_INPUT_ERRORS = 100  # messages kept in memory; a file of a million bad lines must not hold a million


@dataclass
class RunResult:
    run: RunRow
    counts: dict[str, int]
    ci: CIResult
    check_status: dict[str, dict[str, Any]]
    resumed: bool = False
    stopped: str | None = None  # why the run ended early (a budget), if it did
    llm: dict[str, Any] | None = None
    reused: int = 0
    evaluated: int = 0
    input_errors: list[str] = field(default_factory=list)  # the first KEPT_INPUT_ERRORS messages
    input_error_count: int = 0  # all of them (each is also a stored ``error`` verdict)

    def input_error(self, message: str) -> None:
        self.input_error_count += 1
        if len(self.input_errors) < KEPT_INPUT_ERRORS:
            self.input_errors.append(message)

    @property
    def unavailable(self) -> dict[str, str]:
        return {k: v["detail"] for k, v in self.check_status.items() if not v["available"]}
