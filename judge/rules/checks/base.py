"""What every rule check shares: the prepared subject, the check interface, findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from judge.models import Candidate, Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.normalize import NormalizedText, normalize
from judge.rules.nouns import NounClasses, load_noun_classes


class VectorCache(Protocol):
    """Embeddings kept between runs, by model (name@revision) and text hash (the store is one)."""

    def get_vectors(self, model: str, keys: Sequence[str]) -> dict[str, bytes]: ...

    def put_vectors(self, model: str, items: Sequence[tuple[str, bytes]]) -> None: ...


@dataclass
class Subject:
    """A candidate prepared for the checks: every text field normalized once."""

    candidate: Candidate
    memo: dict[str, Any] = field(default_factory=dict)  # work shared between checks

    @cached_property
    def fields(self) -> list[tuple[str, NormalizedText]]:
        return [(name, normalize(text)) for name, text in self.candidate.texts()]


@dataclass(frozen=True)
class CheckStatus:
    """Whether a check could run here; an unavailable check is reported, never silently skipped."""

    available: bool = True
    detail: str = ""


class ProductHit(Protocol):
    aisle: str | None
    department: str | None


class CatalogEvidence(Protocol):
    """What a check may read of a product catalog: a BM25 search, and a fingerprint that
    changes when the catalog does (it is part of the checks' cache key)."""

    fingerprint: str

    def search(self, query: str, k: int, any_word: bool = False) -> Sequence[ProductHit]: ...

    def prefetch(self, queries: Sequence[str], k: int, any_word: bool = False) -> None:
        """Make the coming ``search`` calls for ``queries`` cheap (a batch's searches at once)."""
        ...

    def group_titles(self, level: Literal["department", "aisle"], per: int) -> dict[str, list[str]]:
        """Up to ``per`` product titles of each department or aisle (for how close they are)."""
        ...

    def titles(self) -> Sequence[tuple[str, str]]:
        """``(product id, title)`` of every available product."""
        ...


@dataclass
class CheckEnv:
    """What checks get from outside: where a policy's relative data paths resolve, catalog evidence, and a
    place to keep embeddings across runs."""

    base_dir: Path | None = None
    catalog: CatalogEvidence | None = None
    vectors: VectorCache | None = None


class Check:
    """A deterministic check. Subclasses set ``id`` and implement ``check``.

    ``run_batch`` exists so that model-backed checks (toxicity) can batch; plain
    checks implement ``check`` for one subject.
    """

    id: ClassVar[str]
    description: ClassVar[str] = ""

    def __init__(self, cfg: Any, ctx: CheckEnv) -> None:
        self.cfg = cfg
        self.ctx = ctx

    @property
    def status(self) -> CheckStatus:
        return CheckStatus()

    @property
    def data_files(self) -> list[Path]:
        """Data files whose content changes this check's results (for cache keys)."""
        return []

    @cached_property
    def noun_paths(self) -> tuple[Path, Path] | None:
        """WordNet's food and goods noun lists, when the check's config names both (``food_nouns``, ``goods_nouns``)."""
        refs = (getattr(self.cfg, "food_nouns", None), getattr(self.cfg, "goods_nouns", None))
        if not all(refs):
            return None
        food, goods = (resolve_data_file(r, "policies", self.ctx.base_dir).resolve() for r in refs)
        return food, goods

    @cached_property
    def nouns(self) -> NounClasses | None:
        return load_noun_classes(*self.noun_paths) if self.noun_paths else None

    def check(self, subject: Subject) -> list[Finding]:
        raise NotImplementedError

    def run_batch(self, subjects: list[Subject]) -> list[list[Finding]]:
        return [self.check(s) for s in subjects]

    def severity(self, rule: str, default: Severity) -> Severity:
        overrides = getattr(self.cfg, "severity", None)
        if isinstance(overrides, dict):
            return overrides.get(rule, default)
        return default

    def rule(self, rule: str, default: Severity, message: str, field_name: str | None = None, **extra: Any) -> Finding:
        """A finding of a named rule of this check; the policy may override its severity."""
        return self.finding(self.severity(rule, default), message, field_name, term=rule, **extra)

    def finding(
        self,
        severity: Severity,
        message: str,
        field_name: str | None = None,
        nt: NormalizedText | None = None,
        start: int | None = None,
        end: int | None = None,
        **extra: Any,
    ) -> Finding:
        span = extra.pop("span", None)
        text = extra.pop("text", None)
        if span is not None or text is not None:
            pass
        elif nt is not None and start is not None and end is not None:
            span = nt.span(start, end)
            text = nt.original[span[0] : span[1]]
        elif nt is not None:
            span, text = (0, len(nt.original)), nt.original
        return Finding(check=self.id, severity=severity, message=message, field=field_name, span=span, text=text, **extra)
