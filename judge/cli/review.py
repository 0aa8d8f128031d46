"""`judge review`: work through rejected and needs-review content; decisions stick across runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from judge.cli import common as c
from judge.cli.common import out
from judge.cli.render import T, items_table, print_item, print_verdict
from judge.models import Decision
from judge.store import Store, StoredVerdict
from judge.surfaces import review as rv

app = typer.Typer(help="Work through rejected and needs-review content; decisions stick across runs.", no_args_is_help=True)

RefArg = Annotated[str, typer.Argument(help="Candidate id (latest run) or content-hash prefix.")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (stored with the decision).")]
ReviewerOpt = Annotated[str | None, typer.Option("--reviewer", help="Who (default: the OS user).")]


@app.command("list")
def review_list(
    run: c.RunOpt = None,
    decision: Annotated[list[str] | None, typer.Option("--decision", help="rejected, needs_review or approved (repeatable).")] = None,
    check: Annotated[str | None, typer.Option("--check", help="Only items with a finding of this check (e.g. terms, rubric:brand_safety).")] = None,
    placement: Annotated[str | None, typer.Option("--placement", help="Only this placement.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.", min=1)] = 200,
    db: c.DbOpt = c.DEFAULT_DB,
) -> None:
    """List the items of a run that need a human (rejected and needs_review by default)."""
    store = c.open_store(db)
    r = store.require_run(run)
    try:
        wanted = tuple(Decision(d) for d in decision) if decision else rv.PENDING
    except ValueError:
        raise c.fail(f"--decision must be one of {[d.value for d in Decision]}") from None
    items, total = rv.list_items(store, r, wanted, check, placement, limit=limit)
    out.print(items_table(r.id, items, total))
    if total > len(items):
        out.print(f"... and {total - len(items):,} more (--limit)")


@app.command("show")
def review_show(ref: RefArg, run: c.RunOpt = None, db: c.DbOpt = c.DEFAULT_DB) -> None:
    """Show a candidate with its offending spans highlighted, every finding, judgement and the provenance."""
    store = c.open_store(db)
    v = rv.resolve(store, ref, store.require_run(run))
    _show(store, v)


def _show(store: Store, v: StoredVerdict) -> None:
    review = store.review(v.row.override_id) if v.row.override_id else None
    print_item(rv.item(store, v), review)
    print_verdict(v, *store.judge_trail(v.row.run_id, v.row.line))


def _decide(ref: str, decision: Decision, reason: str, reviewer: str | None, run: str | None, db: Path) -> None:
    store = c.open_store(db)
    v = rv.resolve(store, ref, store.require_run(run))
    rev = rv.record(store, v, decision, reason, reviewer)
    out.print(T(f"{decision.value} {v.row.candidate_id} ({(v.row.content_hash or '')[:12]}) by {rev.reviewer}: sticks for "
                f"policy {v.row.policy_id}@{v.row.policy_version}"))


@app.command("approve")
def review_approve(ref: RefArg, reason: ReasonOpt, reviewer: ReviewerOpt = None, run: c.RunOpt = None, db: c.DbOpt = c.DEFAULT_DB) -> None:
    """Approve an item: the same content is approved in later runs under this policy version."""
    _decide(ref, Decision.APPROVED, reason, reviewer, run, db)


@app.command("reject")
def review_reject(ref: RefArg, reason: ReasonOpt, reviewer: ReviewerOpt = None, run: c.RunOpt = None, db: c.DbOpt = c.DEFAULT_DB) -> None:
    """Reject an item: the same content is rejected in later runs under this policy version."""
    _decide(ref, Decision.REJECTED, reason, reviewer, run, db)


@app.command("queue")
def review_queue(run: c.RunOpt = None, reviewer: ReviewerOpt = None, db: c.DbOpt = c.DEFAULT_DB) -> None:
    """Go through pending items one by one: [a]pprove, [r]eject, [s]kip, [q]uit. Resumable."""
    store = c.open_store(db)
    r = store.require_run(run)
    total = rv.list_items(store, r, only_unreviewed=True, limit=1)[1]
    if not total:
        out.print("nothing to review")
        return
    done = 0
    for n, it in enumerate(rv.pending_items(store, r), 1):
        out.rule(f"{n}/{total}")
        _show(store, it.verdict)
        out.print("[bold][a][/]pprove  [bold][r][/]eject  [bold][s][/]kip  [bold][q][/]uit ? ", end="")
        key = typer.getchar().lower()
        out.print(key, markup=False)
        if key == "q":
            break
        if key not in ("a", "r"):
            continue
        reason = typer.prompt("reason")
        rv.record(store, it.verdict, Decision.APPROVED if key == "a" else Decision.REJECTED, reason, reviewer)
        done += 1
    out.print(f"{done} decision(s) recorded; {total - done} left or skipped")
