"""Ids are unique within a run: a later record with an earlier record's id is an input error."""

from __future__ import annotations

from judge.models import Record
from judge.store import Store


class DuplicateIds:
    """A record whose id an earlier record of the run already has is an input error.

    The store answers for the batches written; the last two batches (possibly still in
    flight) are remembered here, so memory stays flat however long the input.
    """

    def __init__(self, store: Store, run_id: str, source: str) -> None:
        self.store, self.run_id, self.source = store, run_id, source
        self.recent: list[dict[str, int]] = []

    def mark(self, records: list[Record]) -> list[Record]:
        ids = [r.candidate.id for r in records if r.candidate is not None]
        first = self.store.first_lines(self.run_id, ids) if ids else {}
        for earlier in self.recent:
            first.update({k: v for k, v in earlier.items() if k not in first or v < first[k]})
        batch: dict[str, int] = {}
        out: list[Record] = []
        for r in records:
            if r.candidate is None:
                out.append(r)
                continue
            prior = first.get(r.candidate.id, batch.get(r.candidate.id))
            if prior is not None and prior < r.line:
                out.append(Record(r.line, r.raw, error=f"{self.source}:{r.line}: duplicate id {r.candidate.id!r} "
                                  f"(line {prior} has it); ids must be unique in a batch"))
                continue
            batch.setdefault(r.candidate.id, r.line)
            out.append(r)
        self.recent = [*self.recent[-1:], batch]
        return out
