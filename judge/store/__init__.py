"""The SQLite verdict store: runs, candidates, verdicts and findings (SQLModel).

The schema is created by :mod:`judge.store.migrations`; the SQLModel classes in
:mod:`judge.store.schema` mirror it for typed reads. WAL mode and
a busy timeout let a reviewer read while a gate writes; every batch of verdicts
is one transaction, so a killed run loses at most the batch in flight.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine, select

from judge.store import migrations
from judge.errors import StoreError
from judge.models import Decision, Finding, Severity
from judge.judges.providers import parsed_json
from judge.store.schema import FindingRow, JudgeCallRow, JudgementRow, ReviewRow, RunRow, VerdictRow

DEFAULT_DB = "judge.db"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StoredVerdict:
    """A verdict row with its findings, as read back from the store."""

    row: VerdictRow
    findings: list[Finding]

    @property
    def decision(self) -> Decision:
        return Decision(self.row.decision)


@dataclass
class CachedVerdict:
    """A stored verdict that an unchanged candidate can reuse."""

    id: int
    decision: Decision
    findings: list[Finding]


_FINDING_COLS = "check_id, severity, message, field, span_start, span_end, text, term, category, score"


def _finding(r: Sequence[Any]) -> Finding:
    """A Finding from a stored row, without re-validation (it was validated when made)."""
    return Finding.model_construct(
        check=r[0], severity=Severity(r[1]), message=r[2], field=r[3],
        span=(r[4], r[5]) if r[4] is not None else None, text=r[6], term=r[7], category=r[8], score=r[9],
    )


@dataclass
class NewVerdict:
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


class Store:
    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        try:
            self.engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.begin() as conn:
                self.applied = migrations.apply(conn)
        except OperationalError as e:
            raise StoreError(f"{self.path}: cannot open the verdict store: {e.orig}") from None

    # -- runs -----------------------------------------------------------------

    def create_run(self, **fields: Any) -> RunRow:
        run = RunRow(id=_new_run_id(), status="running", started_at=_now(), **fields)
        with Session(self.engine) as s:
            s.add(run)
            s.commit()
            s.refresh(run)
        return run

    def resumable_run(self, run_key: str) -> RunRow | None:
        with Session(self.engine) as s:
            stmt = select(RunRow).where(RunRow.run_key == run_key, RunRow.status == "running")
            return s.exec(stmt.order_by(RunRow.started_at.desc())).first()  # type: ignore[attr-defined]

    def finish_run(
        self, run_id: str, counts: dict[str, int], ci: dict[str, Any], check_status: dict, status: str = "complete"
    ) -> None:
        with Session(self.engine) as s:
            run = s.get(RunRow, run_id)
            assert run is not None
            run.status = status
            run.finished_at = _now()
            run.counts_json = json.dumps(counts)
            run.ci_json = json.dumps(ci)
            run.check_status_json = json.dumps(check_status)
            s.add(run)
            s.commit()

    def get_run(self, run_id: str | None = None) -> RunRow | None:
        """A run by id (or unique id prefix); the latest run when ``run_id`` is None."""
        with Session(self.engine) as s:
            if run_id is None:
                return s.exec(select(RunRow).order_by(RunRow.started_at.desc())).first()  # type: ignore[attr-defined]
            exact = s.get(RunRow, run_id)
            if exact:
                return exact
            rows = s.exec(select(RunRow).where(RunRow.id.startswith(run_id))).all()  # type: ignore[union-attr]
            return rows[0] if len(rows) == 1 else None

    def runs(self, limit: int = 50) -> list[RunRow]:
        with Session(self.engine) as s:
            return list(s.exec(select(RunRow).order_by(RunRow.started_at.desc()).limit(limit)))  # type: ignore[attr-defined]

    # -- verdicts -------------------------------------------------------------

    def done_lines(self, run_id: str) -> set[int]:
        with Session(self.engine) as s:
            return set(s.exec(select(VerdictRow.line).where(VerdictRow.run_id == run_id)))

    def cached(self, eval_keys: Sequence[str]) -> dict[str, CachedVerdict]:
        """The latest stored verdict for each evaluation key that has one (raw SQL: hot path)."""
        out: dict[str, CachedVerdict] = {}
        with self.engine.connect() as conn:
            for part, marks in in_chunks(eval_keys):
                rows = conn.exec_driver_sql(
                    f"SELECT max(id), eval_key FROM verdicts WHERE eval_key IN ({marks}) AND reusable = 1"
                    " GROUP BY eval_key",
                    tuple(part),
                ).all()
                if not rows:
                    continue
                ids = {vid: key for vid, key in rows}
                idmarks = ",".join("?" * len(ids))
                decisions = dict(
                    conn.exec_driver_sql(
                        f"SELECT id, coalesce(machine_decision, decision) FROM verdicts WHERE id IN ({idmarks})",
                        tuple(ids),
                    ).all()
                )
                found: dict[int, list[Finding]] = {}
                for r in conn.exec_driver_sql(
                    f"SELECT verdict_id, {_FINDING_COLS} FROM findings WHERE verdict_id IN ({idmarks}) ORDER BY id",
                    tuple(ids),
                ):
                    found.setdefault(r[0], []).append(_finding(r[1:]))
                for vid, key in ids.items():
                    out[key] = CachedVerdict(vid, Decision(decisions[vid]), found.get(vid, []))
        return out

    def cached_calls(self, keys: Sequence[str]) -> dict[str, tuple[int, str, str | None]]:
        """The latest scored judge call per cache key: ``(id, parsed_json, raw)``."""
        out: dict[str, tuple[int, str, str | None]] = {}
        with self.engine.connect() as conn:
            for part, marks in in_chunks(keys):
                rows = conn.exec_driver_sql(
                    "SELECT c.id, c.cache_key, c.parsed_json, c.raw FROM judge_calls c JOIN ("
                    f" SELECT max(id) AS id FROM judge_calls WHERE cache_key IN ({marks}) AND status = 'scored'"
                    " AND cached_from IS NULL GROUP BY cache_key) m ON c.id = m.id",
                    tuple(part),
                ).all()
                for cid, key, parsed, raw in rows:
                    out[key] = (cid, parsed, raw)
        return out

    def write_verdicts(
        self,
        run: RunRow,
        batch: list[NewVerdict],
        calls: Sequence[Any] = (),
        judgements: Sequence[Any] = (),
        keep_rubrics: Sequence[str] = (),
    ) -> None:
        """Write a batch of verdicts and their findings in one transaction.

        Plain ``executemany`` through the driver: this is the hot write path.
        """
        if not batch:
            return
        now = _now().strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's own SQLite datetime format
        vrows = [
            (run.id, v.line, v.candidate_id, v.content_hash, v.eval_key, v.decision.value, v.error, v.raw,
             run.policy_id, run.policy_version, run.policy_hash, run.code_version, v.checks_fingerprint,
             v.reused_from, now, int(v.reusable), (v.machine_decision or v.decision).value, v.override_id)
            for v in batch
        ]
        call_rows = [_call_row(run, c, now) for c in calls]
        judgement_rows = [_judgement_row(run, j) for j in judgements]
        frows = [
            (f.check, f.severity.value, f.category, f.message, f.field,
             f.span[0] if f.span else None, f.span[1] if f.span else None, f.text, f.term, f.score, run.id, v.line)
            for v in batch
            for f in v.findings
        ]
        crows = {
            v.content_hash: (v.content_hash, v.candidate_id, v.candidate[0], v.candidate[1],
                             json.dumps(v.candidate[2], ensure_ascii=False), now)
            for v in batch
            if v.content_hash and v.candidate
        }
        with self.engine.begin() as conn:
            conn.exec_driver_sql(_INSERT_VERDICT, vrows)
            if frows:
                conn.exec_driver_sql(_INSERT_FINDING, frows)
            if crows:
                conn.exec_driver_sql(_INSERT_CANDIDATE, list(crows.values()))
            if call_rows:
                conn.exec_driver_sql(_INSERT_CALL, call_rows)
            if judgement_rows:
                conn.exec_driver_sql(_INSERT_JUDGEMENT, judgement_rows)
            reused = [(run.id, v.line, v.reused_from) for v in batch if v.reused_from is not None]
            if reused and keep_rubrics:
                # a reused verdict brings the criterion outcomes it was decided on (not page-level ones,
                # which belong to the page as it is in this run)
                marks = ",".join("?" * len(keep_rubrics))
                conn.exec_driver_sql(
                    "INSERT INTO judgements (run_id, line, rubric_id, rubric_version, criterion_id, outcome, votes,"
                    " agreement, reason) SELECT ?, ?, j.rubric_id, j.rubric_version, j.criterion_id, j.outcome, j.votes,"
                    " j.agreement, j.reason FROM judgements j JOIN verdicts v ON v.run_id = j.run_id AND v.line = j.line"
                    f" WHERE v.id = ? AND j.rubric_id IN ({marks})",
                    [(*r, *keep_rubrics) for r in reused],
                )

    # -- human reviews -----------------------------------------------------------

    def overrides(self, content_hashes: Sequence[str], policy_id: str, policy_version: str) -> dict[str, ReviewRow]:
        """The latest human decision per content hash under this policy version."""
        out: dict[str, ReviewRow] = {}
        uniq = list(set(content_hashes))
        with Session(self.engine) as s:
            for lo in range(0, len(uniq), 500):
                stmt = (
                    select(ReviewRow)
                    .where(
                        ReviewRow.content_hash.in_(uniq[lo : lo + 500]),  # type: ignore[attr-defined]
                        ReviewRow.policy_id == policy_id,
                        ReviewRow.policy_version == policy_version,
                    )
                    .order_by(ReviewRow.id)  # type: ignore[arg-type]
                )
                for r in s.exec(stmt):
                    out[r.content_hash] = r  # later rows win: history is kept, the newest decides
        return out

    def add_review(self, verdict: VerdictRow, decision: Decision, reason: str, reviewer: str) -> ReviewRow:
        """Record a human decision and apply it to every verdict of that run with the same content."""
        review = ReviewRow(
            content_hash=verdict.content_hash or "",
            policy_id=verdict.policy_id,
            policy_version=verdict.policy_version,
            candidate_id=verdict.candidate_id,
            run_id=verdict.run_id,
            decision=decision.value,
            reason=reason,
            reviewer=reviewer,
            created_at=_now(),
        )
        with Session(self.engine) as s:
            s.add(review)
            s.commit()
            s.refresh(review)
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE verdicts SET machine_decision = coalesce(machine_decision, decision), decision = ?,"
                " override_id = ? WHERE run_id = ? AND content_hash = ? AND policy_version = ?",
                (decision.value, review.id, verdict.run_id, verdict.content_hash, verdict.policy_version),
            )
        return review

    def reviews(self, content_hash: str) -> list[ReviewRow]:
        with Session(self.engine) as s:
            stmt = select(ReviewRow).where(ReviewRow.content_hash == content_hash).order_by(ReviewRow.id)  # type: ignore[arg-type]
            return list(s.exec(stmt))

    def review(self, review_id: int) -> ReviewRow | None:
        with Session(self.engine) as s:
            return s.get(ReviewRow, review_id)

    def judged_lines(self, run_id: str, rubric_ids: Sequence[str]) -> set[int]:
        """Lines of a run that already carry a judgement of any of these rubrics."""
        if not rubric_ids:
            return set()
        marks = ",".join("?" * len(rubric_ids))
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT DISTINCT line FROM judgements WHERE run_id = ? AND rubric_id IN ({marks})",
                (run_id, *rubric_ids),
            ).all()
        return {r[0] for r in rows}

    def judge_trail(self, run_id: str, line: int) -> tuple[list[JudgementRow], list[JudgeCallRow]]:
        """The criterion outcomes and the calls behind one verdict (page calls included)."""
        with Session(self.engine) as s:
            judgements = list(
                s.exec(
                    select(JudgementRow)
                    .where(JudgementRow.run_id == run_id, JudgementRow.line == line)
                    .order_by(JudgementRow.id)  # type: ignore[arg-type]
                )
            )
            calls = list(
                s.exec(
                    select(JudgeCallRow)
                    .where(JudgeCallRow.run_id == run_id, JudgeCallRow.line == line)
                    .order_by(JudgeCallRow.id)  # type: ignore[arg-type]
                )
            )
        return judgements, calls

    def line_decisions(self, run_id: str) -> dict[int, str]:
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT line, decision FROM verdicts WHERE run_id = ?", (run_id,)).all()
        return dict(rows)

    def add_findings(
        self, run: RunRow, findings: dict[int, list[Finding]], calls: Sequence[Any] = (), judgements: Sequence[Any] = ()
    ) -> None:
        """Append findings to stored verdicts (page-level judgements) and re-decide them, in one transaction.

        A verdict that gains findings this way depends on its page, not only on its own
        content, so it is marked not reusable: the next run evaluates it again.
        """
        from judge.models import decide

        now = _now().strftime("%Y-%m-%d %H:%M:%S.%f")
        with self.engine.begin() as conn:
            for line, new in findings.items():
                if not new:
                    continue
                row = conn.exec_driver_sql(
                    "SELECT id FROM verdicts WHERE run_id = ? AND line = ?", (run.id, line)
                ).first()
                if row is None:
                    continue
                vid = row[0]
                old = [
                    _finding(r)
                    for r in conn.exec_driver_sql(f"SELECT {_FINDING_COLS} FROM findings WHERE verdict_id = ?", (vid,))
                ]
                conn.exec_driver_sql(
                    "INSERT INTO findings (verdict_id, check_id, severity, category, message, field, span_start,"
                    " span_end, text, term, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(vid, f.check, f.severity.value, f.category, f.message, f.field, None, None, f.text, f.term, f.score) for f in new],
                )
                machine = decide(old + new).value
                conn.exec_driver_sql(
                    "UPDATE verdicts SET machine_decision = ?, reusable = 0,"
                    " decision = CASE WHEN override_id IS NULL THEN ? ELSE decision END WHERE id = ?",
                    (machine, machine, vid),
                )
            if calls:
                conn.exec_driver_sql(_INSERT_CALL, [_call_row(run, c, now) for c in calls])
            if judgements:
                conn.exec_driver_sql(_INSERT_JUDGEMENT, [_judgement_row(run, j) for j in judgements])

    def _findings(self, s: Session, verdict_ids: list[int]) -> dict[int, list[Finding]]:
        out: dict[int, list[Finding]] = {}
        for lo in range(0, len(verdict_ids), 500):
            part = verdict_ids[lo : lo + 500]
            stmt = select(FindingRow).where(FindingRow.verdict_id.in_(part)).order_by(FindingRow.id)  # type: ignore[attr-defined]
            for f in s.exec(stmt):
                out.setdefault(f.verdict_id, []).append(f.to_finding())
        return out

    def verdicts(self, run_id: str, batch: int = 2000) -> Iterator[StoredVerdict]:
        """Every verdict of a run in input order, with findings, streamed in batches."""
        last_line = -1
        while True:
            with Session(self.engine) as s:
                stmt = (
                    select(VerdictRow)
                    .where(VerdictRow.run_id == run_id, VerdictRow.line > last_line)
                    .order_by(VerdictRow.line)  # type: ignore[arg-type]
                    .limit(batch)
                )
                rows = list(s.exec(stmt))
                if not rows:
                    return
                found = self._findings(s, [r.id for r in rows if r.id is not None])
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
            return StoredVerdict(row, self._findings(s, [row.id]).get(row.id, []))

    def counts(self, run_id: str) -> dict[str, int]:
        with Session(self.engine) as s:
            stmt = select(VerdictRow.decision, func.count()).where(VerdictRow.run_id == run_id).group_by(VerdictRow.decision)
            got = dict(s.exec(stmt).all())
        return {d.value: int(got.get(d.value, 0)) for d in Decision}


_INSERT_VERDICT = (
    "INSERT INTO verdicts (run_id, line, candidate_id, content_hash, eval_key, decision, error, raw, policy_id,"
    " policy_version, policy_hash, code_version, checks_fingerprint, reused_from, created_at, reusable,"
    " machine_decision, override_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CALL = (
    "INSERT INTO judge_calls (run_id, line, content_hash, rubric_id, rubric_version, template_hash, schema_hash,"
    " prompt_hash, prompt, model, base_url, mode, sample, cache_key, status, raw, parsed_json, error, latency_ms,"
    " prompt_tokens, completion_tokens, cost, attempts, cached_from, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_JUDGEMENT = (
    "INSERT INTO judgements (run_id, line, rubric_id, rubric_version, criterion_id, outcome, votes, agreement, reason)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FINDING = (
    "INSERT INTO findings (verdict_id, check_id, severity, category, message, field, span_start, span_end, text,"
    " term, score) SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM verdicts WHERE run_id = ? AND line = ?"
)
_INSERT_CANDIDATE = (
    "INSERT OR IGNORE INTO candidates (content_hash, candidate_id, placement, theme, keywords_json, first_seen_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def in_chunks(values: Sequence[Any], size: int = 500) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Distinct values in chunks small enough for one ``IN (?, ...)``, with the placeholders."""
    uniq = list(dict.fromkeys(values))
    for lo in range(0, len(uniq), size):
        part = tuple(uniq[lo : lo + size])
        yield part, ",".join("?" * len(part))


def _call_row(run: RunRow, c: Any, now: str) -> tuple:
    return (
        run.id, c.line, c.content_hash, c.rubric.id, c.rubric.version, c.rubric.template_hash, c.rubric.schema_hash,
        c.prompt_hash, c.prompt, c.model, c.base_url, c.mode, c.sample, c.cache_key, c.result.status,
        c.result.raw, parsed_json(c.result), c.result.error, c.result.latency_ms, c.result.prompt_tokens,
        c.result.completion_tokens, c.cost, c.result.attempts, c.cached_from, now,
    )


def _judgement_row(run: RunRow, j: Any) -> tuple:
    return (run.id, j.line, j.rubric_id, j.rubric_version, j.criterion_id, j.outcome, j.votes, j.agreement, j.reason)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _new_run_id() -> str:
    return _now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
