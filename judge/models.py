"""The content model: placements, candidates, findings, decisions; shared text keys and catalog words."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    NEEDS_REVIEW = "needs_review"
    ERROR = "error"  # the input record itself could not be read; never published


class Severity(StrEnum):
    BLOCK = "block"  # -> rejected
    REVIEW = "review"  # -> needs_review
    INFO = "info"  # recorded, no effect on the decision

    @property
    def rank(self) -> int:
        return {"block": 2, "review": 1, "info": 0}[self.value]


class PlacementBrief(BaseModel):
    """Merchandising context of a placement. Unknown keys are kept."""

    model_config = ConfigDict(extra="allow")

    audience: str | None = None
    season: str | None = None
    notes: str | None = None
    allowed_categories: list[str] | None = None
    blocked_categories: list[str] | None = None


class Generator(BaseModel):
    """Who produced a candidate (model, prompt version, role such as teacher/student)."""

    model_config = ConfigDict(extra="allow")

    model: str | None = None
    prompt_version: str | None = None
    role: str | None = None


class Placement(BaseModel):
    """A page section that content is generated for."""

    model_config = ConfigDict(extra="allow")

    id: StrictStr
    page: StrictStr | None = None
    context: PlacementBrief = Field(default_factory=PlacementBrief)


class Candidate(BaseModel):
    """One generated theme with its keywords, for one placement.

    Required fields are strictly typed (a number where a string belongs is an input
    error, not silently coerced). Unknown fields are kept in ``model_extra``.
    """

    model_config = ConfigDict(extra="allow")

    id: StrictStr = Field(min_length=1)
    placement: StrictStr
    theme: StrictStr
    keywords: list[StrictStr]
    page: StrictStr | None = None
    description: StrictStr | None = None
    context: PlacementBrief = Field(default_factory=PlacementBrief)
    generator: Generator | None = None

    @property
    def content_hash(self) -> str:
        """Stable hash of normalized placement + theme + keywords (order-insensitive).

        Used for de-duplication, caching and sticky reviews.
        """
        payload = {
            "placement": simple_key(self.placement),
            "theme": simple_key(self.theme),
            "keywords": sorted(simple_key(k) for k in self.keywords),
        }
        return sha256_json(payload)

    def texts(self) -> list[tuple[str, str]]:
        """``(field, text)`` pairs that text checks read."""
        out = [("theme", self.theme)]
        out += [(f"keywords[{i}]", k) for i, k in enumerate(self.keywords)]
        if self.description:
            out.append(("description", self.description))
        if self.page:
            out.append(("page", self.page))  # generated too: it reaches the page-level judge's prompt
        return out

    def brief_texts(self) -> list[tuple[str, str]]:
        """``(field, text)`` pairs of the placement and its context: not content to grade, but the judge's prompt
        shows them, so an instruction hidden there is an injection all the same."""
        out = [("placement", self.placement)]
        for key, value in self.context.model_dump(exclude_none=True).items():
            values = value if isinstance(value, list) else [value]
            out += [(f"context.{key}", v) for v in values if isinstance(v, str) and v.strip()]
        return out


class Finding(BaseModel):
    """One problem (or note) that a check found in a candidate."""

    model_config = ConfigDict(extra="forbid")

    check: str
    severity: Severity
    message: str
    field: str | None = None  # "theme", "keywords[2]", "description"
    span: tuple[int, int] | None = None  # offsets into the original text of ``field``
    text: str | None = None  # the offending original text
    term: str | None = None  # the canonical term or pattern id that matched
    category: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: a candidate, or an error that says what was wrong."""

    line: int
    raw: str
    candidate: Candidate | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One record of a file before it is a candidate: where it is, its text, and its object or what was wrong."""

    line: int  # the record's key: its first line (JSONL, CSV) or its position (JSON array)
    raw: str
    obj: dict[str, Any] | None = None
    error: str | None = None
    at: str | None = None  # where to point a reader, when not ``line``

    @property
    def where(self) -> str:
        return self.at or str(self.line)


@dataclass(frozen=True)
class InputBatch:
    """A batch of candidates to gate, read once: where it came from, its hash, and its records."""

    source: str  # a path, or a label for candidates made in memory
    format: str  # jsonl | csv
    sha256: str
    count: int | None  # records, when known before parsing (for progress)
    records: Iterable[Record]  # may be iterated more than once
    header: str | None = None  # a CSV input's header row, as CSV text (an approved subset starts with it)

    @classmethod
    def of(cls, candidates: Iterable[Candidate], source: str = "<memory>") -> InputBatch:
        """Candidates made in memory, each record as the JSONL line it would be."""
        raws = [c.model_dump_json(exclude_none=True) for c in candidates]
        digest = hashlib.sha256("".join(r + "\n" for r in raws).encode("utf-8")).hexdigest()
        records = [Record(i, raw, candidate=Candidate.model_validate_json(raw)) for i, raw in enumerate(raws, 1)]
        return cls(source, "jsonl", digest, len(records), records)


def sha256_json(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def decide(findings: list[Finding]) -> Decision:
    """Any ``block`` -> rejected; else any ``review`` -> needs_review; else approved."""
    worst = max((f.severity.rank for f in findings), default=0)
    if worst == 2:
        return Decision.REJECTED
    if worst == 1:
        return Decision.NEEDS_REVIEW
    return Decision.APPROVED


def simple_key(text: str) -> str:
    """Cheap canonical form for hashing and equality: NFKC, casefold, single spaces."""
    if text.isascii():
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# Catalog words: what says nothing about which products a phrase means.
STOPWORDS = frozenset(
    ["a", "an", "and", "or", "of", "the", "with", "for", "in", "on", "to", "by", "from", "at", "as", "is", "oz", "fl", "lb", "lbs", "ct", "pk", "pack", "count", "g", "kg", "ml", "l", "free", "original", "classic", "new", "size", "family", "value", "each", "per"]
)
# Words of merchandising copy that say nothing about products ("Weeknight pasta favorites").
MERCH_WORDS = frozenset(
    ["favorites", "favourites", "favorite", "stock", "up", "finds", "fresh", "picks", "made", "easy", "weeknight", "night", "season", "seasonal", "ideas", "essentials", "must", "haves", "best", "top", "great", "everyday", "day", "days", "time", "go", "whole"]
)
PLACEHOLDER_TAXONOMY = frozenset({"missing", "other"})  # Instacart's catch-all aisle and department
