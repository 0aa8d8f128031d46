"""Typed results and inputs of the store's methods (no SQL here).

Verdicts, one type per meaning:
- :class:`VerdictDraft`: a verdict being decided by the gate, written once decided;
- :class:`StoredVerdict`: a stored verdict row with its findings, as read back;
- :class:`ReusableVerdict`: what a later run may reuse for unchanged content;
- :class:`~judge.store.schema.VerdictRow`: the table row itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from judge.models import Decision, Finding
from judge.store.schema import VerdictRow


@dataclass
class VerdictDraft:
    """A verdict about to be written."""

    line: int
    raw: str
    decision: Decision
    findings: list[Finding]
    candidate_id: str | None = None
    content_hash: str | None = None
    eval_key: str | None = None
    error: str | None = None
    reused_from: int | None = None
    candidate: tuple[str, str, list[str]] | None = None  # placement, theme, keywords
    checks_fingerprint: str = ""
    reusable: bool = True
    machine_decision: Decision | None = None  # set when a human override decided instead
    override_id: int | None = None


@dataclass
class StoredVerdict:
    """A verdict row with its findings, as read back from the store."""

    row: VerdictRow
    findings: list[Finding]

    @property
    def decision(self) -> Decision:
        return Decision(self.row.decision)


@dataclass
class ReusableVerdict:
    """A stored verdict that an unchanged candidate can reuse."""

    id: int
    decision: Decision
    findings: list[Finding]


@dataclass(frozen=True)
class CachedCall:
    """The latest scored judge call for a cache key."""

    id: int
    parsed_json: str
    raw: str | None


@dataclass(frozen=True)
class StoredBatch:
    """A Batch API job of a run, as the store knows it."""

    batch_id: str
    requests: int
    status: str


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    brand: str | None
    category: str | None
    aisle: str | None
    department: str | None
    popularity: float | None
    bm25: float  # lower is better (SQLite's convention)


@dataclass(frozen=True)
class CandidateContent:
    """The content behind a content hash."""

    placement: str
    theme: str
    keywords: list[str]


@dataclass(frozen=True)
class Calibration:
    """The newest calibration of one target (a check, a criterion or a probe)."""

    target: str
    version: str | None
    n: int
    kappa: float | None
    kappa_ci: tuple[float | None, float | None]
    run_id: str
    result: dict[str, Any]


class LineSet:
    """The lines of a run that have a verdict, one bit per line: a million lines in 125 KB, not 60 MB."""

    def __init__(self, lines: Iterable[int] = ()) -> None:
        self.bits = bytearray()
        self.count = 0
        for line in lines:
            self.add(line)

    def add(self, line: int) -> None:
        byte, bit = divmod(line, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        if not self.bits[byte] >> bit & 1:
            self.bits[byte] |= 1 << bit
            self.count += 1

    def __contains__(self, line: object) -> bool:
        if not isinstance(line, int) or line < 0:
            return False
        byte, bit = divmod(line, 8)
        return byte < len(self.bits) and bool(self.bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[int]:
        return (i * 8 + b for i, v in enumerate(self.bits) if v for b in range(8) if v >> b & 1)

    def __eq__(self, other: object) -> bool:
        return set(self) == set(other) if isinstance(other, LineSet | set | frozenset) else NotImplemented
