"""Human review decisions: sticky per content hash and policy version; history is never deleted."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from judge.models import Decision
from judge.store.base import StoreBase, in_chunks, now
from judge.store.schema import ReviewRow, VerdictRow


class ReviewsMixin(StoreBase):
    def overrides(self, content_hashes: Sequence[str], policy_id: str, policy_version: str) -> dict[str, ReviewRow]:
        """The latest human decision per content hash under this policy version."""
        out: dict[str, ReviewRow] = {}
        with Session(self.engine) as s:
            for part, _ in in_chunks(content_hashes):
                stmt = (
                    select(ReviewRow)
                    .where(
                        ReviewRow.content_hash.in_(part),  # type: ignore[attr-defined]
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
            content_hash=verdict.content_hash or "", policy_id=verdict.policy_id, policy_version=verdict.policy_version,
            candidate_id=verdict.candidate_id, run_id=verdict.run_id, decision=decision.value, reason=reason,
            reviewer=reviewer, created_at=now(),
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

    def review_labels(self) -> list[tuple[str, str, str]]:
        """``(content_hash, decision, reviewer)`` of every review, oldest first (they are labels too)."""
        return self._rows("SELECT content_hash, decision, reviewer FROM reviews ORDER BY id")
