"""The input in batches (one store transaction each; a worker's block), and the pages their records build."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from judge.judges.stage import JudgeItem
from judge.models import Record
from judge.store import VerdictDraft


@dataclass
class Batch:
    verdicts: list[VerdictDraft]  # every record of the batch, in order
    candidates: list[VerdictDraft]  # the readable ones
    first_by_key: dict[str, VerdictDraft]  # duplicate content in a batch is evaluated once
    judge_items: list[JudgeItem]
    by_line: dict[int, VerdictDraft]


def batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for r in records:
        batch.append(r)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def gather_pages(records: list[Record], pages: dict[str, list[JudgeItem]]) -> None:
    """The members of each page, for the page rubrics that run after every placement is decided."""
    for rec in records:
        cand = rec.candidate
        if cand is not None and cand.page:
            pages.setdefault(cand.page, []).append(JudgeItem(rec.line, cand, cand.content_hash))
