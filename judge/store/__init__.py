"""The verdict store: the only owner of SQL.

Everything else calls :class:`Store` methods and gets typed results
(:mod:`judge.store.types`, the row classes of :mod:`judge.store.schema`). One module
per table group; :class:`Store` is their union over one SQLite database:

- :mod:`~judge.store.runs`: runs;
- :mod:`~judge.store.verdicts`: verdicts, findings, candidates' content, the verdict cache;
- :mod:`~judge.store.calls`: LLM judge calls (the call cache) and judgements;
- :mod:`~judge.store.queue`: what needs a human, filtered and paged in SQL;
- :mod:`~judge.store.reviews`: human decisions;
- :mod:`~judge.store.labels`: labels and calibrations;
- :mod:`~judge.store.catalog`: the product catalog and its BM25 index;
- :mod:`~judge.store.vectors`: embeddings by model revision, catalog searches and artifacts by catalog version, kept across runs;
- :mod:`~judge.store.stats`: aggregates for reports.
"""

from __future__ import annotations

from judge.store.base import DEFAULT_DB
from judge.store.calls import CallsMixin
from judge.store.catalog import CatalogMixin
from judge.store.labels import LabelsMixin
from judge.store.queue import QueueFilter, QueueMixin
from judge.store.reviews import ReviewsMixin
from judge.store.runs import RunsMixin
from judge.store.schema import JudgeCallRow, JudgementRow, ReviewRow, RunRow, VerdictRow
from judge.store.stats import RunStats, StatsMixin
from judge.store.types import (
    CachedCall,
    Calibration,
    CandidateContent,
    Product,
    ReusableVerdict,
    StoredVerdict,
    VerdictDraft,
)
from judge.store.vectors import VectorsMixin
from judge.store.verdicts import VerdictsMixin


class Store(RunsMixin, VerdictsMixin, QueueMixin, CallsMixin, ReviewsMixin, LabelsMixin, CatalogMixin, VectorsMixin, StatsMixin):
    """The SQLite store at ``path`` (created and migrated on open)."""


__all__ = [
    "DEFAULT_DB", "CachedCall", "QueueFilter", "Calibration", "CandidateContent", "JudgeCallRow", "JudgementRow", "Product",
    "ReusableVerdict", "ReviewRow", "RunRow", "RunStats", "Store", "StoredVerdict", "VerdictDraft", "VerdictRow",
]
