"""Verdicts, their findings and the candidates' content: written in batches, read back typed."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, func
from sqlmodel import Session, select

from judge.models import Decision, Finding, Severity, decide
from judge.store.base import StoreBase, in_chunks, insert_rows, now_text
from judge.store.calls import copy_judgements, insert_calls
from judge.store.schema import CandidateRow, RunRow, VerdictRow
from judge.store.types import (
    CandidateContent,
    LineSet,
    ReusableVerdict,
    StoredVerdict,
    VerdictDraft,
)

FINDING_COLUMNS = ("check_id", "severity", "category", "message", "field", "span_start", "span_end", "text", "term", "score")
_FINDING_COLS = ", ".join(FINDING_COLUMNS)


_SEVERITY = {s.value: s for s in Severity}
_FINDING_FIELDS = set(Finding.model_fields)


def _finding(r: Sequence[Any]) -> Finding:
    """A Finding from a stored row (``FINDING_COLUMNS`` order), without re-validation."""
    return Finding.model_construct(
        _FINDING_FIELDS, check=r[0], severity=_SEVERITY[r[1]], category=r[2], message=r[3], field=r[4],
        span=(r[5], r[6]) if r[5] is not None else None, text=r[7], term=r[8], score=r[9],
    )


def _finding_values(f: Finding, span: bool = True) -> tuple:
    """A finding's values in ``FINDING_COLUMNS`` order."""
    start, end = f.span if span and f.span else (None, None)
    return (f.check, f.severity.value, f.category, f.message, f.field, start, end, f.text, f.term, f.score)


VERDICT_COLUMNS = (
    "run_id", "line", "candidate_id", "content_hash", "eval_key", "decision", "error", "raw", "policy_id",
    "policy_version", "policy_hash", "code_version", "checks_fingerprint", "reused_from", "created_at", "reusable",
    "machine_decision", "override_id",
)


def _verdict_values(run: RunRow, v: VerdictDraft, created_at: str) -> tuple:
    """A verdict's values in ``VERDICT_COLUMNS`` order."""
    return (
        run.id, v.line, v.candidate_id, v.content_hash, v.eval_key, v.decision.value, v.error, v.raw, run.policy_id,
        run.policy_version, run.policy_hash, run.code_version, v.checks_fingerprint, v.reused_from, created_at,
        int(v.reusable), (v.machine_decision or v.decision).value, v.override_id,
    )


CANDIDATE_COLUMNS = ("content_hash", "candidate_id", "placement", "theme", "keywords_json", "first_seen_at")


