"""`judge gate --workers N`: one run gated by several processes, each taking blocks of the input from the store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from typer.testing import CliRunner

from judge.cascade.gate import Gate
from judge.cli import app
from judge.policy import load_policy
from judge.store import Store
from judge.surfaces.reader import read_input
from tests.conftest import ROOT, cand, write_jsonl

runner = CliRunner()


def _rows(n: int) -> list[dict]:
    themes = ["Pantry staples", "Buy now, lose 10 lbs", "Sh1t deals", "Cozy soup night"]
    return [cand(f"c{i}", f"{themes[i % 4]} {i}", ["chicken broth", "egg noodles"]) for i in range(n)]


def _decisions(db: Path) -> list[tuple[int, str, str]]:
    con = sqlite3.connect(db)
    return con.execute("SELECT line, candidate_id, decision FROM verdicts ORDER BY line").fetchall()


def test_two_workers_store_exactly_the_verdicts_of_one(tmp_path: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", _rows(1200))
    cmd = [sys.executable, "-m", "judge.cli", "gate", str(p), "--skip-llm", "--policy", str(no_toxicity_policy), "--batch-size", "50", "-q"]
    for name, extra in (("one", []), ("two", ["--workers", "2"])):
        res = subprocess.run([*cmd, "--db", str(tmp_path / f"{name}.db"), *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    one, two = _decisions(tmp_path / "one.db"), _decisions(tmp_path / "two.db")
    assert len(two) == 1200 and two == one  # every line once, decided alike, whoever gated it
    con = sqlite3.connect(tmp_path / "two.db")
    assert con.execute("SELECT status, counts_json IS NOT NULL FROM runs").fetchall() == [("complete", 1)]
    assert con.execute("SELECT COUNT(*) FROM run_blocks").fetchone() == (24,)  # each block taken once


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


def test_a_worker_killed_mid_run_loses_nothing(tmp_path: Path, no_toxicity_policy: Path):
    import os
    import signal
    import time

    n = 16_000
    p = write_jsonl(tmp_path / "in.jsonl", _rows(n))
    db = tmp_path / "j.db"
    cmd = [sys.executable, "-m", "judge.cli", "gate", str(p), "--skip-llm", "--policy", str(no_toxicity_policy), "--db", str(db),
           "--batch-size", "50", "--workers", "2", "-q"]
    owner = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    killed = False
    seen: dict[int, float] = {}
    while not killed and owner.poll() is None and time.monotonic() < deadline:
        for child in _children(owner.pid):
            seen.setdefault(child, time.monotonic())
            # killed once it has taken a block (perhaps mid-block), or after 5 s whatever it did (a slow start)
            if _took_a_block(db, child) or time.monotonic() - seen[child] > 5:
                os.kill(child, signal.SIGKILL)
                killed = True
        time.sleep(0.02)
    assert owner.wait(timeout=120) in (0, 1), owner.stderr.read()
    assert killed, "no worker was seen"
    lines = [line for line, _, _ in _decisions(db)]
    assert lines == list(range(1, n + 1))  # every line once: the owner gated what the dead worker left


def _took_a_block(db: Path, pid: int) -> bool:
    if not db.exists():
        return False  # connecting would create an empty file, which the gate refuses as a damaged store
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as con:
            return con.execute("SELECT COUNT(*) FROM run_blocks WHERE owner LIKE ?", (f"%:{pid}",)).fetchone()[0] > 0
    except sqlite3.Error:
        return False
