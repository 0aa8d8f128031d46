"""`judge gate` and the commands that read runs back: runs, show, summary, checks, report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from judge.cascade.catalog import evidence
from judge.cascade.gate import Gate, LaunchFn, RunResult
from judge.cli import common as c
from judge.cli.common import err, out, safe
from judge.cli.ray_launch import ray_launcher
from judge.cli.render import (
    T,
    counts_table,
    print_verdict,
    runs_table,
    term_lists_table,
)
from judge.cli.workers import launcher, worker_args, worker_secrets
from judge.errors import OutputError
from judge.models import InputBatch
from judge.policy import load_policy
from judge.rules.checks import REGISTRY, CheckEnv, CheckSuite
from judge.rules.checks.terms import TermsCheck, describe_lists
from judge.store import Store
from judge.surfaces import export
from judge.surfaces.output import check_outputs
from judge.surfaces.reader import read_input
from judge.surfaces.report import write_report

MAX_SHOWN_ERRORS = 20


def gate(
    input: Annotated[Path, typer.Argument(help="Candidates as JSONL (one per line) or CSV (keywords separated by '|').")],
    policy: c.PolicyOpt = "default",
    db: c.DbOpt = c.DEFAULT_DB,
    catalog_db: c.CatalogDbOpt = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the run's verdicts as JSON.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML, one test case per candidate.")] = None,
    approved_out: Annotated[Path | None, typer.Option("--approved-out", help="Write only approved records, unchanged.")] = None,
    summary_md: Annotated[Path | None, typer.Option("--summary-md", help="Write a short Markdown summary (for a CI job summary).")] = None,
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Record the LLM rubric stage as skipped.")] = False,
    base_url: c.BaseUrlOpt = None,
    api_key: c.ApiKeyOpt = None,
    model: c.ModelOpt = None,
    mode: c.ModeOpt = "tools",
    temperature: c.TemperatureOpt = 0.0,
    max_tokens: c.MaxTokensOpt = 600,
    timeout: c.TimeoutOpt = 30.0,
    concurrency: c.ConcurrencyOpt = 16,
    max_retries: c.MaxRetriesOpt = 3,
    max_total_tokens: c.MaxTotalTokensOpt = None,
    max_cost: c.MaxCostOpt = None,
    prompt_price: c.PromptPriceOpt = 0.0,
    completion_price: c.CompletionPriceOpt = 0.0,
    store_prompts: c.StorePromptsOpt = False,
    deadline: c.DeadlineOpt = None,
    llm_batch: Annotated[bool, typer.Option("--llm-batch", help="Send the judge calls through the provider's Batch API (/v1/files + /v1/batches): cheaper, slower; an interrupted gate resumes polling its stored jobs.", rich_help_panel=c.P)] = False,
    batch_poll: Annotated[float, typer.Option(help="With --llm-batch: the longest wait, in seconds, between two polls of a job (the first comes after 2 s, then doubling).", min=0.01, rich_help_panel=c.P)] = 60.0,
    batch_size: Annotated[int | None, typer.Option(help="Candidates per batch and store transaction (default 512; 128 with LLM judges).", min=1)] = None,
    workers: Annotated[int, typer.Option(help="Gate the run with this many processes (blocks of --batch-size records each; budgets and deadlines apply per process).", min=1)] = 1,
    ray: Annotated[str | None, typer.Option("--ray", help="Gate with Ray tasks (the `ray` extra): 'local' starts Ray on this machine, else a cluster's address (auto, ray://HOST:10001). --workers tasks (default: one per CPU); the store must be one every node reaches (PostgreSQL).")] = None,
    join_run: Annotated[str | None, typer.Option("--join-run", "--run", help="Join this running run (same input, policy and options) as one more worker: gate the blocks nobody has taken, leave the counting to its owner.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the final line.")] = False,
) -> None:
    """Gate a file of candidates; exit 0 if the batch passes the policy's CI thresholds, 1 if not, 2 on usage errors."""
    llm = c.llm_settings(
        base_url=base_url, api_key=api_key, model=model, mode=mode, temperature=temperature, max_tokens=max_tokens,
        timeout=timeout, concurrency=concurrency, max_retries=max_retries, max_total_tokens=max_total_tokens,
        max_cost=max_cost, prompt_price_per_1k=prompt_price, completion_price_per_1k=completion_price, deadline=deadline,
        batch=llm_batch, batch_poll_max=batch_poll, batch_poll_first=min(2.0, batch_poll),
    )
    check_outputs({"--json": json_out, "--junit": junit, "--approved-out": approved_out, "--summary-md": summary_md},
                  {"the store": c.store_file(db), "the catalog": c.store_file(catalog_db),
                   "the input": None if str(input) == "-" else input})
    pol = load_policy(policy)
    store = c.open_store(db, catalog_db)
    engine = Gate(pol, store, batch_size=batch_size, skip_llm=skip_llm, llm=llm, store_prompts=store_prompts,
                  calibrations=store.latest_calibrations())
    batch = read_input(input)
    if join_run:
        engine.join(batch, join_run)
        return
    options = locals()
    launch = _launcher(ray, workers, worker_args(input, options) if ray or workers > 1 else [], worker_secrets(options))
    result = _run(engine, batch, show_progress=out.is_terminal and not quiet, launch=launch, share=not ray)
    _report_problems(result)
    _write_outputs(store, result, json_out, junit, approved_out, summary_md)
    _verdict(engine, result, model, quiet)