class VerdictsMixin(StoreBase):
    def write_verdicts(
        self, run: RunRow, batch: list[VerdictDraft], calls: Sequence[Any] = (), judgements: Sequence[Any] = (),
        keep_rubrics: Sequence[str] = (),
    ) -> None:
        """Write a batch of verdicts with their findings, content, judge calls and judgements in one transaction.

        A reused verdict brings the criterion outcomes it was decided on, for the rubrics in
        ``keep_rubrics`` (not page-level ones, which belong to the page as it is in this run).
        """
        if not batch:
            return
        created = now_text()
        content = {
            v.content_hash: (v.content_hash, v.candidate_id, v.candidate[0], v.candidate[1],
                             json.dumps(v.candidate[2], ensure_ascii=False), created)
            for v in batch if v.content_hash and v.candidate
        }
        with self.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (created, run.id))  # the owner lives
            insert_rows(conn, "verdicts", VERDICT_COLUMNS, [_verdict_values(run, v, created) for v in batch])
            _insert_findings(conn, run.id, batch)
            insert_rows(conn, "candidates", CANDIDATE_COLUMNS, list(content.values()), on_conflict="ignore")
            insert_calls(conn, run, calls, judgements, created)
            reused = [(run.id, v.line, v.reused_from) for v in batch if v.reused_from is not None]
            if reused and keep_rubrics:
                copy_judgements(conn, reused, keep_rubrics)

    def add_findings(
        self, run: RunRow, findings: dict[int, list[Finding]], calls: Sequence[Any] = (), judgements: Sequence[Any] = ()
    ) -> None:
        """Append findings to stored verdicts (page-level judgements) and re-decide them, in one transaction.

        A verdict that gains findings this way depends on its page, not only on its own
        content, so it is marked not reusable: the next run evaluates it again.
        """
        with self.engine.begin() as conn:
            for line, new in findings.items():
                row = conn.exec_driver_sql("SELECT id FROM verdicts WHERE run_id = ? AND line = ?", (run.id, line)).first()
                if not new or row is None:
                    continue
                vid = row[0]
                old = [_finding(r) for r in conn.exec_driver_sql(f"SELECT {_FINDING_COLS} FROM findings WHERE verdict_id = ?", (vid,))]
                insert_rows(conn, "findings", ("verdict_id", *FINDING_COLUMNS), [(vid, *_finding_values(f, span=False)) for f in new])
                machine = decide(old + new).value
                conn.exec_driver_sql(
                    "UPDATE verdicts SET machine_decision = ?, reusable = 0,"
                    " decision = CASE WHEN override_id IS NULL THEN ? ELSE decision END WHERE id = ?",
                    (machine, machine, vid),
                )
            insert_calls(conn, run, calls, judgements, now_text())

    def reusable_verdicts(self, eval_keys: Sequence[str]) -> dict[str, ReusableVerdict]:
        """The latest reusable stored verdict for each evaluation key that has one (raw SQL: hot path)."""
        out: dict[str, ReusableVerdict] = {}
        with self.engine.connect() as conn:
            for part, marks in in_chunks(eval_keys):
                rows = conn.exec_driver_sql(
                    f"SELECT max(id), eval_key FROM verdicts WHERE eval_key IN ({marks}) AND reusable = 1 GROUP BY eval_key",
                    part,
                ).all()
                if not rows:
                    continue
                ids = {vid: key for vid, key in rows}
                idmarks = ",".join("?" * len(ids))
                decisions = dict(conn.exec_driver_sql(
                    f"SELECT id, coalesce(machine_decision, decision) FROM verdicts WHERE id IN ({idmarks})", tuple(ids)
                ).all())
                found: dict[int, list[Finding]] = {}
                for r in conn.exec_driver_sql(
                    f"SELECT verdict_id, {_FINDING_COLS} FROM findings WHERE verdict_id IN ({idmarks}) ORDER BY id", tuple(ids)
                ):
                    found.setdefault(r[0], []).append(_finding(r[1:]))
                for vid, key in ids.items():
                    out[key] = ReusableVerdict(vid, Decision(decisions[vid]), found.get(vid, []))
        return out

    def done_lines(self, run_id: str) -> LineSet:
        """The lines of a run that already have a verdict (what a resumed run skips)."""
        with self.engine.connect() as conn:
            return LineSet(line for (line,) in conn.exec_driver_sql("SELECT line FROM verdicts WHERE run_id = ?", (run_id,)))

    def first_lines(self, run_id: str, candidate_ids: Sequence[str]) -> dict[str, int]:
        """The first stored line of each of ``candidate_ids`` in a run (those it has)."""
        out: dict[str, int] = {}
        for part, marks in in_chunks(candidate_ids):
            sql = f"SELECT candidate_id, MIN(line) FROM verdicts WHERE run_id = ? AND candidate_id IN ({marks}) GROUP BY candidate_id"
            out.update(self._rows(sql, run_id, *part))
        return out

    def line_decisions(self, run_id: str) -> dict[int, str]:
        return dict(self._rows("SELECT line, decision FROM verdicts WHERE run_id = ?", run_id))

    def counts(self, run_id: str) -> dict[str, int]:
        with Session(self.engine) as s:
            stmt = select(VerdictRow.decision, func.count()).where(VerdictRow.run_id == run_id).group_by(VerdictRow.decision)
            got = dict(s.exec(stmt).all())
        return {d.value: int(got.get(d.value, 0)) for d in Decision}

    def verdicts(self, run_id: str, batch: int = 2000) -> Iterator[StoredVerdict]:
        """Every verdict of a run in input order, with findings, streamed in batches."""
        last_line = -1
        while True:
            with Session(self.engine) as s:
                stmt = (
                    select(VerdictRow).where(VerdictRow.run_id == run_id, VerdictRow.line > last_line)
                    .order_by(VerdictRow.line).limit(batch)  # type: ignore[arg-type]
                )
                rows = list(s.exec(stmt))
                if not rows:
                    return
                found = findings_of(s, [r.id for r in rows if r.id is not None])
            for r in rows:
                yield StoredVerdict(r, found.get(r.id or -1, []))
            last_line = rows[-1].line

    def find_verdict(self, ref: str, run_id: str | None = None) -> StoredVerdict | None:
        """Latest verdict for a candidate id or content hash (prefix of 8+ hex digits)."""
        with Session(self.engine) as s:
            stmt = select(VerdictRow).where(VerdictRow.candidate_id == ref)
            if run_id:
                stmt = stmt.where(VerdictRow.run_id == run_id)
            row = s.exec(stmt.order_by(VerdictRow.id.desc())).first()  # type: ignore[union-attr]
            if row is None and len(ref) >= 8:
                stmt = select(VerdictRow).where(VerdictRow.content_hash.startswith(ref))  # type: ignore[union-attr]
                if run_id:
                    stmt = stmt.where(VerdictRow.run_id == run_id)
                row = s.exec(stmt.order_by(VerdictRow.id.desc())).first()  # type: ignore[union-attr]
            if row is None or row.id is None:
                return None
            return StoredVerdict(row, findings_of(s, [row.id]).get(row.id, []))

    def candidate_content(self, content_hash: str | None) -> CandidateContent | None:
        if not content_hash:
            return None
        with Session(self.engine) as s:
            row = s.get(CandidateRow, content_hash)
        return None if row is None else CandidateContent(row.placement, row.theme, json.loads(row.keywords_json))

    def finding_scores(self, run_id: str, check: str, term: str) -> list[tuple[str | None, float]]:
        """``(content_hash, score)`` of a run's findings of one check and term that carry a score."""
        return self._rows(
            "SELECT v.content_hash, f.score FROM findings f JOIN verdicts v ON v.id = f.verdict_id"
            " WHERE v.run_id = ? AND f.check_id = ? AND f.term = ? AND f.score IS NOT NULL",
            run_id, check, term,
        )

    def raw_records(self, run_id: str) -> Iterator[str]:
        """The input records of a run as they were read, in input order."""
        with self.engine.connect() as conn:
            for (raw,) in conn.exec_driver_sql("SELECT raw FROM verdicts WHERE run_id = ? ORDER BY line", (run_id,)):
                yield raw


def findings_of(s: Session, verdict_ids: list[int]) -> dict[int, list[Finding]]:
    """The findings of each verdict, in order, read as raw rows (an export reads millions)."""
    conn = s.connection()
    out: dict[int, list[Finding]] = {}
    for part, marks in in_chunks(verdict_ids):
        sql = f"SELECT verdict_id, {_FINDING_COLS} FROM findings WHERE verdict_id IN ({marks}) ORDER BY id"
        for r in conn.exec_driver_sql(sql, part):
            out.setdefault(r[0], []).append(_finding(r[1:]))
    return out


def _insert_findings(conn: Connection, run_id: str, batch: list[VerdictDraft]) -> None:
    """The findings of a batch of verdicts just inserted, under their verdicts' ids (one range look-up)."""
    lines = [v.line for v in batch if v.findings]
    if not lines:
        return
    ids = dict(conn.exec_driver_sql(
        "SELECT line, id FROM verdicts WHERE run_id = ? AND line BETWEEN ? AND ?", (run_id, min(lines), max(lines))
    ).all())
    rows = [(ids[v.line], *_finding_values(f)) for v in batch for f in v.findings]
    insert_rows(conn, "findings", ("verdict_id", *FINDING_COLUMNS), rows)
