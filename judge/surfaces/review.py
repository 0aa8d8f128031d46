"""Human review: find what needs a decision, record decisions, and make them stick.

A decision is stored once per content hash and policy version (``reviews`` keeps the
whole history; the newest row decides). The gate applies it to the same content in
every later run under that policy version; a new policy version asks again.
Every decision is also a human label for calibration.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from dataclasses import dataclass

from judge.errors import JudgeError
from judge.models import Decision
from judge.store import QueueFilter, ReviewRow, RunRow, Store, StoredVerdict

PENDING = (Decision.REJECTED, Decision.NEEDS_REVIEW)


class ReviewError(JudgeError):
    """A review command cannot be carried out (no such item, no runs)."""


@dataclass
class Item:
    """A verdict with the candidate's content, ready to show."""

    verdict: StoredVerdict
    placement: str
    theme: str
    keywords: list[str]

    @property
    def id(self) -> str:
        return self.verdict.row.candidate_id or f"line {self.verdict.row.line}"


def item(store: Store, verdict: StoredVerdict) -> Item:
    content = store.candidate_content(verdict.row.content_hash)
    return Item(verdict, content.placement, content.theme, content.keywords) if content else Item(verdict, "", "", [])


def list_items(
    store: Store,
    run: RunRow,
    decisions: tuple[Decision, ...] = PENDING,
    check: str | None = None,
    placement: str | None = None,
    only_unreviewed: bool = False,
    limit: int = 200,
    after_line: int = 0,
) -> tuple[list[Item], int]:
    """One page of the items that match (filtered and paged by the store), and how many match in all."""
    wanted = QueueFilter(tuple(d.value for d in decisions), check, placement, only_unreviewed)
    page = store.review_page(run.id, wanted, limit, after_line)
    items = [Item(v, c.placement, c.theme, c.keywords) if c else Item(v, "", "", []) for v, c in page]
    return items, store.review_count(run.id, wanted)


def pending_items(store: Store, run: RunRow, page: int = 100) -> Iterator[Item]:
    """Every unreviewed pending item, a page at a time (for the interactive queue)."""
    after = 0
    while True:
        items, _ = list_items(store, run, only_unreviewed=True, limit=page, after_line=after)
        yield from items
        if len(items) < page:
            return
        after = items[-1].verdict.row.line


def resolve(store: Store, ref: str, run: RunRow | None = None) -> StoredVerdict:
    """A candidate id in the (latest) run, or a content-hash prefix."""
    run = run or store.require_run()
    found = store.find_verdict(ref, run.id) or store.find_verdict(ref)
    if found is None:
        raise ReviewError(f"no candidate {ref!r} in run {run.id} (use its id or a content-hash prefix)")
    return found


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "unknown"


def record(store: Store, verdict: StoredVerdict, decision: Decision, reason: str, reviewer: str | None = None) -> ReviewRow:
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise ReviewError("a review approves or rejects")
    if not reason.strip():
        raise ReviewError("a review needs a reason")
    if not verdict.row.content_hash:
        raise ReviewError("an unreadable input record cannot be reviewed; fix the input")
    return store.add_review(verdict.row, decision, reason.strip(), reviewer or default_reviewer())