def _launcher(ray: str | None, workers: int, args: list[str], secrets: dict[str, str]) -> LaunchFn | None:
    """What starts the run's other workers: Ray tasks, local processes, or none."""
    if ray:
        return ray_launcher(ray, workers if workers > 1 else 0, args, secrets)
    return launcher(workers - 1, args, secrets) if workers > 1 else None


def _verdict(engine: Gate, result: RunResult, model: str | None, quiet: bool) -> None:
    """The summary (unless quiet), then PASS, or FAIL with the policy's exit code."""
    if not quiet:
        _print_summary(engine, result, model)
    if result.ci.passed:
        out.print("[bold green]PASS[/] the batch meets the policy's CI thresholds")
    else:
        out.print("[bold red]FAIL[/] " + "; ".join(result.ci.reasons), highlight=False)
        raise typer.Exit(c.EXIT_FAIL)


def _print_summary(engine: Gate, result: RunResult, model: str | None) -> None:
    out.print(counts_table(result))
    pol = engine.policy
    out.print(f"policy {pol.id}@{pol.version}; {result.evaluated} checked, {result.reused} reused from the store", highlight=False)
    if result.llm is not None:
        u = result.llm
        waited = f", waited {u['waited_s']:,.0f} s to retry" if u["waited_s"] >= 1 else ""
        out.print(f"LLM judges ({model}): {u['calls']} calls, {u['cache_hits']} cached, {u['tokens']:,} tokens, "
                  f"cost {u['cost']:.4f}{waited}", highlight=False)
    elif engine.llm_state == "skipped":
        out.print("LLM judges: skipped (--skip-llm)")


def _run(engine: Gate, batch: InputBatch, show_progress: bool, launch: LaunchFn | None = None, share: bool = True) -> RunResult:
    if not show_progress:
        return engine.run(batch, launch=launch, share=share)
    columns = (TextColumn("gating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.fields[note]}"))
    with Progress(*columns, console=out, transient=True) as bar:
        task = bar.add_task("gate", total=batch.count, note="")
        return engine.run(batch, on_progress=lambda n: bar.update(task, advance=n, note=engine.progress_note()), launch=launch,
                          share=share)


def _report_problems(result: RunResult) -> None:
    for message in result.input_errors[:MAX_SHOWN_ERRORS]:
        err.print(T("input error: " + message, style="magenta"), soft_wrap=True)
    if result.input_error_count > MAX_SHOWN_ERRORS:
        err.print(f"[magenta]... and {result.input_error_count - MAX_SHOWN_ERRORS:,} more input errors (`judge show`, --json)[/]")
    for check_id, detail in result.unavailable.items():
        err.print(f"[bold yellow]WARNING: check {check_id!r} is UNAVAILABLE:[/] {detail}", highlight=False)


def _write_outputs(store: Store, result: RunResult, json_out: Path | None, junit: Path | None,
                   approved_out: Path | None, summary_md: Path | None) -> None:
    writers = ((json_out, export.write_json), (junit, export.write_junit), (approved_out, export.write_approved),
               (summary_md, export.write_summary_md))
    for path, write in writers:
        if path:
            try:
                write(store, result.run, path)
            except OutputError as e:
                raise OutputError(f"{e}. The verdicts are stored (run {result.run.id}): run the same command again "
                                  "with a writable path; every verdict is reused") from None


