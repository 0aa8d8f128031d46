"""Runs: one gate pass over one input with one policy."""

from __future__ import annotations

import json
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from judge.errors import NotFoundError
from judge.store.base import StoreBase, insert_sql, now, now_text
from judge.store.schema import RunRow

STALE_AFTER_S = 600.0  # a run on another host whose owner has not committed for this long may be taken over


def owner_id() -> str:
    """This process, as the owner of the runs it gates."""
    return f"{socket.gethostname()}:{os.getpid()}"


class RunsMixin(StoreBase):
    def create_run(self, **fields: Any) -> RunRow:
        run = RunRow(id=_new_run_id(), status="running", started_at=now(), owner=owner_id(), heartbeat_at=now(), **fields)
        with Session(self.engine) as s:
            s.add(run)
            s.commit()
            s.refresh(run)
        return run

    def resumable_run(self, run_key: str) -> RunRow | None:
        with Session(self.engine) as s:
            stmt = select(RunRow).where(RunRow.run_key == run_key, RunRow.status == "running")
            return s.exec(stmt.order_by(RunRow.started_at.desc())).first()  # type: ignore[attr-defined]

    def claim_run(self, run: RunRow) -> str | None:
        """Take over a running run to resume it. ``None`` when this process now owns it, else who does.

        The owner is taken over when it is this process, a process of this host that is gone (killed),
        or a process elsewhere that has not committed a batch for ``STALE_AFTER_S``.
        """
        me, holder = owner_id(), run.owner
        if holder and holder != me and _alive(holder, run.heartbeat_at):
            return holder
        same_owner = "owner IS NULL" if holder is None else "owner = ?"
        with self.engine.begin() as conn:
            taken = conn.exec_driver_sql(
                f"UPDATE runs SET owner = ?, heartbeat_at = ? WHERE id = ? AND status = 'running' AND {same_owner}",
                (me, now_text(), run.id, *([] if holder is None else [holder])),
            ).rowcount
        return None if taken == 1 else "another process, which claimed it a moment ago"

    def claim_block(self, run_id: str, block: int) -> bool:
        """Take block ``block`` of a run for this process; False when another worker has it."""
        with self.engine.begin() as conn:
            sql = insert_sql("run_blocks", ("run_id", "block", "owner", "claimed_at"), "ignore")
            return conn.exec_driver_sql(sql, (run_id, block, owner_id(), now_text())).rowcount == 1

    def finish_run(
        self, run_id: str, counts: dict[str, int], ci: dict[str, Any], check_status: dict, status: str = "complete"
    ) -> RunRow:
        with Session(self.engine) as s:
            run = s.get(RunRow, run_id)
            if run is None:
                raise NotFoundError(f"no run {run_id!r} in {self.name}")
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
            raise NotFoundError(f"no run {run_id!r} in {self.name}" if run_id else f"no runs in {self.name} yet")
        return run

    def runs(self, limit: int = 50) -> list[RunRow]:
        with Session(self.engine) as s:
            return list(s.exec(select(RunRow).order_by(RunRow.started_at.desc()).limit(limit)))  # type: ignore[attr-defined]


def _alive(owner: str, heartbeat: datetime | None) -> bool:
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if heartbeat is None:
        return False
    beat = heartbeat if heartbeat.tzinfo else heartbeat.replace(tzinfo=UTC)
    return (now() - beat).total_seconds() < STALE_AFTER_S


def _new_run_id() -> str:
    return now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
