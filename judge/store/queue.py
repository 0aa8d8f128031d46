"""What needs a human, filtered and paged in SQL: a 200,000-candidate run lists its first page in
milliseconds, without reading the rest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, select

from judge.store.base import StoreBase
from judge.store.schema import VerdictRow
from judge.store.types import CandidateContent, StoredVerdict
from judge.store.verdicts import findings_of


@dataclass(frozen=True)
class QueueFilter:
    """Which verdicts of a run a reviewer wants: decisions, a check (``terms`` also matches ``terms:…``), a placement."""

    decisions: tuple[str, ...]
    check: str | None = None
    placement: str | None = None
    only_unreviewed: bool = False


def _where(run_id: str, f: QueueFilter) -> tuple[str, list[object]]:
    marks = ",".join("?" * len(f.decisions))
    sql = f"FROM verdicts v LEFT JOIN candidates c ON c.content_hash = v.content_hash WHERE v.run_id = ? AND v.decision IN ({marks})"
    args: list[object] = [run_id, *f.decisions]
    if f.only_unreviewed:
        sql += " AND v.override_id IS NULL"
    if f.placement is not None:
        sql += " AND c.placement = ?"
        args.append(f.placement)
    if f.check:
        escaped = f.check.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql += (" AND EXISTS (SELECT 1 FROM findings f WHERE f.verdict_id = v.id"
                " AND (f.check_id = ? OR f.check_id LIKE ? ESCAPE '\\'))")
        args += [f.check, escaped + ":%"]
    return sql, args


class QueueMixin(StoreBase):
    def review_page(
        self, run_id: str, wanted: QueueFilter, limit: int, after_line: int = 0
    ) -> list[tuple[StoredVerdict, CandidateContent | None]]:
        """Up to ``limit`` matching verdicts after ``after_line``, in input order, with their content."""
        where, args = _where(run_id, wanted)
        rows = self._rows(f"SELECT v.id, c.placement, c.theme, c.keywords_json {where} AND v.line > ? ORDER BY v.line LIMIT ?",
                          *args, after_line, limit)
        return self._with_verdicts(rows)

    def review_count(self, run_id: str, wanted: QueueFilter) -> int:
        where, args = _where(run_id, wanted)
        return int(self._scalar(f"SELECT COUNT(*) {where}", *args))

    def _with_verdicts(self, rows: Sequence[tuple]) -> list[tuple[StoredVerdict, CandidateContent | None]]:
        ids = [r[0] for r in rows]
        with Session(self.engine) as s:
            verdicts = {v.id: v for v in s.exec(select(VerdictRow).where(VerdictRow.id.in_(ids)))}  # type: ignore[union-attr]
            findings = findings_of(s, ids)
        return [
            (StoredVerdict(verdicts[vid], findings.get(vid, [])),
             CandidateContent(placement, theme, json.loads(kw)) if kw is not None else None)
            for vid, placement, theme, kw in rows
        ]
