"""The verdict store's schema: its one source.

The migrations create tables and add columns from these definitions, and the store's
inserts take their column lists from them. Only the product catalog's full-text index
(an FTS5 virtual table, SQLite's own) is DDL text, kept here too.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Float, Index, Integer, String, Table, UniqueConstraint
from sqlmodel import Field, SQLModel

from judge.models import Finding, Severity


class RunRow(SQLModel, table=True):
    __tablename__ = "runs"
    id: str = Field(primary_key=True)
    run_key: str = Field(index=True)
    status: str  # running | complete | stopped
    input_path: str
    input_sha256: str
    input_format: str
    policy_id: str
    policy_version: str
    policy_hash: str
    code_version: str
    options_json: str
    check_status_json: str
    counts_json: str | None = None
    ci_json: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    owner: str | None = None  # host:pid of the process gating it, while it runs
    heartbeat_at: datetime | None = None  # the owner's last sign of life (each committed batch)

    @property
    def counts(self) -> dict[str, int]:
        return json.loads(self.counts_json) if self.counts_json else {}

    @property
    def check_status(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.check_status_json)


class CandidateRow(SQLModel, table=True):
    __tablename__ = "candidates"
    content_hash: str = Field(primary_key=True)
    candidate_id: str
    placement: str
    theme: str
    keywords_json: str
    first_seen_at: datetime


class VerdictRow(SQLModel, table=True):
    __tablename__ = "verdicts"
    # (run_id, candidate_id): a run's ids are looked up per batch (duplicate ids); without it SQLite scans the run
    __table_args__ = (UniqueConstraint("run_id", "line"), Index("ix_verdicts_run_candidate", "run_id", "candidate_id"))
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="runs.id")
    line: int
    candidate_id: str | None = Field(default=None, index=True)
    content_hash: str | None = Field(default=None, index=True)
    eval_key: str | None = Field(default=None, index=True)
    decision: str
    error: str | None = None
    raw: str
    policy_id: str
    policy_version: str
    policy_hash: str
    code_version: str
    checks_fingerprint: str
    reused_from: int | None = None
    created_at: datetime
    reusable: int = Field(default=1, sa_column_kwargs={"server_default": "1"})  # 0 when an LLM judgement was unscored: a later run must judge again
    machine_decision: str | None = None  # what the checks and judges decided, before any human override
    override_id: int | None = None  # the review that decided instead


class JudgeCallRow(SQLModel, table=True):
    """One LLM call (or a cache hit of one): the audit trail and the cache."""

    __tablename__ = "judge_calls"
    __table_args__ = (Index("ix_judge_calls_run_line", "run_id", "line"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="runs.id")
    line: int | None = None
    content_hash: str
    rubric_id: str
    rubric_version: str
    template_hash: str
    schema_hash: str
    prompt_hash: str
    prompt: str | None = None
    model: str
    base_url: str
    mode: str
    sample: int
    cache_key: str = Field(index=True)
    status: str  # scored | unscored
    raw: str | None = None
    parsed_json: str | None = None
    error: str | None = None
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost: float
    attempts: int
    cached_from: int | None = None
    created_at: datetime


class JudgementRow(SQLModel, table=True):
    """A rubric criterion's outcome for one candidate after the panel vote."""

    __tablename__ = "judgements"
    __table_args__ = (Index("ix_judgements_run_line", "run_id", "line"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="runs.id")
    line: int
    rubric_id: str
    rubric_version: str
    criterion_id: str
    outcome: str  # pass | fail | unscored
    votes: int
    agreement: float | None = None
    reason: str | None = None


class FindingRow(SQLModel, table=True):
    __tablename__ = "findings"
    id: int | None = Field(default=None, primary_key=True)
    verdict_id: int = Field(foreign_key="verdicts.id", index=True)
    check_id: str = Field(index=True)
    severity: str
    category: str | None = None
    message: str
    field: str | None = None
    span_start: int | None = None
    span_end: int | None = None
    text: str | None = None
    term: str | None = None
    score: float | None = None

    def to_finding(self) -> Finding:
        span = (self.span_start, self.span_end) if self.span_start is not None and self.span_end is not None else None
        return Finding(
            check=self.check_id,
            severity=Severity(self.severity),
            message=self.message,
            field=self.field,
            span=span,
            text=self.text,
            term=self.term,
            category=self.category,
            score=self.score,
        )


class ReviewRow(SQLModel, table=True):
    """A human decision. Sticky: it applies to the same content under the same policy version."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_key", "content_hash", "policy_id", "policy_version"),)
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str
    policy_id: str
    policy_version: str
    candidate_id: str | None = None
    run_id: str | None = None
    decision: str  # approved | rejected
    reason: str
    reviewer: str
    created_at: datetime


class EmbeddingRow(SQLModel, table=True):
    """A text's embedding under one model and revision, kept across runs (the model is the expensive part)."""

    __tablename__ = "embeddings"
    model: str = Field(primary_key=True)  # name@revision
    text_hash: str = Field(primary_key=True)  # sha256 of the text, hex, first 32 digits
    vector: bytes  # float32, little-endian


class RetrievalRow(SQLModel, table=True):
    """A catalog search's result, kept for the catalog version it was made on (the BM25 look-up is the cost)."""

    __tablename__ = "retrievals"
    catalog: str = Field(primary_key=True)  # the catalog's fingerprint
    k: int = Field(primary_key=True)
    any_word: int = Field(primary_key=True)
    query: str = Field(primary_key=True)
    product_ids: str  # tab-separated, best first


class CatalogArtifactRow(SQLModel, table=True):
    """Something derived from one catalog version (its keyword vocabulary), kept so it is built once."""

    __tablename__ = "catalog_artifacts"
    catalog: str = Field(primary_key=True)  # the catalog's fingerprint
    name: str = Field(primary_key=True)  # what it is, with the parameters and version of how it was made
    data_json: str


class RunBlockRow(SQLModel, table=True):
    """A block of a run's input (``batch_size`` records) that one worker process has taken to gate."""

    __tablename__ = "run_blocks"
    run_id: str = Field(primary_key=True)
    block: int = Field(primary_key=True)  # the block's number in the input, from 0
    owner: str  # host:pid of the worker that took it
    claimed_at: datetime


class LLMBatchRow(SQLModel, table=True):
    """A job submitted to a provider's Batch API (``--llm-batch``): kept so an interrupted gate polls it again
    instead of submitting (and paying for) the same requests twice."""

    __tablename__ = "llm_batches"
    batch_id: str = Field(primary_key=True)  # the provider's id
    run_id: str = Field(index=True)  # the run that submitted it (any later run asking the same requests follows it)
    input_file_id: str
    requests: int
    status: str  # the provider's last reported status (validating, in_progress, completed, failed, expired ...)
    submitted_at: datetime
    updated_at: datetime


class LLMBatchRequestRow(SQLModel, table=True):
    """A request in a Batch API job, by our custom id (a digest of the request body)."""

    __tablename__ = "llm_batch_requests"
    custom_id: str = Field(primary_key=True)
    batch_id: str = Field(primary_key=True)


class LabelRow(SQLModel, table=True):
    """A human label: should this content be flagged by this check or criterion?"""

    __tablename__ = "labels"
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(index=True)
    candidate_id: str | None = None
    target: str  # a check id ("terms"), a criterion ("theme_quality.specific") or "decision"
    label: str  # pass | fail  (fail = should be flagged / not published)
    labeller: str
    note: str | None = None
    source: str  # import | review | shipped
    created_at: datetime


class CalibrationRow(SQLModel, table=True):
    """Agreement of one check or criterion with human labels, as measured on one run."""

    __tablename__ = "calibrations"
    id: int | None = Field(default=None, primary_key=True)
    run_id: str
    target: str = Field(index=True)
    version: str | None = None  # the rubric version a criterion was measured at
    n: int
    kappa: float | None = None
    kappa_low: float | None = None
    kappa_high: float | None = None
    result_json: str
    created_at: datetime


# The product catalog: rows keyed by SQLite's rowid (the full-text index's content_rowid).
PRODUCTS = Table(
    "products",
    SQLModel.metadata,
    Column("id", String, nullable=False, unique=True),
    Column("title", String, nullable=False),
    Column("brand", String),
    Column("category", String),
    Column("aisle", String),
    Column("department", String),
    Column("popularity", Float),
    Column("available", Integer, nullable=False, server_default="1"),
    Column("extra_json", String),
)

# BM25 over the catalog (SQLite FTS5; user text never becomes FTS syntax: see store.catalog).
PRODUCTS_FTS_DDL = (
    "CREATE VIRTUAL TABLE products_fts USING fts5(title, brand, category, aisle, department,"
    " content='products', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')"
)


def table(name: str) -> Table:
    """A table of the schema by name."""
    return SQLModel.metadata.tables[name]
