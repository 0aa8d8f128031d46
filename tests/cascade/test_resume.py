"""A real SIGKILL mid-run: nothing committed is lost and the same command completes the run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, cand, write_jsonl


def count(db: Path) -> int:
    if not db.exists():
        return 0  # connecting would create an empty file, which the gate refuses as a damaged store
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM verdicts").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def judge(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from judge.cli import main; sys.argv=['judge', *sys.argv[1:]]; main()", *args]


def test_sigkill_mid_run_then_rerun_completes(tmp_path: Path, no_toxicity_policy: Path):
    n = 12_000
    p = write_jsonl(tmp_path / "in.jsonl", [cand(f"c{i}", f"Theme {i} picks", ["olive oil", f"rice {i}"]) for i in range(n)])
    db = tmp_path / "j.db"
    args = judge("gate", str(p), "--policy", str(no_toxicity_policy), "--db", str(db), "--batch-size", "100", "-q")
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count(db) < 300 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = count(db)
    assert 300 <= stored < n and stored % 100 == 0  # whole batches only

    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    con = sqlite3.connect(db)
    runs = con.execute("SELECT id, status FROM runs").fetchall()
    assert len(runs) == 1 and runs[0][1] == "complete"
    lines = [r[0] for r in con.execute("SELECT line FROM verdicts ORDER BY line")]
    assert lines == list(range(1, n + 1))  # every line once: no loss, no duplicate
