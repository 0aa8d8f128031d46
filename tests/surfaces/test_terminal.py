"""Stored text never drives the terminal, and the review list pages in SQL."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from judge.cli import app
from tests.conftest import cand, write_jsonl

runner = CliRunner()
EVIL_ID = "x\x1b[31mred\x1b[0m\x07"
EVIL_THEME = "Damn \x1b]0;owned\x07 tacos\r\x1b[2K\u202eevil"  # a title change, a line wipe, a bidi override


def test_control_characters_are_shown_never_obeyed(tmp_path: Path, no_toxicity_policy: Path):
    db = tmp_path / "j.db"
    p = write_jsonl(tmp_path / "in.jsonl", [cand(EVIL_ID, EVIL_THEME, ["salsa\x1b[8m"])])
    runner.invoke(app, ["gate", str(p), "--skip-llm", "--policy", str(no_toxicity_policy), "--db", str(db), "-q"])
    outputs = {
        "show": runner.invoke(app, ["show", EVIL_ID, "--db", str(db)]),
        "review show": runner.invoke(app, ["review", "show", EVIL_ID, "--db", str(db)]),
        "review list": runner.invoke(app, ["review", "list", "--decision", "approved", "--decision", "needs_review",
                                           "--decision", "rejected", "--db", str(db)]),
        "runs": runner.invoke(app, ["runs", "--db", str(db)]),
    }
    for name, res in outputs.items():
        assert res.exit_code == 0, (name, res.output)
        for raw in ("\x1b", "\x07", "\r", "\u202e"):
            assert raw not in res.output, (name, raw, res.output)
    assert "x␛[31mred" in outputs["show"].output and "x␛[31mred" in outputs["review list"].output
    assert "␛]0;owned␇" in outputs["review show"].output


def test_review_list_filters_and_pages_in_the_store(tmp_path: Path, no_toxicity_policy: Path):
    db = tmp_path / "j.db"
    rows = [cand(f"c{i:03}", "Pantry staples" if i % 3 else "Buy now, limited time, lose 10 lbs", placement=f"p{i % 2}")
            for i in range(300)]
    gated = runner.invoke(app, ["gate", str(write_jsonl(tmp_path / "in.jsonl", rows)), "--skip-llm", "--policy",
                                str(no_toxicity_policy), "--db", str(db), "-q"])
    assert gated.exit_code in (0, 1), gated.output
    res = runner.invoke(app, ["review", "list", "--limit", "7", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "run " in res.output and ": 100 item(s)" in res.output and "... and 93 more" in res.output, res.output
    assert len(re.findall(r"\bc\d{3}\b", res.output)) == 7  # candidate ids (a run id's hex may hold "c2" too)
    only = runner.invoke(app, ["review", "list", "--placement", "p1", "--check", "claims", "--db", str(db)])
    assert ": 50 item(s)" in only.output
    none = runner.invoke(app, ["review", "list", "--check", "clai", "--db", str(db)])  # a prefix is not a check
    assert ": 0 item(s)" in none.output
