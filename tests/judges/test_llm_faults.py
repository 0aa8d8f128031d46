"""Faults around the LLM tier: rate limits that would stall a run, a run-wide deadline, credentials in the
endpoint URL, and the real cause of a failed connection."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from pathlib import Path

import yaml
from typer.testing import CliRunner

from judge.cli import app
from judge.redact import redact_text, redact_url
from tests.conftest import cand, write_jsonl
from tests.judges.test_llm import GOOD, make_policy, run
from tests.llm_server import LLMServer

runner = CliRunner()


def fast_policy(tmp_path: Path) -> Path:
    """One rubric, and no embedding model to load before the first call."""
    path = make_policy(tmp_path, ["theme_quality"])
    data = yaml.safe_load(path.read_text())
    data["checks"]["coherence"]["embeddings"] = "off"
    path.write_text(yaml.safe_dump(data))
    return path


def test_retry_after_3600_cannot_stall_a_run_past_its_deadline(tmp_path: Path):
    rows = [cand(f"c{i}", f"Weeknight flavor builders {i}", ["taco seasoning", "salsa verde"]) for i in range(60)]
    with LLMServer() as srv:
        srv.llm.always = ("status", 429, {"Retry-After": "3600"})
        t0 = time.monotonic()
        result, verdicts, _ = run(tmp_path, srv, rows, policy=fast_policy(tmp_path), deadline=3.0, concurrency=4,
                                  max_retries=10, backoff_max=30)
        took = time.monotonic() - t0
    assert srv.llm.requests  # calls were made, and answered 429 ...
    assert took < 12, f"the run took {took:.1f} s despite a 3 s deadline"
    assert len(verdicts) == 60  # every candidate has a verdict ...
    assert {v.row.decision for v in verdicts.values()} == {"needs_review"}  # ... and none is approved unscored
    assert result.run.status == "stopped" and "deadline" in result.stopped
    assert not result.ci.passed and "deadline" in result.ci.reasons[0]
    assert result.llm["waited_s"] == 0  # no wait could end before the deadline, so none was started
    errors = [e for (e,) in sqlite3.connect(tmp_path / "j.db").execute("SELECT error FROM judge_calls")]
    assert any("HTTP 429" in e and "deadline" in e for e in errors)


def test_waits_do_not_hold_concurrency_slots(tmp_path: Path):
    """One request in a Retry-After wait must not keep the others from being sent."""
    rows = [cand(f"c{i}", f"Pantry staples {i}") for i in range(6)]
    with LLMServer() as srv:
        srv.llm.faults += [("status", 429, {"Retry-After": "1.5"})]
        t0 = time.monotonic()
        result, verdicts, _ = run(tmp_path, srv, rows, policy=fast_policy(tmp_path), concurrency=1, max_retries=2)
        took = time.monotonic() - t0
    assert {v.row.decision for v in verdicts.values()} == {"approved"}
    first_ok = min(r.at for r in srv.llm.requests[1:])
    assert first_ok - srv.llm.requests[0].at < 1.0  # the next request went out while the first one waited
    assert result.llm["waited_s"] >= 1.5 and took >= 1.5


def test_url_credentials_never_reach_the_store_or_the_output(tmp_path: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [GOOD])
    policy = fast_policy(tmp_path)
    with LLMServer() as srv:
        url = srv.base_url.replace("http://", "http://judge-user:hunter2-secret@")
        res = runner.invoke(app, ["gate", str(p), "--policy", str(policy), "--db", str(tmp_path / "j.db"),
                                  "--base-url", url, "--model", "m", "--json", str(tmp_path / "v.json")])
        assert res.exit_code == 0, res.output
        assert srv.llm.requests  # the credentials were used ...
        shown = runner.invoke(app, ["show", "good", "--json", "--db", str(tmp_path / "j.db")])
        summary = runner.invoke(app, ["summary", "--db", str(tmp_path / "j.db")])
    for secret in ("hunter2-secret", "judge-user"):
        for path in [*tmp_path.glob("j.db*"), tmp_path / "v.json"]:
            assert secret.encode() not in path.read_bytes(), (secret, path)  # ... and kept nowhere
        assert secret not in res.output + shown.output + summary.output
    stored = json.loads(shown.output)["judge_calls"][0]["base_url"]
    assert stored.startswith("http://***@127.0.0.1:")


def test_redaction_of_urls_and_text():
    assert redact_url("https://u:p@host:8443/v1?api-key=k1&x=1&token=t") == "https://***@host:8443/v1?api-key=***&x=1&token=***"
    assert redact_url("http://127.0.0.1:8080/v1") == "http://127.0.0.1:8080/v1"
    said = redact_text("POST http://a:b@h/v1 failed; Authorization: Bearer abcdefghijkl; key sk-abcdefghijklmnopqrstu")
    assert "a:b" not in said and "abcdefghijkl" not in said and "sk-abcdefghijklmnopqrstu" not in said


def test_a_refused_connection_is_recorded_as_refused_not_as_a_timeout(tmp_path: Path):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    class Dead:
        base_url = f"http://127.0.0.1:{port}/v1"

    _, verdicts, _ = run(tmp_path, Dead(), [GOOD], policy=fast_policy(tmp_path), max_retries=1, timeout=2.0)  # type: ignore[arg-type]
    assert verdicts["good"].row.decision == "needs_review"
    (error,) = [e for (e,) in sqlite3.connect(tmp_path / "j.db").execute("SELECT error FROM judge_calls")]
    assert error.startswith("connection refused") and "timeout" not in error, error


def test_a_deadline_that_passes_mid_run_gates_the_rest_with_judges_unscored(tmp_path: Path):
    n = 40
    rows = [cand(f"c{i}", f"Pantry staples {i}") for i in range(n)]
    with LLMServer() as srv:
        srv.llm.latency = 0.3  # 12 s of calls one at a time: the 4 s deadline passes part way
        t0 = time.monotonic()
        result, verdicts, _ = run(tmp_path, srv, rows, policy=fast_policy(tmp_path), deadline=4.0, concurrency=1)
        took = time.monotonic() - t0
    decisions = [verdicts[f"c{i}"].row.decision for i in range(n)]
    assert len(verdicts) == n and decisions[0] == "approved"  # judged in time ...
    assert decisions[-1] == "needs_review" and decisions.count("approved") < n // 2  # ... the rest unscored, to review
    assert result.run.status == "stopped" and result.stopped.startswith("deadline of 4 s reached")
    assert took < 8