def runs(
    db: c.DbOpt = c.DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many runs to list, newest first.", min=1)] = 20,
    as_json: c.JsonFlag = False,
) -> None:
    """List stored runs, newest first."""
    stored = c.open_store(db).runs(limit)
    if as_json:
        sys.stdout.write(json.dumps([export.run_summary(r) for r in stored], indent=2) + "\n")
        return
    out.print(runs_table(stored))


def show(
    ref: Annotated[str, typer.Argument(help="Candidate id, or a content-hash prefix (8+ hex digits).")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest verdict for it).")] = None,
    db: c.DbOpt = c.DEFAULT_DB,
    as_json: c.JsonFlag = False,
) -> None:
    """Show one candidate's verdict, findings and provenance."""
    store = c.open_store(db)
    v = store.find_verdict(ref, run)
    if v is None:
        raise c.fail(f"no verdict for {ref!r}" + (f" in run {run}" if run else ""))
    judgements, calls = store.judge_trail(v.row.run_id, v.row.line)
    if as_json:
        data = v.row.model_dump(mode="json") | {
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in v.findings],
            "judgements": [j.model_dump(mode="json", exclude={"id", "run_id"}) for j in judgements],
            "judge_calls": [k.model_dump(mode="json", exclude={"id", "run_id", "prompt"}) for k in calls],
        }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    print_verdict(v, judgements, calls)


def checks(
    policy: c.PolicyOpt = "default",
    db: Annotated[str | None, typer.Option("--db", help="A store whose catalog the coherence check would use (its signals are listed).")] = None,
    catalog_db: c.CatalogDbOpt = None,
) -> None:
    """List the rule checks, whether the policy enables them, and whether they can run here."""
    pol = load_policy(policy)
    for given in (db, catalog_db):
        if given is not None and (path := c.store_file(given)) is not None and not path.is_file():
            raise c.fail(f"{path}: no store there (judge catalog load --db {path} makes one with a catalog)")
    catalog = evidence(c.open_store(db or catalog_db, catalog_db)) if db or catalog_db else None
    statuses = CheckSuite(pol.checks, CheckEnv(pol.base_dir, catalog=catalog)).statuses
    table = Table(title=f"policy {pol.id}@{pol.version}", show_edge=False)
    for col in ("check", "enabled", "status", "description"):
        table.add_column(col)
    for check_id, cls in REGISTRY.items():
        st = statuses.get(check_id)
        if st is None:
            status = T("-")
        else:
            status = T("ok" if st.available else "unavailable", "green" if st.available else "yellow")
            status.append(f": {safe(st.detail)}" if st.detail else "")
        table.add_row(check_id, "yes" if st else "no", status, cls.description)
    out.print(table)
    if pol.checks.terms.enabled:
        lists = describe_lists(TermsCheck(pol.checks.terms, CheckEnv(pol.base_dir)))
        out.print(term_lists_table(lists))


def report(
    run: c.RunArg = None,
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the HTML file.")] = Path("reports/report.html"),
    baseline: Annotated[str | None, typer.Option("--baseline", help="Compare with this run.")] = None,
    max_items: Annotated[int, typer.Option(help="Cap on item rows (the least approved first).", min=1)] = 2000,
    db: c.DbOpt = c.DEFAULT_DB,
) -> None:
    """Write a self-contained HTML quality report of a run (no network needed to view it)."""
    check_outputs({"--out": out_path}, {"the store": c.store_file(db)})
    store = c.open_store(db)
    r = store.require_run(run)
    base = store.require_run(baseline) if baseline else None
    path = write_report(store, r, out_path, base, max_items)
    out.print(f"report: {path} ({path.stat().st_size / 1024:.0f} KiB)", highlight=False)


def summary(run: c.RunArg = None, db: c.DbOpt = c.DEFAULT_DB) -> None:
    """Print a stored run's summary and provenance as JSON."""
    store = c.open_store(db)
    r = store.require_run(run)
    sys.stdout.write(json.dumps(export.run_summary(r), indent=2) + "\n")
