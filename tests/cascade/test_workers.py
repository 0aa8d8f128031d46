"""`judge gate --workers N`: one run gated by several processes, each taking blocks of the input from the store."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy
from typer.testing import CliRunner

from judge.cascade.gate import Gate
from judge.cli import app
from judge.policy import load_policy
from judge.store import Store
from judge.surfaces.reader import read_input
from tests.conftest import ROOT, cand, write_jsonl
from tests.llm_server import LLMServer

runner = CliRunner()


def _rows(n: int) -> list[dict]:
    themes = ["Pantry staples", "Buy now, lose 10 lbs", "Sh1t deals", "Cozy soup night"]
    return [cand(f"c{i}", f"{themes[i % 4]} {i}", ["chicken broth", "egg noodles"]) for i in range(n)]


def _query(db: str | Path, sql: str) -> list[tuple]:
    """Rows of one query on a store, SQLite file or PostgreSQL URL."""
    url = db if "://" in str(db) else f"sqlite:///file:{db}?mode=ro&uri=true"  # a look, never a write
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql).all()]
    finally:
        engine.dispose()


def _decisions(db: str | Path) -> list[tuple[int, str, str]]:
    return _query(db, "SELECT line, candidate_id, decision FROM verdicts ORDER BY line")


def _stored(db: str | Path) -> dict[str, list[tuple]]:
    """What a run left in the store, run ids and times aside: verdicts with their findings, and contents."""
    return {
        "verdicts": _query(db, "SELECT line, candidate_id, content_hash, decision, error FROM verdicts ORDER BY line"),
        "findings": _query(db, "SELECT v.line, f.check_id, f.severity, f.term, f.span_start FROM findings f JOIN verdicts v"
                               " ON v.id = f.verdict_id ORDER BY v.line, f.id"),
        "candidates": _query(db, "SELECT content_hash, theme FROM candidates ORDER BY content_hash"),
    }


def _gate_cmd(path: Path, policy: Path, db: str | Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "judge.cli", "gate", str(path), "--skip-llm", "--policy", str(policy), "--db", str(db),
            "-q", *extra]


@pytest.mark.parametrize("workers", [2, 4])
def test_n_workers_store_exactly_the_rows_of_one(tmp_path: Path, no_toxicity_policy: Path, store_url: str, workers: int):
    p = write_jsonl(tmp_path / "in.jsonl", _rows(1200))
    one = tmp_path / "one.db"
    for db, extra in ((one, []), (store_url, ["--workers", str(workers)])):
        res = subprocess.run(_gate_cmd(p, no_toxicity_policy, db, "--batch-size", "50", *extra), cwd=ROOT,
                             capture_output=True, text=True, timeout=180)
        assert res.returncode in (0, 1) and "Traceback" not in res.stderr and "locked" not in res.stderr, res.stderr
    many = _stored(store_url)
    assert len(many["verdicts"]) == 1200 and many == _stored(one)  # every row once, decided alike, whoever gated it
    assert [(s, bool(c)) for s, c in _query(store_url, "SELECT status, counts_json FROM runs")] == [("complete", True)]
    assert _query(store_url, "SELECT COUNT(*), COUNT(DISTINCT block) FROM run_blocks") == [(24, 24)]  # each block once


def test_four_gates_of_different_runs_at_once_all_complete(tmp_path: Path, no_toxicity_policy: Path, store_url: str):
    inputs = [write_jsonl(tmp_path / f"in{i}.jsonl", _rows(300 + i)) for i in range(4)]
    procs = [subprocess.Popen(_gate_cmd(p, no_toxicity_policy, store_url, "--batch-size", "20"), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for p in inputs]
    errors = [p.communicate(timeout=180)[1] for p in procs]
    assert all(p.returncode in (0, 1) for p in procs), errors  # PASS or FAIL by the thresholds, never a crash
    assert not any("locked" in e or "Traceback" in e for e in errors), errors
    runs = _query(store_url, "SELECT status, counts_json FROM runs")
    assert len(runs) == 4 and {r[0] for r in runs} == {"complete"}
    totals = sorted(sum(json.loads(c).values()) for _, c in runs)
    assert totals == [300, 301, 302, 303]
    per_run = _query(store_url, "SELECT run_id, COUNT(*), COUNT(DISTINCT line) FROM verdicts GROUP BY run_id")
    assert sorted(n for _, n, _ in per_run) == [300, 301, 302, 303] and all(n == d for _, n, d in per_run)


def test_lines_a_worker_took_and_never_gated_are_gated_by_the_owner(tmp_path: Path, no_toxicity_policy: Path):
    store = Store(tmp_path / "j.db")
    batch = read_input(write_jsonl(tmp_path / "in.jsonl", _rows(500)))
    gate = Gate(load_policy(no_toxicity_policy), store, batch_size=100, skip_llm=True)

    def dead_worker(run):  # takes blocks 1 and 3, then dies before gating them
        assert store.claim_block(run.id, 1) and store.claim_block(run.id, 3)
        return lambda: None

    result = gate.run(batch, launch=dead_worker)
    assert result.run.status == "complete" and sum(result.counts.values()) == 500
    assert [line for line, _, _ in _decisions(tmp_path / "j.db")] == list(range(1, 501))


def test_a_worker_joins_only_a_run_of_the_same_input_and_policy(tmp_path: Path, no_toxicity_policy: Path):
    db = tmp_path / "j.db"
    first = write_jsonl(tmp_path / "a.jsonl", _rows(10))
    runner.invoke(app, ["gate", str(first), "--skip-llm", "--policy", str(no_toxicity_policy), "--db", str(db), "-q"])
    run_id = sqlite3.connect(db).execute("SELECT id FROM runs").fetchone()[0]
    other = write_jsonl(tmp_path / "b.jsonl", _rows(11))
    res = runner.invoke(app, ["gate", str(other), "--skip-llm", "--policy", str(no_toxicity_policy), "--db", str(db), "--join-run", run_id])
    assert res.exit_code == 2 and "gates another input" in res.output
    res = runner.invoke(app, ["gate", "-", "--skip-llm", "--db", str(db), "--workers", "2"], input='{"id": "x"}\n')
    assert res.exit_code == 2 and "standard input" in res.output


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _kill_a_worker_once_it_took_a_block(owner: subprocess.Popen, db: str | Path) -> bool:
    """SIGKILL the first worker of ``owner`` seen to take a block (perhaps mid-block), or any after 5 s."""
    deadline = time.monotonic() + 60
    seen: dict[int, float] = {}
    while owner.poll() is None and time.monotonic() < deadline:
        for child in _children(owner.pid):
            seen.setdefault(child, time.monotonic())
            if _took_a_block(db, child) or time.monotonic() - seen[child] > 5:
                os.kill(child, signal.SIGKILL)
                return True
        time.sleep(0.02)
    return False


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, no_toxicity_policy: Path, store_url: str):
    n = 16_000
    p = write_jsonl(tmp_path / "in.jsonl", _rows(n))
    cmd = _gate_cmd(p, no_toxicity_policy, store_url, "--batch-size", "50", "--workers", "2")
    owner = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killed = _kill_a_worker_once_it_took_a_block(owner, store_url)
    assert owner.wait(timeout=180) in (0, 1), owner.stderr.read()
    assert killed, "no worker was seen"
    lines = [line for line, _, _ in _decisions(store_url)]
    assert lines == list(range(1, n + 1))  # every line once: the owner gated what the dead worker left


def test_a_killed_worker_costs_no_repeated_paid_call(tmp_path: Path, store_url: str):
    from tests.judges.test_llm import make_policy

    n, batch = 240, 10
    rows = [cand(f"c{i}", f"Weeknight flavor builders no. {i}", ["taco seasoning", "salsa verde"]) for i in range(n)]
    p = write_jsonl(tmp_path / "in.jsonl", rows)
    policy = make_policy(tmp_path, ["theme_quality"])
    with LLMServer() as srv:
        srv.llm.latency = 0.02
        cmd = [sys.executable, "-m", "judge.cli", "gate", str(p), "--policy", str(policy), "--db", store_url, "-q",
               "--base-url", srv.base_url, "--model", "m", "--batch-size", str(batch), "--workers", "2"]
        owner = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert _kill_a_worker_once_it_took_a_block(owner, store_url), "no worker was seen"
        assert owner.wait(timeout=180) in (0, 1), owner.stderr.read()
        paid = len(srv.llm.requests)
        # every line once; the dead worker's calls in flight (at most two batches: one judged while the next
        # is prepared) are the only ones made twice
        assert [line for line, _, _ in _decisions(store_url)] == list(range(1, n + 1))
        assert n <= paid <= n + 2 * batch
        again = subprocess.run([c for c in cmd if c not in ("--workers", "2")], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode in (0, 1), again.stderr
        assert len(srv.llm.requests) == paid  # a rerun reuses every stored verdict: no call paid twice


def _took_a_block(db: str | Path, pid: int) -> bool:
    if "://" not in str(db) and not Path(db).exists():
        return False  # connecting would create an empty file, which the gate refuses as a damaged store
    try:
        return _query(db, f"SELECT COUNT(*) FROM run_blocks WHERE owner LIKE '%:{int(pid)}'")[0][0] > 0
    except sqlalchemy.exc.SQLAlchemyError:
        return False


def test_workers_get_the_store_password_by_environment_never_in_their_command_line(tmp_path: Path, no_toxicity_policy: Path,
                                                                                   pg_url: str):
    secret = "s3cret-pw"
    url = sqlalchemy.make_url(pg_url).set(password=secret).render_as_string(hide_password=False)
    p = write_jsonl(tmp_path / "in.jsonl", _rows(3000))
    owner = subprocess.Popen(_gate_cmd(p, no_toxicity_policy, url, "--batch-size", "50", "--workers", "2"), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: dict[int, tuple[str, str]] = {}
    while owner.poll() is None:
        for child in _children(owner.pid):
            try:
                seen[child] = (Path(f"/proc/{child}/cmdline").read_bytes().decode(), Path(f"/proc/{child}/environ").read_bytes().decode())
            except OSError:
                pass
        time.sleep(0.01)
    assert owner.returncode in (0, 1), owner.stderr.read()
    assert seen, "no worker was seen"
    for cmdline, environ in seen.values():
        assert secret not in cmdline and "--db" in cmdline  # the URL, without its password
        assert f"PGPASSWORD={secret}" in environ
    assert len(_decisions(pg_url)) == 3000
