"""The ``judge`` command: parse, call the engine, render. One module per command group;
renderers live in :mod:`judge.cli.render`."""

from __future__ import annotations

import typer

from judge.cli import calibrate, cascade, gate, review

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
    app()
