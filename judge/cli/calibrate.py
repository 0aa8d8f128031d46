"""`judge labels import` and `judge calibrate`: how far the checks and judges agree with humans."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from judge.cli import common as c
from judge.cli.common import err, out
from judge.cli.render import T, calibration_table, probe_lines
from judge.policy import load_policy
from judge.surfaces.calibrate_run import run_calibration
from judge.surfaces.calibration import import_labels

labels_app = typer.Typer(help="Human labels for calibration.", no_args_is_help=True)


@labels_app.command("import")
def labels_import(
    file: Annotated[Path, typer.Argument(help="JSONL or CSV: content_hash | id | the candidate, target (check or criterion), label pass|fail, labeller, note.")],
    labeller: Annotated[str | None, typer.Option(help="Labeller for rows that name none.")] = None,
    db: c.DbOpt = c.DEFAULT_DB,
) -> None:
    """Import human labels (several labellers per item are fine; review decisions count as labels too)."""
    if not file.is_file():
        raise c.fail(f"{file}: no such file")
    added, errors = import_labels(c.open_store(db), file, labeller=labeller)
    for e in errors[:20]:
        err.print(T(f"label error: {e}", style="magenta"), soft_wrap=True)
    out.print(f"{added} label(s) imported" + (f", {len(errors)} row(s) rejected" if errors else ""))
    if errors and not added:
        raise typer.Exit(c.EXIT_FAIL)


def calibrate(
    run: Annotated[str | None, typer.Option("--run", help="Measure a stored run (default: gate the shipped labelled examples).")] = None,
    labels: Annotated[list[Path] | None, typer.Option("--labels", help="Import these label files first (repeatable).")] = None,
    policy: c.PolicyOpt = "default",
    probes: Annotated[bool, typer.Option(help="Run the repeat, position and injection probes (needs an endpoint).")] = True,
    repeat: Annotated[int, typer.Option(help="Samples per rubric for the repeat probe.", min=2)] = 3,
    target_recall: Annotated[float, typer.Option(help="Recall of bad content the threshold sweep aims for.")] = 0.9,
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Rules only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole result as JSON on standard output.")] = False,
    db: c.DbOpt = c.DEFAULT_DB,
    base_url: c.BaseUrlOpt = None,
    api_key: c.ApiKeyOpt = None,
    model: c.ModelOpt = None,
    mode: c.ModeOpt = "tools",
    concurrency: c.ConcurrencyOpt = 16,
    timeout: c.TimeoutOpt = 30.0,
    temperature: c.TemperatureOpt = 0.0,
) -> None:
    """Agreement of every check and rubric criterion with human labels: confusion matrix, precision and
    recall of rejection, Cohen's kappa with a bootstrap interval, inter-annotator kappa, threshold sweep; probes."""
    store = c.open_store(db)
    llm = c.llm_settings(base_url=base_url, api_key=api_key, model=model, mode=mode, concurrency=concurrency, timeout=timeout, temperature=temperature)
    result = run_calibration(
        store, load_policy(policy), llm=llm, run_id=run, label_files=labels or [], skip_llm=skip_llm,
        probes=probes, repeat=repeat, target_recall=target_recall,
    )
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, default=str) + "\n")
        return
    out.print(calibration_table(result.to_json()))
    for line in probe_lines(result.to_json()):
        out.print(line, highlight=False)
    for note in result.notes:
        out.print(T(note, style="yellow"))
