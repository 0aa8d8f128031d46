"""Human labels (per check or criterion) and stored calibration results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from judge.store.base import StoreBase, insert_dicts, now_text
from judge.store.types import Calibration


class LabelsMixin(StoreBase):
    def labels(self) -> list[tuple[str, str, str, str, str]]:
        """``(content_hash, target, label, labeller, source)`` of every stored label."""
        return self._rows("SELECT content_hash, target, label, labeller, source FROM labels")

    def add_labels(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store labels given as ``{content_hash, candidate_id, target, label, labeller, note, source}``."""
        created = now_text()
        with self.engine.begin() as conn:
            insert_dicts(conn, "labels", [{**r, "created_at": created} for r in rows])

    def label_count(self) -> int:
        return self._scalar("SELECT count(*) FROM labels") or 0

    def add_calibrations(self, run_id: str, results: Sequence[dict[str, Any]]) -> None:
        """Store one calibration per target: ``{target, version, n, kappa, kappa_ci, ...}`` (the whole dict is kept)."""
        created = now_text()
        rows = []
        for r in results:
            ci = r.get("kappa_ci") or (None, None)
            rows.append({
                "run_id": run_id, "target": r["target"], "version": r.get("version"), "n": r["n"],
                "kappa": r.get("kappa"), "kappa_low": ci[0], "kappa_high": ci[1],
                "result_json": json.dumps(r, default=str), "created_at": created,
            })
        with self.engine.begin() as conn:
            insert_dicts(conn, "calibrations", rows)

    def latest_calibrations(self) -> dict[str, Calibration]:
        """The newest calibration of every target (checks, criteria and ``probe:*``)."""
        rows = self._rows(
            "SELECT target, version, n, kappa, kappa_low, kappa_high, run_id, result_json FROM calibrations c"
            " WHERE id = (SELECT max(id) FROM calibrations WHERE target = c.target) ORDER BY target"
        )
        return {
            t: Calibration(t, v, n, k, (lo, hi), r, json.loads(res))
            for t, v, n, k, lo, hi, r, res in rows
        }
