"""`--llm-batch`: the judge calls through the Batch API (/v1/files + /v1/batches) of a local stub.

The same parsing, fail-closed rules, cache and call records as live calls; a job's id is stored, so an
interrupted gate polls it again instead of submitting (and paying for) the same requests twice.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from judge.cascade.gate import Gate
from judge.judges.providers.batch import IDLE_S, read_results
from judge.policy import load_policy
from judge.store import Store
from judge.surfaces.reader import read_input
from tests.conftest import ROOT, cand, write_jsonl
from tests.judges.test_llm import settings
from tests.judges.test_llm_faults import fast_policy
from tests.llm_server import LLMServer

FAST = {"batch": True, "batch_poll_first": 0.01, "batch_poll_max": 0.05}


def rows(n: int) -> list[dict]:
    return [cand(f"c{i}", f"Weeknight {'BADWORD ' if i % 5 == 0 else ''}flavor builders no. {i}",
                 ["taco seasoning", "salsa verde"]) for i in range(n)]


def gate(tmp_path: Path, srv: LLMServer, data: list[dict], db: Path | None = None, batch_size: int = 50, **kw):
    store = Store(db or tmp_path / "j.db")
    pol = load_policy(fast_policy(tmp_path))
    engine = Gate(pol, store, llm=settings(srv, **(FAST | kw)), batch_size=batch_size)
    result = engine.run(read_input(write_jsonl(tmp_path / "in.jsonl", data)))
    verdicts = {v.row.candidate_id: v for v in store.verdicts(result.run.id)}
    return result, verdicts, store


def test_a_slow_batch_of_rules_still_leaves_one_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    prepare = Gate._prepare

    def slow(self, todo, result):  # longer than the idle time after which a job is sent
        time.sleep(IDLE_S * 1.5)
        return prepare(self, todo, result)

    monkeypatch.setattr(Gate, "_prepare", slow)
    with LLMServer() as srv:
        gate(tmp_path, srv, rows(120))
        assert len(srv.llm.jobs) == 1  # the gate was preparing more calls: no job was sent meanwhile


def test_a_run_goes_in_one_job_and_decides_as_live_calls_do(tmp_path: Path):
    data = rows(120)
    with LLMServer() as srv:
        live, live_verdicts, _ = gate(tmp_path / "live", srv, data, batch=False)
        live_requests = len(srv.llm.requests)
    with LLMServer() as srv:
        batched, verdicts, store = gate(tmp_path / "batch", srv, data, prompt_price_per_1k=1.0)
        assert len(srv.llm.jobs) == 1  # three gate batches of 50, one job: every batch is prepared first
        job = next(iter(srv.llm.jobs.values()))
        assert job["endpoint"] == "/v1/chat/completions" and job["completion_window"] == "24h"
        assert len(srv.llm.requests) == live_requests == 120  # one request per candidate, as live
    assert {k: v.decision for k, v in verdicts.items()} == {k: v.decision for k, v in live_verdicts.items()}
    assert sum(v.decision.value == "rejected" for v in verdicts.values()) == 24
    assert [b.status for b in store.llm_batches(batched.run.id)] == ["completed"]
    _, calls = store.judge_trail(batched.run.id, 1)
    assert calls[0].status == "scored" and calls[0].attempts == 1
    live_cost = calls[0].prompt_tokens / 1000 * 1.0
    assert calls[0].cost == pytest.approx(live_cost * 0.5)  # the batch price


def test_a_rerun_is_answered_from_the_cache_without_a_job(tmp_path: Path):
    with LLMServer() as srv:
        gate(tmp_path, srv, rows(10))
        result, _, _ = gate(tmp_path, srv, rows(10) + [cand("new", "Cozy soup night", ["broth", "noodles"])])
        assert len(srv.llm.jobs) == 2 and len(srv.llm.requests) == 11  # only the new candidate is sent


@pytest.mark.parametrize(("setup", "expect"), [
    ({"faults": [("status", 500, {})]}, "HTTP 500"),
    ({"faults": [("malformed",)]}, "malformed JSON"),
    ({"faults": [("wrong_schema",)]}, "schema-invalid"),
    ({"batch_drop": 1}, "no result for this request"),
])
def test_a_bad_result_line_is_unscored_and_never_approved(tmp_path: Path, setup: dict, expect: str):
    with LLMServer() as srv:
        for key, value in setup.items():
            setattr(srv.llm, key, value)
        result, verdicts, store = gate(tmp_path, srv, [cand("a", "Weeknight flavor builders", ["salsa"])])
    v = verdicts["a"]
    assert v.decision.value == "needs_review"  # the default policy sends unscored to review
    assert any(f.term == "unscored" and expect in f.message for f in v.findings), [f.message for f in v.findings]
    assert not v.row.reusable  # a later run judges it again


@pytest.mark.parametrize("end", ["failed", "cancelled", "expired"])
def test_a_job_that_does_not_complete_leaves_its_calls_unscored(tmp_path: Path, end: str):
    with LLMServer() as srv:
        srv.llm.batch_end = end
        result, verdicts, store = gate(tmp_path, srv, rows(10))
    unscored = [k for k, v in verdicts.items() if any(f.term == "unscored" for f in v.findings)]
    assert not any(v.decision.value == "approved" for k, v in verdicts.items() if k in unscored)
    assert len(unscored) == (5 if end == "expired" else 10)  # an expired job's finished half is used
    assert all(f"ended {end}" in f.message for k in unscored for f in verdicts[k].findings if f.term == "unscored")
    assert store.llm_batches(result.run.id)[0].status == end


def test_a_deadline_mid_job_stops_the_run_and_the_rerun_polls_the_same_job(tmp_path: Path):
    with LLMServer() as srv:
        srv.llm.batch_polls = 10**6  # the job runs on and on
        first, verdicts, store = gate(tmp_path, srv, rows(20), deadline=2.0)
        assert first.run.status == "stopped" and len(srv.llm.jobs) == 1
        assert not any(v.decision.value == "approved" for v in verdicts.values())
        assert [b.status for b in store.llm_batches(first.run.id)] == ["in_progress"]
        next(iter(srv.llm.jobs.values()))["polls_left"] = 0  # the job ends at its next poll
        for v in store.verdicts(first.run.id):  # a stopped run's unscored verdicts are judged again on resume
            assert not v.row.reusable
        second, verdicts, _ = gate(tmp_path, srv, rows(20))
        assert len(srv.llm.jobs) == 1  # polled again, not submitted again
        assert len(srv.llm.requests) == 20  # each request answered (paid) once
    assert sum(v.decision.value == "approved" for v in verdicts.values()) == 16


def test_a_gate_killed_mid_job_resumes_polling_it(tmp_path: Path):
    data = write_jsonl(tmp_path / "in.jsonl", rows(30))
    policy = fast_policy(tmp_path)
    db = tmp_path / "j.db"
    with LLMServer() as srv:
        srv.llm.batch_polls = 10**6
        cmd = [sys.executable, "-m", "judge.cli", "gate", str(data), "--policy", str(policy), "--db", str(db), "-q",
               "--base-url", srv.base_url, "--model", "m", "--llm-batch", "--batch-poll", "0.05", "--batch-size", "10"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not any(j["status"] == "in_progress" for j in srv.llm.jobs.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert len(srv.llm.jobs) == 1
        next(iter(srv.llm.jobs.values()))["polls_left"] = 0
        res = subprocess.run(cmd + ["--json", str(tmp_path / "out.json")], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert res.returncode in (0, 1), res.stderr
        assert len(srv.llm.jobs) == 1 and len(srv.llm.requests) == 30  # resumed the job: nothing submitted or paid twice
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["counts"] == {"approved": 24, "rejected": 6, "needs_review": 0, "error": 0}


def test_result_lines_are_read_in_both_shapes_and_bad_lines_are_missing():
    text = "\n".join([
        json.dumps({"custom_id": "a", "response": {"status_code": 200, "body": {"id": "x"}}, "error": None}),
        json.dumps({"custom_id": "b", "response": {"status_code": 429, "body": {"error": {"message": "slow down"}}}}),
        json.dumps({"custom_id": "c", "response": None, "error": {"code": "x", "message": "request too large"}}),
        "{not json", json.dumps(["d"]),
    ])
    got = read_results(text)
    assert got["a"].completion == {"id": "x"} and set(got) == {"a", "b", "c"}
    assert got["b"].error == "batch request failed: HTTP 429 (slow down)"
    assert got["c"].error == "batch request failed: no response (request too large)"


def test_a_job_submitted_by_a_process_that_died_before_storing_its_id_is_found_not_submitted_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real = Store.confirm_llm_batch
    failed: list[str] = []

    def dies_once(self, placeholder: str, batch_id: str, status: str) -> None:
        if not failed:
            failed.append(batch_id)
            raise OSError("killed between submitting the job and storing its id")
        real(self, placeholder, batch_id, status)

    monkeypatch.setattr(Store, "confirm_llm_batch", dies_once)
    with LLMServer() as srv:
        first, verdicts, store = gate(tmp_path, srv, rows(10))
        assert failed == ["batch_1"] and len(srv.llm.jobs) == 1
        assert not any(v.decision.value == "approved" for v in verdicts.values())  # unscored, to review
        assert all("batch job not submitted: OSError: killed" in f.message for v in verdicts.values()
                   for f in v.findings if f.term == "unscored")
        assert [(b.batch_id.startswith("pending:"), b.status) for b in store.llm_batches(first.run.id)] == [(True, "submitting")]
        second, verdicts, store = gate(tmp_path, srv, rows(10))
        assert len(srv.llm.jobs) == 1 and len(srv.llm.requests) == 10  # the job was found by its file and followed
    assert sum(v.decision.value == "approved" for v in verdicts.values()) == 8
    assert [b.batch_id for b in store.llm_batches(first.run.id)] == ["batch_1"]
