"""The ``judge`` command: parse, call the engine, render. One module per command group;
renderers live in :mod:`judge.cli.render`."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from judge.cli import calibrate, cascade, gate, review
from judge.cli.common import EXIT_CRASH, err, fail, safe
from judge.errors import JudgeError
from judge.redact import redact_text


class JudgeGroup(TyperGroup):
    """Every command's faults end the same way: a ``JudgeError`` is a one-line error and exit 2; anything else
    is a bug, exit 3 with the traceback in a file; neither is ever the policy-FAIL exit 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            err.print("interrupted; committed batches are kept and the same command resumes the run")
            raise typer.Exit(130) from None
        except JudgeError as e:
            raise fail(str(e)) from None
        except Exception as e:
            if type(e).__module__.startswith("typer"):  # usage errors: typer prints them
                raise
            log = _crash_log(traceback.format_exc())
            err.print(Text.assemble(("internal error: ", "bold red"), safe(redact_text(f"{type(e).__name__}: {e}"))[:500]),
                      soft_wrap=True)
            err.print(Text(f"this is a bug in storefront-judge, not a verdict; the traceback is in {log}. Committed "
                           "batches are kept: the same command resumes the run."), soft_wrap=True)
            raise typer.Exit(EXIT_CRASH) from None


def _crash_log(text: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = Path(tempfile.gettempdir()) / f"judge-crash-{stamp}-{os.getpid()}.txt"
    try:
        path.write_text(redact_text(text), encoding="utf-8")
    except OSError:
        sys.stderr.write(redact_text(text))
    return path


app = typer.Typer(
    cls=JudgeGroup,
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
    """The ``judge`` command (exit codes: :mod:`judge.cli.common`)."""
    app()
