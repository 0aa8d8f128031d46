"""The ``judge`` command: parse, call the engine, render. One module per command group;
renderers live in :mod:`judge.cli.render`."""

from __future__ import annotations

import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.text import Text

from judge.cli import calibrate, cascade, gate, review
from judge.cli.common import EXIT_CRASH, err
from judge.redact import redact_text

app = typer.Typer(
    help="Gate LLM-generated storefront themes and keywords before they reach retrieval and ranking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("gate")(gate.gate)
app.command("runs")(gate.runs)
app.command("show")(gate.show)
app.command("checks")(gate.checks)
app.command("report")(gate.report)
app.command("summary")(gate.summary)
app.add_typer(review.app, name="review")
app.add_typer(calibrate.labels_app, name="labels")
app.command("calibrate")(calibrate.calibrate)
app.add_typer(cascade.catalog_app, name="catalog")
app.add_typer(cascade.storefront_app, name="storefront")
app.command("demo")(cascade.demo)
app.add_typer(cascade.distill_app, name="distill")
app.command("compare")(cascade.compare)


def main() -> None:
    """The ``judge`` command. An internal error exits with ``EXIT_CRASH`` (3), never a policy verdict's code."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; run the same command again to resume")
        sys.exit(130)
    except Exception as e:  # a bug, not a verdict: say so, keep the traceback, never exit 1
        log = _crash_log(traceback.format_exc())
        err.print(Text.assemble(("internal error: ", "bold red"), redact_text(f"{type(e).__name__}: {e}")[:500]), soft_wrap=True)
        err.print(Text(f"this is a bug in storefront-judge, not a verdict; the traceback is in {log}. Committed batches "
                       "are kept: the same command resumes the run."), soft_wrap=True)
        sys.exit(EXIT_CRASH)


def _crash_log(text: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = Path(tempfile.gettempdir()) / f"judge-crash-{stamp}.txt"
    try:
        path.write_text(redact_text(text), encoding="utf-8")
    except OSError:
        sys.stderr.write(redact_text(text))
    return path
