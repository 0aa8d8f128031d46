"""The ``judge`` command: a thin Typer layer over the engine in ``judge/``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from pydantic import ValidationError

from judge import DEFAULT_DB, Gate, JudgeError, LLMSettings, Store, load_policy
from judge.rules.checks import REGISTRY
from judge.surfaces.export import run_summary, write_approved, write_json, write_junit, write_summary_md

app = typer.Typer(
    help="Gate LLM-generated storefront themes and keywords before they reach retrieval and ranking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOpt = Annotated[Path, typer.Option("--db", help="SQLite verdict store.", envvar="JUDGE_DB")]
EXIT_USAGE = 2


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(EXIT_USAGE)


def _open_store(db: Path) -> Store:
    try:
        return Store(db)
    except JudgeError as e:
        raise _fail(str(e)) from None


P = "LLM judges"
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1.", envvar="OPENAI_BASE_URL", rich_help_panel=P)]
ApiKeyOpt = Annotated[str | None, typer.Option(help="API key (never stored or printed).", envvar="OPENAI_API_KEY", show_default=False, rich_help_panel=P)]
ModelOpt = Annotated[str | None, typer.Option(help="Judge model name.", envvar="JUDGE_MODEL", rich_help_panel=P)]
ModeOpt = Annotated[str, typer.Option(help="Structured-output mode: tools, json_schema, json (json_object; llama.cpp) or md_json.", rich_help_panel=P)]
TemperatureOpt = Annotated[float, typer.Option(help="Sampling temperature.", rich_help_panel=P)]
MaxTokensOpt = Annotated[int, typer.Option(help="Max completion tokens per call.", rich_help_panel=P)]
TimeoutOpt = Annotated[float, typer.Option(help="Seconds per attempt.", rich_help_panel=P)]
ConcurrencyOpt = Annotated[int, typer.Option(help="Concurrent LLM calls.", min=1, rich_help_panel=P)]
MaxRetriesOpt = Annotated[int, typer.Option(help="Retries on 429/5xx/timeouts (honouring Retry-After).", min=0, rich_help_panel=P)]
MaxTotalTokensOpt = Annotated[int | None, typer.Option(help="Token budget: stop cleanly when spent.", rich_help_panel=P)]
MaxCostOpt = Annotated[float | None, typer.Option(help="Cost budget (with the prices below): stop cleanly when spent.", rich_help_panel=P)]
PromptPriceOpt = Annotated[float, typer.Option(help="Price per 1k prompt tokens, for the cost estimate.", rich_help_panel=P)]
CompletionPriceOpt = Annotated[float, typer.Option(help="Price per 1k completion tokens.", rich_help_panel=P)]


def _llm_settings(**kwargs) -> LLMSettings:
    try:
        return LLMSettings(**kwargs)
    except ValidationError as e:
        raise _fail(f"invalid LLM option: {e.errors()[0]['loc'][0]}: {e.errors()[0]['msg']}") from None


DECISION_STYLE = {"approved": "green", "rejected": "red", "needs_review": "yellow", "error": "magenta"}


@app.command()
def gate(
    input: Annotated[Path, typer.Argument(help="Candidates as JSONL (one per line) or CSV (keywords separated by '|').")],
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file, or a shipped policy name (default, strict).")] = "default",
    db: DbOpt = Path(DEFAULT_DB),
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the run's verdicts as JSON.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML, one test case per candidate.")] = None,
    approved_out: Annotated[Path | None, typer.Option("--approved-out", help="Write only approved records, unchanged.")] = None,
    summary_md: Annotated[Path | None, typer.Option("--summary-md", help="Write a short Markdown summary (for a CI job summary).")] = None,
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Record the LLM rubric stage as skipped.")] = False,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = "tools",
    temperature: TemperatureOpt = 0.0,
    max_tokens: MaxTokensOpt = 600,
    timeout: TimeoutOpt = 30.0,
    concurrency: ConcurrencyOpt = 16,
    max_retries: MaxRetriesOpt = 3,
    max_total_tokens: MaxTotalTokensOpt = None,
    max_cost: MaxCostOpt = None,
    prompt_price: PromptPriceOpt = 0.0,
    completion_price: CompletionPriceOpt = 0.0,
    store_prompts: Annotated[bool, typer.Option(help="Store rendered prompts, not only their hashes.", rich_help_panel="LLM judges")] = False,
    batch_size: Annotated[int | None, typer.Option(help="Candidates per batch and store transaction (default 512; 128 with LLM judges).", min=1)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the final line.")] = False,
) -> None:
    """Gate a file of candidates; exit 0 if the batch passes the policy's CI thresholds, 1 if not, 2 on usage errors."""
    llm = _llm_settings(
        base_url=base_url, api_key=api_key, model=model, mode=mode, temperature=temperature, max_tokens=max_tokens,
        timeout=timeout, concurrency=concurrency, max_retries=max_retries, max_total_tokens=max_total_tokens,
        max_cost=max_cost, prompt_price_per_1k=prompt_price, completion_price_per_1k=completion_price,
    )
    try:
        pol = load_policy(policy)
        store = _open_store(db)
        engine = Gate(pol, store, batch_size=batch_size, skip_llm=skip_llm, llm=llm, store_prompts=store_prompts)
        if not input.is_file():
            raise _fail(f"{input}: no such input file")
        use_bar = out.is_terminal and not quiet
        if use_bar:
            total = sum(1 for line in input.open("rb") if line.strip()) if input.suffix.lower() != ".csv" else None
            with Progress(
                TextColumn("gating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=out, transient=True
            ) as bar:
                task = bar.add_task("gate", total=total)
                result = engine.run(input, on_progress=lambda n: bar.advance(task, n))
        else:
            result = engine.run(input)
    except JudgeError as e:
        raise _fail(str(e)) from None

    for message in result.input_errors[:20]:
        err.print(f"[magenta]input error:[/] {message}", highlight=False)
    if len(result.input_errors) > 20:
        err.print(f"[magenta]... and {len(result.input_errors) - 20} more input errors[/]")
    for check_id, detail in result.unavailable.items():
        err.print(f"[bold yellow]WARNING: check {check_id!r} is UNAVAILABLE:[/] {detail}", highlight=False)

    if json_out:
        write_json(store, result.run, json_out)
    if junit:
        write_junit(store, result.run, junit)
    if approved_out:
        write_approved(store, result.run, approved_out)
    if summary_md:
        write_summary_md(store, result.run, summary_md)

    c = result.counts
    if not quiet:
        table = Table(title=f"run {result.run.id}" + (" (resumed)" if result.resumed else ""), show_edge=False)
        for name in ("approved", "rejected", "needs_review", "error"):
            table.add_column(name, style=DECISION_STYLE[name], justify="right")
        table.add_row(*(str(c.get(k, 0)) for k in ("approved", "rejected", "needs_review", "error")))
        out.print(table)
        out.print(f"policy {pol.id}@{pol.version}; {result.evaluated} checked, {result.reused} reused from the store", highlight=False)
        if result.llm is not None:
            l = result.llm
            out.print(f"LLM judges ({model}): {l['calls']} calls, {l['cache_hits']} cached, {l['tokens']:,} tokens, cost {l['cost']:.4f}", highlight=False)
        elif engine.llm_state == "skipped":
            out.print("LLM judges: skipped (--skip-llm)")
    if result.ci.passed:
        out.print("[bold green]PASS[/] the batch meets the policy's CI thresholds")
    else:
        out.print("[bold red]FAIL[/] " + "; ".join(result.ci.reasons), highlight=False)
        raise typer.Exit(1)


@app.command()
def runs(
    db: DbOpt = Path(DEFAULT_DB),
    limit: Annotated[int, typer.Option(help="How many runs to list, newest first.", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List stored runs, newest first."""
    import json

    store = _open_store(db)
    if as_json:
        sys.stdout.write(json.dumps([run_summary(r) for r in store.runs(limit)], indent=2) + "\n")
        return
    table = Table(show_edge=False)
    for col in ("run", "started", "status", "policy", "input"):
        table.add_column(col, no_wrap=col in ("run", "status"))
    for col in ("approved", "rejected", "needs_review", "error"):
        table.add_column(col, justify="right", style=DECISION_STYLE[col])
    for r in store.runs(limit):
        c = r.counts
        table.add_row(
            r.id,
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.status,
            f"{r.policy_id}@{r.policy_version}",
            Path(r.input_path).name,
            *(str(c.get(k, "")) for k in ("approved", "rejected", "needs_review", "error")),
        )
    out.print(table)


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="Candidate id, or a content-hash prefix (8+ hex digits).")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest verdict for it).")] = None,
    db: DbOpt = Path(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show one candidate's verdict, findings and provenance."""
    import json

    store = _open_store(db)
    v = store.find_verdict(ref, run)
    if v is None:
        raise _fail(f"no verdict for {ref!r}" + (f" in run {run}" if run else ""))
    r = v.row
    judgements, calls = store.judge_trail(r.run_id, r.line)
    if as_json:
        data = r.model_dump(mode="json") | {
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in v.findings],
            "judgements": [j.model_dump(mode="json", exclude={"id", "run_id"}) for j in judgements],
            "judge_calls": [c.model_dump(mode="json", exclude={"id", "run_id", "prompt"}) for c in calls],
        }
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    style = DECISION_STYLE.get(r.decision, "white")
    out.print(Text.assemble((f"{r.candidate_id or 'line ' + str(r.line)}  ", "bold"), (r.decision, f"bold {style}")))
    out.print(f"run {r.run_id}, line {r.line}; content {r.content_hash}", highlight=False)
    out.print(f"policy {r.policy_id}@{r.policy_version} ({r.policy_hash[:12]}); code {r.code_version}", highlight=False)
    if r.reused_from:
        out.print(f"reused from stored verdict #{r.reused_from}")
    if r.error:
        out.print(f"[magenta]{r.error}[/]", highlight=False)
    if v.findings:
        table = Table(show_edge=False)
        for col in ("severity", "check", "field", "text", "message"):
            table.add_column(col)
        for f in v.findings:
            table.add_row(f.severity.value, f.check, f.field or "", Text(f.text or ""), Text(f.message))
        out.print(table)
    else:
        out.print("no findings")
    if judgements:
        table = Table(title="LLM judgements", show_edge=False)
        for col in ("rubric", "criterion", "outcome", "votes", "agreement", "reason"):
            table.add_column(col)
        for j in judgements:
            style = {"pass": "green", "fail": "red"}.get(j.outcome, "yellow")
            agreement = "" if j.agreement is None else f"{j.agreement:.2f}"
            table.add_row(f"{j.rubric_id}@{j.rubric_version}", j.criterion_id, Text(j.outcome, style=style), str(j.votes), agreement, Text(j.reason or ""))
        out.print(table)
    for c in calls:
        source = f"cached from call #{c.cached_from}" if c.cached_from else f"{c.attempts} attempt(s), {c.latency_ms:.0f} ms"
        out.print(f"call: {c.rubric_id}@{c.rubric_version} model {c.model} sample {c.sample}: {c.status}, {source}, "
                  f"{c.prompt_tokens}+{c.completion_tokens} tokens, prompt {c.prompt_hash[:12]}" + (f"; {c.error}" if c.error else ""), highlight=False)


@app.command()
def checks(
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file or shipped name.")] = "default",
) -> None:
    """List the rule checks, whether the policy enables them, and whether they can run here."""
    from judge.rules.checks import CheckContext, CheckSuite

    try:
        pol = load_policy(policy)
        suite = CheckSuite(pol.checks, CheckContext(pol.base_dir))
        statuses = suite.statuses
    except JudgeError as e:
        raise _fail(str(e)) from None
    table = Table(title=f"policy {pol.id}@{pol.version}", show_edge=False)
    for col in ("check", "enabled", "status", "description"):
        table.add_column(col)
    for check_id, cls in REGISTRY.items():
        st = statuses.get(check_id)
        status = "-" if st is None else ("[green]ok[/]" if st.available else f"[yellow]unavailable[/]: {st.detail}")
        table.add_row(check_id, "yes" if st else "no", status, cls.description)
    out.print(table)


@app.command()
def report(
    run: Annotated[str | None, typer.Argument(help="Run id (default: the latest run).")] = None,
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the HTML file.")] = Path("reports/report.html"),
    baseline: Annotated[str | None, typer.Option("--baseline", help="Compare with this run.")] = None,
    max_items: Annotated[int, typer.Option(help="Cap on item rows (the least approved first).", min=1)] = 2000,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Write a self-contained HTML quality report of a run (no network needed to view it)."""
    from judge.surfaces.report import write_report

    store = _open_store(db)
    r = store.get_run(run)
    if r is None:
        raise _fail("no such run" if run else "the store has no runs")
    base = None
    if baseline:
        base = store.get_run(baseline)
        if base is None:
            raise _fail(f"no baseline run {baseline!r}")
    path = write_report(store, r, out_path, base, max_items)
    out.print(f"report: {path} ({path.stat().st_size / 1024:.0f} KiB)", highlight=False)


@app.command(name="summary")
def summary_cmd(
    run: Annotated[str | None, typer.Argument(help="Run id (default: the latest run).")] = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Print a stored run's summary and provenance as JSON."""
    import json

    store = _open_store(db)
    r = store.get_run(run)
    if r is None:
        raise _fail("no such run" if run else "the store has no runs")
    sys.stdout.write(json.dumps(run_summary(r), indent=2) + "\n")


review_app = typer.Typer(help="Work through rejected and needs-review content; decisions stick across runs.", no_args_is_help=True)
app.add_typer(review_app, name="review")
RunOpt = Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run).")]


def _review_call(fn, *args, **kwargs):
    from judge.surfaces.review import ReviewError

    try:
        return fn(*args, **kwargs)
    except ReviewError as e:
        raise _fail(str(e)) from None


def _highlighted(text: str, spans: list[tuple[int, int]]) -> Text:
    t = Text(text)
    for a, b in spans:
        t.stylize("bold white on red", a, b)
    return t


@review_app.command("list")
def review_list(
    run: RunOpt = None,
    decision: Annotated[list[str] | None, typer.Option("--decision", help="rejected, needs_review or approved (repeatable).")] = None,
    check: Annotated[str | None, typer.Option("--check", help="Only items with a finding of this check (e.g. terms, rubric:brand_safety).")] = None,
    placement: Annotated[str | None, typer.Option("--placement", help="Only this placement.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.", min=1)] = 200,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """List the items of a run that need a human (rejected and needs_review by default)."""
    from judge.surfaces import review as rv
    from judge.models import Decision

    store = _open_store(db)
    r = _review_call(rv.latest_run, store, run)
    try:
        wanted = tuple(Decision(d) for d in decision) if decision else rv.PENDING
    except ValueError:
        raise _fail(f"--decision must be one of {[d.value for d in Decision]}") from None
    items = rv.list_items(store, r, wanted, check, placement)
    table = Table(title=f"run {r.id}: {len(items)} item(s)", show_edge=False)
    for col in ("id", "decision", "placement", "theme", "findings"):
        table.add_column(col, overflow="fold")
    for it in items[:limit]:
        v = it.verdict
        label = v.row.decision + (" (human)" if v.row.override_id else "")
        top = "; ".join(f"{f.check}: {f.text or f.term or ''}" for f in v.findings if f.severity != "info")[:80]
        table.add_row(it.id, Text(label, style=DECISION_STYLE.get(v.row.decision, "")), it.placement, Text(it.theme), Text(top))
    out.print(table)
    if len(items) > limit:
        out.print(f"... and {len(items) - limit} more (--limit)")


@review_app.command("show")
def review_show(
    ref: Annotated[str, typer.Argument(help="Candidate id (latest run) or content-hash prefix.")],
    run: RunOpt = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Show a candidate with its offending spans highlighted, every finding, judgement and the provenance."""
    from judge.surfaces import review as rv

    store = _open_store(db)
    r = _review_call(rv.latest_run, store, run)
    v = _review_call(rv.resolve, store, ref, r)
    _print_item(store, rv.item(store, v))


def _print_item(store: Store, it) -> None:
    v = it.verdict
    spans: dict[str, list[tuple[int, int]]] = {}
    for f in v.findings:
        if f.field and f.span:
            spans.setdefault(f.field, []).append(f.span)
    out.print(Text.assemble(("placement ", "dim"), it.placement))
    out.print(Text.assemble(("theme     ", "dim"), _highlighted(it.theme, spans.get("theme", []))))
    for i, kw in enumerate(it.keywords):
        out.print(Text.assemble((f"keyword {i} ", "dim"), _highlighted(kw, spans.get(f"keywords[{i}]", []))))
    if v.row.override_id:
        rev = store.review(v.row.override_id)
        if rev:
            out.print(f"[bold]human:[/] {rev.decision} by {rev.reviewer} at {rev.created_at:%Y-%m-%d %H:%M}: {rev.reason}", highlight=False)
            out.print(f"machine decision: {v.row.machine_decision}", highlight=False)
    show(v.row.candidate_id or v.row.content_hash or "", run=v.row.run_id, db=store.path, as_json=False)


def _decide(ref: str, decision: str, reason: str, reviewer: str | None, run: str | None, db: Path) -> None:
    from judge.surfaces import review as rv
    from judge.models import Decision

    store = _open_store(db)
    r = _review_call(rv.latest_run, store, run)
    v = _review_call(rv.resolve, store, ref, r)
    rev = _review_call(rv.record, store, v, Decision(decision), reason, reviewer)
    out.print(f"{decision} {v.row.candidate_id} ({(v.row.content_hash or '')[:12]}) by {rev.reviewer}: sticks for policy "
              f"{v.row.policy_id}@{v.row.policy_version}", highlight=False)


ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (stored with the decision).")]
ReviewerOpt = Annotated[str | None, typer.Option("--reviewer", help="Who (default: the OS user).")]


@review_app.command("approve")
def review_approve(
    ref: Annotated[str, typer.Argument(help="Candidate id (latest run) or content-hash prefix.")],
    reason: ReasonOpt,
    reviewer: ReviewerOpt = None,
    run: RunOpt = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Approve an item: the same content is approved in later runs under this policy version."""
    _decide(ref, "approved", reason, reviewer, run, db)


@review_app.command("reject")
def review_reject(
    ref: Annotated[str, typer.Argument(help="Candidate id (latest run) or content-hash prefix.")],
    reason: ReasonOpt,
    reviewer: ReviewerOpt = None,
    run: RunOpt = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Reject an item: the same content is rejected in later runs under this policy version."""
    _decide(ref, "rejected", reason, reviewer, run, db)


@review_app.command("queue")
def review_queue(
    run: RunOpt = None,
    reviewer: ReviewerOpt = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Go through pending items one by one: [a]pprove, [r]eject, [s]kip, [q]uit. Resumable."""
    from judge.surfaces import review as rv
    from judge.models import Decision

    store = _open_store(db)
    r = _review_call(rv.latest_run, store, run)
    items = rv.list_items(store, r, only_unreviewed=True)
    if not items:
        out.print("nothing to review")
        return
    done = 0
    for n, it in enumerate(items, 1):
        out.rule(f"{n}/{len(items)}")
        _print_item(store, it)
        out.print("[bold][a][/]pprove  [bold][r][/]eject  [bold][s][/]kip  [bold][q][/]uit ? ", end="")
        key = typer.getchar().lower()
        out.print(key)
        if key == "q":
            break
        if key not in ("a", "r"):
            continue
        reason = typer.prompt("reason")
        rv.record(store, it.verdict, Decision.APPROVED if key == "a" else Decision.REJECTED, reason, reviewer)
        done += 1
    out.print(f"{done} decision(s) recorded; {len(items) - done} left or skipped")


labels_app = typer.Typer(help="Human labels for calibration.", no_args_is_help=True)
app.add_typer(labels_app, name="labels")


@labels_app.command("import")
def labels_import(
    file: Annotated[Path, typer.Argument(help="JSONL or CSV: content_hash | id | the candidate, target (check or criterion), label pass|fail, labeller, note.")],
    labeller: Annotated[str | None, typer.Option(help="Labeller for rows that name none.")] = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Import human labels (several labellers per item are fine; review decisions count as labels too)."""
    from judge.surfaces.calibration import import_labels

    if not file.is_file():
        raise _fail(f"{file}: no such file")
    added, errors = import_labels(_open_store(db), file, labeller=labeller)
    for e in errors[:20]:
        err.print(f"[magenta]label error:[/] {e}", highlight=False)
    out.print(f"{added} label(s) imported" + (f", {len(errors)} row(s) rejected" if errors else ""))
    if errors and not added:
        raise typer.Exit(1)


@app.command()
def calibrate(
    run: Annotated[str | None, typer.Option("--run", help="Measure a stored run (default: gate the shipped labelled examples).")] = None,
    labels: Annotated[list[Path] | None, typer.Option("--labels", help="Import these label files first (repeatable).")] = None,
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file or shipped name.")] = "default",
    probes: Annotated[bool, typer.Option(help="Run the repeat, position and injection probes (needs an endpoint).")] = True,
    repeat: Annotated[int, typer.Option(help="Samples per rubric for the repeat probe.", min=2)] = 3,
    target_recall: Annotated[float, typer.Option(help="Recall of bad content the threshold sweep aims for.")] = 0.9,
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Rules only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON on standard output.")] = False,
    db: DbOpt = Path(DEFAULT_DB),
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = "tools",
    concurrency: ConcurrencyOpt = 16,
    timeout: TimeoutOpt = 30.0,
    temperature: TemperatureOpt = 0.0,
) -> None:
    """Agreement of every check and rubric criterion with human labels: confusion matrix, precision and
    recall of rejection, Cohen's kappa with a bootstrap interval, inter-annotator kappa, threshold sweep; probes."""
    import json as _json

    from judge.surfaces.calibrate_run import run_calibration

    store = _open_store(db)
    llm = _llm_settings(base_url=base_url, api_key=api_key, model=model, mode=mode, concurrency=concurrency, timeout=timeout, temperature=temperature)
    try:
        result = run_calibration(
            store, load_policy(policy), llm=llm, run_id=run, label_files=labels or [], skip_llm=skip_llm,
            probes=probes, repeat=repeat, target_recall=target_recall,
        )
    except JudgeError as e:
        raise _fail(str(e)) from None
    if as_json:
        sys.stdout.write(_json.dumps(result, indent=2, default=str) + "\n")
        return
    _print_calibration(result)


def _print_calibration(result: dict) -> None:
    def f(x, pct=False):
        if x is None:
            return "-"
        return f"{100 * x:.0f}%" if pct else f"{x:.2f}"

    table = Table(title=f"calibration on run {result['run_id']} ({result['labels']} labels)", show_edge=False)
    for col in ("target", "n", "base rate", "TP/FP/TN/FN", "acc", "prec", "recall", "kappa [95% CI]", "IAA", "may block", "sweep"):
        table.add_column(col, justify="left" if col in ("target", "may block", "sweep") else "right")
    for m in result["metrics"]:
        ci = m["kappa_ci"]
        kappa = f(m["kappa"]) + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")
        sw = (m.get("sweep") or {}).get("suggested")
        sweep_txt = f">= {sw['threshold']} (recall {f(sw['recall'], True)}, FRR {f(sw['false_rejection_rate'], True)})" if sw else ""
        trust = m.get("may_block")
        table.add_row(
            m["target"], str(m["n"]), f(m["base_rate"], True), f"{m['tp']}/{m['fp']}/{m['tn']}/{m['fn']}",
            f(m["accuracy"], True), f(m["precision"], True), f(m["recall"], True), kappa, f(m["inter_annotator_kappa"]),
            "" if trust is None else ("yes" if trust else f"no: {m.get('why', '')}"), sweep_txt,
        )
    out.print(table)
    for p in result.get("probes", []):
        if p["probe"] == "injection":
            out.print(f"injection probe: the judge approved {p['judge_approved']} of {p['n']} (target 0); "
                      f"the rule tier flagged {100 * p['rule_tier_flag_rate']:.0f}%", highlight=False)
        elif p["probe"] == "repeat":
            rates = ", ".join(f"{k} {100 * v:.0f}%" for k, v in p["flip_rate"].items() if v) or "none"
            out.print(f"repeat probe (k={p['k']}, {p['n']} items): flips: {rates}", highlight=False)
        elif p["probe"] == "position":
            rate = "-" if p["change_rate"] is None else f"{100 * p['change_rate']:.0f}%"
            out.print(f"position probe: page verdict changed with order in {rate} of {p['n']} shuffles", highlight=False)
    for note in result.get("notes", []):
        out.print(f"[yellow]{note}[/]", highlight=False)


catalog_app = typer.Typer(help="The product catalog: load it, search it (BM25).", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("load")
def catalog_load(
    file: Annotated[Path, typer.Argument(help="CSV (with header) or JSONL: id, title, brand, category, aisle, department, popularity, available; or Instacart's products.csv.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, generic or instacart.")] = "auto",
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Load (upsert) a product catalog and rebuild its full-text index. Bad rows are reported and skipped."""
    from judge.cascade import catalog

    try:
        result = catalog.load(_open_store(db), file, fmt)
    except JudgeError as e:
        raise _fail(str(e)) from None
    for e in result.errors[:20]:
        err.print(f"[magenta]catalog row skipped:[/] {e}", highlight=False)
    if len(result.errors) > 20:
        err.print(f"... and {len(result.errors) - 20} more")
    out.print(f"{result.loaded:,} products loaded ({len(result.errors)} skipped); the catalog holds {result.total:,}")


@catalog_app.command("search")
def catalog_search(
    query: Annotated[str, typer.Argument(help="A keyword, as the storefront would search it.")],
    k: Annotated[int, typer.Option("-k", help="How many products.", min=1)] = 10,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Top-k products for a keyword by BM25."""
    from judge.cascade import catalog

    table = Table(show_edge=False)
    for col in ("id", "title", "aisle", "department", "bm25"):
        table.add_column(col)
    for p in catalog.search(_open_store(db), query, k):
        table.add_row(p.id, Text(p.title), p.aisle or "", p.department or "", f"{p.bm25:.2f}")
    out.print(table)


storefront_app = typer.Typer(help="Build storefront pages with the gated cascade.", no_args_is_help=True)
app.add_typer(storefront_app, name="storefront")


@storefront_app.command("build")
def storefront_build(
    placements: Annotated[Path, typer.Option("--placements", help="JSONL: id, page, context (audience, season, notes, allowed/blocked categories), keywords (count).")],
    catalog_db: Annotated[Path, typer.Option("--catalog-db", help="Store holding the catalog (judge catalog load); verdicts go there too.", envvar="JUDGE_DB")] = Path(DEFAULT_DB),
    out_path: Annotated[Path, typer.Option("--out", help="Where to write storefront.json (candidates.jsonl goes beside it).")] = Path("storefront.json"),
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file or shipped name.")] = "default",
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Offline generator and rule tier only.")] = False,
    vocabulary: Annotated[Path | None, typer.Option(help="Allowed keywords, one per line: generated keywords snap to it or are dropped.")] = None,
    backfill: Annotated[str, typer.Option(help="When a placement's candidates fail: next (try the next, then drop), fallback (also try a fallback theme), drop.")] = "next",
    candidates: Annotated[int, typer.Option(help="Candidates generated per placement.", min=1)] = 2,
    role: Annotated[str, typer.Option(help="Generator role recorded in provenance: teacher or student.")] = "teacher",
    k: Annotated[int, typer.Option("-k", help="Products retrieved per keyword.", min=1)] = 20,
    min_products: Annotated[int, typer.Option(help="Products a placement needs in all.", min=0)] = 6,
    min_per_keyword: Annotated[int, typer.Option(help="Products each keyword must retrieve.", min=0)] = 1,
    min_precision: Annotated[float, typer.Option(help="Share of theme-relevant products needed in the top 10.")] = 0.3,
    w_ranker: Annotated[float, typer.Option(help="Weight of the popularity ranker in the fusion (retrieval weighs 1).")] = 0.5,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    mode: ModeOpt = "tools",
    concurrency: ConcurrencyOpt = 16,
) -> None:
    """Generate candidates for each placement, gate them, retrieve and rank products for approved ones."""
    from judge.rules.checks.vocabulary import load_vocabulary
    from judge.cascade.storefront import StorefrontConfig, build, read_placements

    if backfill not in ("next", "fallback", "drop"):
        raise _fail("--backfill must be next, fallback or drop")
    llm = _llm_settings(base_url=base_url, api_key=api_key, model=model, mode=mode, concurrency=concurrency)
    cfg = StorefrontConfig(candidates_per_placement=candidates, backfill=backfill, role=role, k=k, min_products=min_products,
                           min_per_keyword=min_per_keyword, min_precision=min_precision, w_ranker=w_ranker)
    try:
        vocab = list(load_vocabulary(vocabulary.resolve())[1]) if vocabulary else None
        specs = read_placements(placements)
        store = _open_store(catalog_db)
        sf = build(store, specs, load_policy(policy), out_path.parent, cfg=cfg, llm=llm if llm.configured and not skip_llm else None,
                   skip_llm=skip_llm or not llm.configured, vocabulary=vocab)
    except JudgeError as e:
        raise _fail(str(e)) from None
    if out_path.name != "storefront.json":
        (out_path.parent / "storefront.json").replace(out_path)
    _print_storefront(sf)
    out.print(f"storefront: {out_path}", highlight=False)


def _print_storefront(sf: dict) -> None:
    table = Table(title=f"storefront (gate run {sf['run_id']}, LLM judges: {sf['llm_judges']})", show_edge=False)
    for col in ("page", "placement", "theme", "keywords", "products", "precision@k"):
        table.add_column(col, overflow="fold")
    for page in sf["pages"]:
        for pl in page["placements"]:
            table.add_row(page["page"], pl["placement"] + (" (backfilled)" if pl["backfilled"] else ""), Text(pl["theme"]),
                          Text(", ".join(pl["keywords"])), str(pl["checks"]["products"]), f"{pl['checks']['precision_at_k']:.0%}")
        for d in page["dropped"]:
            table.add_row(page["page"], Text(d["placement"] + " (dropped)", style="red"), Text("; ".join(d["reasons"])[:160]), "", "", "")
    out.print(table)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for judge.db, storefront.json, reports/ and the sample data.")] = Path("."),
) -> None:
    """Run the whole cascade offline on sample data it writes itself (no key, no network)."""
    from judge.surfaces.demo import run as run_demo

    try:
        r = run_demo(out_dir)
    except JudgeError as e:
        raise _fail(str(e)) from None
    bad = r["bad_run"]
    out.print(f"deliberately bad candidates: {bad.counts['rejected']} rejected, {bad.counts['needs_review']} sent to review, "
              f"{bad.counts['approved']} approved", highlight=False)
    _print_storefront(r["storefront_data"])
    out.print(f"store: {r['db']}\nstorefront: {r['storefront']}\nreport: {r['report']}", highlight=False)


distill_app = typer.Typer(help="Teacher and student: fine-tuning data from approved content.", no_args_is_help=True)
app.add_typer(distill_app, name="distill")


@distill_app.command("export")
def distill_export(
    out_path: Annotated[Path, typer.Option("--out", help="Chat-format JSONL to write.")],
    run: Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run).")] = None,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Write the approved candidates of a run, with the prompts that would produce them, as fine-tuning JSONL."""
    from judge.cascade.distill import export

    store = _open_store(db)
    r = store.get_run(run)
    if r is None:
        raise _fail("no such run" if run else "the store has no runs")
    written, skipped = export(store, r, out_path)
    out.print(f"{written} approved example(s) written to {out_path}" + (f"; {skipped} skipped (not JSONL input)" if skipped else ""), highlight=False)


@app.command()
def compare(
    run_a: Annotated[str, typer.Argument(help="First run (e.g. the teacher's candidates).")],
    run_b: Annotated[str, typer.Argument(help="Second run (e.g. the student's candidates).")],
    storefront_a: Annotated[Path | None, typer.Option(help="storefront.json built from run A (for product precision).")] = None,
    storefront_b: Annotated[Path | None, typer.Option(help="storefront.json built from run B.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOpt = Path(DEFAULT_DB),
) -> None:
    """Compare two generators' runs: approval rate, per check and criterion, product precision, latency, tokens."""
    import json as _json

    from judge.cascade.distill import compare as do_compare

    store = _open_store(db)
    a, b = store.get_run(run_a), store.get_run(run_b)
    if a is None or b is None:
        raise _fail(f"no run {run_a if a is None else run_b!r}")
    result = do_compare(store, a, b, storefront_a, storefront_b)
    if as_json:
        sys.stdout.write(_json.dumps(result, indent=2, default=str) + "\n")
        return
    pa, pb = result["a"], result["b"]
    table = Table(title=f"A = {a.id}   B = {b.id}", show_edge=False)
    for col in ("measure", "A", "B", "B - A"):
        table.add_column(col, justify="left" if col == "measure" else "right")

    def row(name: str, x, y, pct: bool = True) -> None:
        def fmt(v) -> str:
            return "-" if v is None else (f"{100 * v:.1f}%" if pct else f"{v:,.1f}")

        delta = "-" if x is None or y is None else (f"{100 * (y - x):+.1f} pts" if pct else f"{y - x:+,.1f}")
        table.add_row(name, fmt(x), fmt(y), delta)

    table.add_row("generators", Text(", ".join(pa["generators"])), Text(", ".join(pb["generators"])), "")
    row("approval rate", pa["approval_rate"], pb["approval_rate"])
    for check in sorted(set(pa["check_failure_rate"]) | set(pb["check_failure_rate"])):
        row(f"fails {check}", pa["check_failure_rate"].get(check, 0.0), pb["check_failure_rate"].get(check, 0.0))
    for crit in sorted(set(pa["criterion_pass_rate"]) | set(pb["criterion_pass_rate"])):
        row(f"passes {crit}", pa["criterion_pass_rate"].get(crit), pb["criterion_pass_rate"].get(crit))
    row("product precision@k", pa.get("product_precision_at_k"), pb.get("product_precision_at_k"))
    row("judge latency ms", pa["judge_latency_ms"], pb["judge_latency_ms"], pct=False)
    row("judge tokens", pa["judge_tokens"], pb["judge_tokens"], pct=False)
    out.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
