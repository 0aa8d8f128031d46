"""Review CLI and sticky human overrides."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from judge import Store, load_policy
from judge.cli import app
from tests.conftest import cand, write_jsonl

runner = CliRunner()
ROWS = [
    cand("ok", "Cozy soup season", ["chicken broth", "egg noodles"]),
    cand("comp", "Better than Walmart prices", ["paper towels", "dish soap"]),
    cand("prof", "Sh1t-hot sauces", ["hot sauce", "sriracha"]),
]


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def gate(p: Path, db: Path, policy: Path):
    invoke("gate", str(p), "--db", str(db), "--policy", str(policy), "--json", str(db.parent / "v.json"))
    return {it["id"]: it["decision"] for it in json.loads((db.parent / "v.json").read_text())["items"]}


def test_list_show_and_sticky_approve_across_runs(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", ROWS)
    assert gate(p, db, no_toxicity_policy) == {"ok": "approved", "comp": "needs_review", "prof": "rejected"}
    res = invoke("review", "list", "--db", str(db))
    assert res.exit_code == 0 and "comp" in res.output and "prof" in res.output and " ok " not in res.output
    res = invoke("review", "list", "--db", str(db), "--check", "terms", "--decision", "needs_review")
    assert "comp" in res.output and "prof" not in res.output
    res = invoke("review", "show", "comp", "--db", str(db))
    assert res.exit_code == 0 and "Walmart" in res.output and "competitor" in res.output
    res = invoke("review", "approve", "comp", "--reason", "a factual price comparison", "--reviewer", "ana", "--db", str(db))
    assert res.exit_code == 0 and "sticks" in res.output
    # the same content in a later run (even under another id, in another file) gets the human decision
    p2 = write_jsonl(tmp_path / "in2.jsonl", [{**ROWS[1], "id": "comp-again"}, ROWS[2]])
    assert gate(p2, db, no_toxicity_policy) == {"comp-again": "approved", "prof": "rejected"}
    store = Store(db)
    v = store.find_verdict("comp-again")
    assert v is not None and v.row.override_id is not None and v.row.machine_decision == "needs_review"
    (review,) = store.reviews(v.row.content_hash or "")
    assert (review.reviewer, review.decision, review.reason) == ("ana", "approved", "a factual price comparison")


def test_a_new_policy_version_invalidates_overrides_and_history_is_kept(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", ROWS)
    gate(p, db, no_toxicity_policy)
    invoke("review", "approve", "comp", "--reason", "fine", "--db", str(db))
    invoke("review", "reject", "comp", "--reason", "on second thought, no", "--db", str(db))
    assert gate(p, db, no_toxicity_policy)["comp"] == "rejected"  # the newest decision wins
    store = Store(db)
    assert [r.decision for r in store.reviews(store.find_verdict("comp").row.content_hash)] == ["approved", "rejected"]
    bumped = tmp_path / "bumped.yaml"
    bumped.write_text(re.sub(r'(?m)^version: ".*"$', 'version: "2099.1.0"', no_toxicity_policy.read_text(), count=1))
    assert load_policy(bumped).version == "2099.1.0"
    assert gate(p, db, bumped)["comp"] == "needs_review"  # a policy change asks the human again


def test_queue_is_interactive_and_resumable(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", ROWS)
    gate(p, db, no_toxicity_policy)
    res = runner.invoke(app, ["review", "queue", "--db", str(db), "--reviewer", "bo"], input="a" + "looks fine\n" + "q")
    assert res.exit_code == 0, res.output
    assert "1 decision(s) recorded" in res.output
    res = runner.invoke(app, ["review", "queue", "--db", str(db)], input="s")
    assert "0 decision(s) recorded" in res.output and "1/1" in res.output  # only the undecided one is left
    res = runner.invoke(app, ["review", "queue", "--db", str(db)], input="r" + "profanity\n")
    assert "1 decision(s) recorded" in res.output
    assert "nothing to review" in runner.invoke(app, ["review", "queue", "--db", str(db)]).output


def test_review_errors_are_clear(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    assert invoke("review", "list", "--db", str(db)).exit_code == 2  # no runs yet
    p = write_jsonl(tmp_path / "in.jsonl", ROWS)
    gate(p, db, no_toxicity_policy)
    res = invoke("review", "approve", "nope", "--reason", "x", "--db", str(db))
    assert res.exit_code == 2 and "no candidate 'nope'" in res.output
    res = invoke("review", "approve", "comp", "--reason", "  ", "--db", str(db))
    assert res.exit_code == 2 and "reason" in res.output


def test_summary_markdown(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", ROWS)
    md = tmp_path / "summary.md"
    invoke("gate", str(p), "--db", str(db), "--policy", str(no_toxicity_policy), "--summary-md", str(md))
    text = md.read_text()
    assert "PASS" in text and "| 1 | 1 | 1 | 0 |" in text and "terms" in text
