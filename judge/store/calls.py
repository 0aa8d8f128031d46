"""LLM judge calls (the cache and the audit trail) and per-criterion judgements."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlmodel import Session, select

from judge.store.base import StoreBase, in_chunks, insert_dicts, insert_rows, now_text
from judge.store.schema import JudgeCallRow, JudgementRow, RunRow, table
from judge.store.types import CachedCall, StoredBatch


class RowSource(Protocol):
    """A record the store writes: its ``to_row()`` names the table's columns (run and time aside)."""

    def to_row(self) -> dict[str, Any]: ...


def insert_calls(
    conn: Connection, run: RunRow, calls: Sequence[RowSource], judgements: Sequence[RowSource], created: str
) -> None:
    insert_dicts(conn, "judge_calls", [{"run_id": run.id, **c.to_row(), "created_at": created} for c in calls])
    insert_dicts(conn, "judgements", [{"run_id": run.id, **j.to_row()} for j in judgements])


def copy_judgements(conn: Connection, reused: list[tuple[str, int, int]], rubrics: Sequence[str]) -> None:
    """Give each ``(run, line, reused verdict id)`` the judgements of the verdict it reuses."""
    marks = ",".join("?" * len(rubrics))
    copied = [c for c in table("judgements").c.keys() if c not in ("id", "run_id", "line")]
    conn.exec_driver_sql(
        f"INSERT INTO judgements (run_id, line, {', '.join(copied)}) SELECT ?, ?, {', '.join('j.' + c for c in copied)}"
        " FROM judgements j JOIN verdicts v ON v.run_id = j.run_id AND v.line = j.line"
        f" WHERE v.id = ? AND j.rubric_id IN ({marks})",
        [(*r, *rubrics) for r in reused],
    )


class CallsMixin(StoreBase):
    def cached_calls(self, keys: Sequence[str]) -> dict[str, CachedCall]:
        """The latest scored judge call per cache key."""
        out: dict[str, CachedCall] = {}
        for part, marks in in_chunks(keys):
            for cid, key, parsed, raw in self._rows(
                "SELECT c.id, c.cache_key, c.parsed_json, c.raw FROM judge_calls c JOIN ("
                f" SELECT max(id) AS id FROM judge_calls WHERE cache_key IN ({marks}) AND status = 'scored'"
                " AND cached_from IS NULL GROUP BY cache_key) m ON c.id = m.id",
                *part,
            ):
                out[key] = CachedCall(cid, parsed, raw)
        return out

    def llm_batches(self, run_id: str) -> list[StoredBatch]:
        """The Batch API jobs a run has submitted, oldest first."""
        rows = self._rows("SELECT batch_id, requests, status FROM llm_batches WHERE run_id = ? ORDER BY submitted_at, batch_id",
                          run_id)
        return [StoredBatch(*r) for r in rows]

    def llm_batch_jobs(self, custom_ids: Sequence[str]) -> dict[str, str]:
        """The newest job that holds each request and may still answer it (not failed, cancelled or expired)."""
        out: dict[str, str] = {}
        for part, marks in in_chunks(custom_ids):
            out.update(self._rows(
                "SELECT r.custom_id, r.batch_id FROM llm_batch_requests r JOIN llm_batches b ON b.batch_id = r.batch_id"
                f" WHERE r.custom_id IN ({marks}) AND b.status NOT IN ('failed', 'cancelled', 'expired')"
                " ORDER BY b.submitted_at, b.batch_id", *part))
        return out

    def add_llm_batch(self, run_id: str, batch_id: str, input_file_id: str, custom_ids: Sequence[str], status: str) -> None:
        at = now_text()
        with self.engine.begin() as conn:
            insert_rows(conn, "llm_batches", ("batch_id", "run_id", "input_file_id", "requests", "status", "submitted_at",
                                              "updated_at"), [(batch_id, run_id, input_file_id, len(custom_ids), status, at, at)])
            insert_rows(conn, "llm_batch_requests", ("custom_id", "batch_id"), [(c, batch_id) for c in custom_ids])

    def confirm_llm_batch(self, placeholder: str, batch_id: str, status: str) -> None:
        """A job stored before it was submitted (under ``placeholder``) gets the provider's id."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE llm_batches SET batch_id = ?, status = ?, updated_at = ? WHERE batch_id = ?",
                                 (batch_id, status, now_text(), placeholder))
            conn.exec_driver_sql("UPDATE llm_batch_requests SET batch_id = ? WHERE batch_id = ?", (batch_id, placeholder))

    def set_llm_batch_status(self, batch_id: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE llm_batches SET status = ?, updated_at = ? WHERE batch_id = ?",
                                 (status, now_text(), batch_id))

    def judged_lines(self, run_id: str, rubric_ids: Sequence[str]) -> set[int]:
        """Lines of a run that already carry a judgement of any of these rubrics."""
        if not rubric_ids:
            return set()
        marks = ",".join("?" * len(rubric_ids))
        rows = self._rows(f"SELECT DISTINCT line FROM judgements WHERE run_id = ? AND rubric_id IN ({marks})", run_id, *rubric_ids)
        return {r[0] for r in rows}

    def judge_trail(self, run_id: str, line: int) -> tuple[list[JudgementRow], list[JudgeCallRow]]:
        """The criterion outcomes and the calls behind one verdict (page calls included)."""
        with Session(self.engine) as s:
            judgements = list(s.exec(
                select(JudgementRow).where(JudgementRow.run_id == run_id, JudgementRow.line == line)
                .order_by(JudgementRow.id)  # type: ignore[arg-type]
            ))
            calls = list(s.exec(
                select(JudgeCallRow).where(JudgeCallRow.run_id == run_id, JudgeCallRow.line == line)
                .order_by(JudgeCallRow.id)  # type: ignore[arg-type]
            ))
        return judgements, calls

    def judgement_outcomes(self, run_id: str) -> list[tuple[int, str, str, str, str]]:
        """``(line, rubric_id, rubric_version, criterion_id, outcome)`` of every judgement of a run."""
        return self._rows(
            "SELECT line, rubric_id, rubric_version, criterion_id, outcome FROM judgements WHERE run_id = ?", run_id
        )

    def scored_answers(self, run_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(content_hash, rubric_id, parsed answer)`` of every scored per-candidate call of a run."""
        rows = self._rows(
            "SELECT content_hash, rubric_id, parsed_json FROM judge_calls WHERE run_id = ? AND status = 'scored'"
            " AND line IS NOT NULL",
            run_id,
        )
        return [(h, rubric, json.loads(parsed or "{}")) for h, rubric, parsed in rows]

    def call_usage(self, run_id: str) -> tuple[float | None, int, int]:
        """Mean latency (ms), tokens and count of the calls a run really made (no cache hits)."""
        lat, tokens, n = self._rows(
            "SELECT avg(latency_ms), sum(prompt_tokens + completion_tokens), count(*) FROM judge_calls"
            " WHERE run_id = ? AND cached_from IS NULL AND attempts > 0",
            run_id,
        )[0]
        return lat, tokens or 0, n
