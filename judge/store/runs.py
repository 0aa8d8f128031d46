"""Runs: one gate pass over one input with one policy."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlmodel import Session, select

from judge.errors import NotFoundError
from judge.store.base import StoreBase, now
from judge.store.schema import RunRow


class RunsMixin(StoreBase):
    def create_run(self, **fields: Any) -> RunRow:
        run = RunRow(id=_new_run_id(), status="running", started_at=now(), **fields)
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
    ) -> RunRow:
        with Session(self.engine) as s:
            run = s.get(RunRow, run_id)
            if run is None:
                raise NotFoundError(f"no run {run_id!r} in {self.path}")
            run.status = status
            run.finished_at = now()
            run.counts_json = json.dumps(counts)
            run.ci_json = json.dumps(ci)
            run.check_status_json = json.dumps(check_status)
            s.add(run)
            s.commit()
            s.refresh(run)
            return run

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

    def require_run(self, run_id: str | None = None) -> RunRow:
        """Like :meth:`get_run`, but a missing run is a :class:`NotFoundError` that says which."""
        run = self.get_run(run_id)
        if run is None:
            raise NotFoundError(f"no run {run_id!r} in {self.path}" if run_id else f"no runs in {self.path} yet")
        return run

    def runs(self, limit: int = 50) -> list[RunRow]:
        with Session(self.engine) as s:
            return list(s.exec(select(RunRow).order_by(RunRow.started_at.desc()).limit(limit)))  # type: ignore[attr-defined]


def _new_run_id() -> str:
    return now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
