"""`judge gate --workers N` (and `--ray local`) against one process, on this machine: candidates/s, scaling, memory
per worker, on SQLite and on PostgreSQL.

    python bench/bench_workers.py [--n 200000] [--workers 1 2] [--backends sqlite postgresql] [--ray]

Candidates are built from the shared Instacart catalog (as bench_scale.py builds them); the policy is the rule
tier (no toxicity model, no embeddings: bench_gate.py's). Each configuration gates the same file into a fresh
store in a fresh process: a SQLite file, or a new database on a throwaway PostgreSQL server with its durable
defaults (scripts/pg_throwaway.sh with PG_DURABLE=1, fsync on). `--ray` adds a run on a local Ray with the
largest worker count as tasks (the owner coordinates, the tasks gate), into PostgreSQL. Peak memory is each process's VmHWM, read from /proc while the run lasts (the
owner and every worker it starts). Writes/s per worker: stored verdicts / seconds / workers (the figure a shared
store must sustain per worker). Results: bench/out/workers.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_gate import ENTRY, POLICY  # noqa: E402
from bench_rules import load_catalog  # noqa: E402
from bench_scale import write_candidates  # noqa: E402


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def gate(args: list[str]) -> tuple[float, dict[int, float]]:
    """Seconds of one command, and the peak memory of each process of its tree."""
    peaks: dict[int, float] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", ENTRY.format(module="judge.cli"), *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in _tree(proc.pid):
                mb = _hwm_mb(pid)
                if mb is not None:
                    peaks[pid] = max(peaks.get(pid, 0.0), mb)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if code not in (0, 1):
        sys.exit(f"gate failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return seconds, peaks


class Postgres:
    """A throwaway, durable PostgreSQL server for the run; a new database per configuration."""

    def __enter__(self) -> Postgres:
        env = dict(os.environ, PG_DURABLE="1")
        out = subprocess.run(["bash", str(ROOT / "scripts" / "pg_throwaway.sh")], env=env, check=True, capture_output=True,
                             text=True).stdout
        found = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines() if line.startswith("export "))
        self.admin, self.dir = found["JUDGE_TEST_PG"], found["PG_THROWAWAY_DIR"]
        return self

    def database(self, name: str) -> str:
        import sqlalchemy

        engine = sqlalchemy.create_engine(self.admin, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.NullPool)
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        return self.admin.rsplit("/", 1)[0] + "/" + name

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "pg_throwaway.sh"), "stop", self.dir], check=False)


def _measure(n: int, workers: int, args: list[str]) -> dict:
    seconds, peaks = gate(args)
    return {"seconds": round(seconds, 1), "candidates_per_s": round(n / seconds),
            "writes_per_s_per_worker": round(n / seconds / workers),
            "peak_mb_per_process": sorted(round(v) for v in peaks.values() if v > 50)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    ap.add_argument("--ray", action="store_true", help="also a local Ray run into PostgreSQL")
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "workers.json")
    args = ap.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp, Postgres() as pg:
        work = Path(tmp)
        inputs = work / "in.jsonl"
        write_candidates(inputs, load_catalog(args.catalog), args.n)
        policy = work / "policy.yaml"
        policy.write_text(POLICY.format(embeddings="off"))
        base = ["gate", str(inputs), "--policy", str(policy), "--skip-llm", "-q"]
        for backend in args.backends:
            for n in args.workers:
                db = str(work / f"w{n}.db") if backend == "sqlite" else pg.database(f"w{n}")
                results[f"{backend} x{n}"] = _measure(args.n, n, [*base, "--db", db, "--workers", str(n)])
            first = results[f"{backend} x{args.workers[0]}"]["seconds"]
            for n in args.workers:
                results[f"{backend} x{n}"]["speedup"] = round(first / results[f"{backend} x{n}"]["seconds"], 2)
        if args.ray:
            n = max(args.workers)
            ray = _measure(args.n, n, [*base, "--db", pg.database("ray"), "--ray", "local", "--workers", str(n)])
            ray["speedup"] = round(results.get(f"postgresql x{args.workers[0]}", ray)["seconds"] / ray["seconds"], 2)
            results[f"ray local, {n} tasks, postgresql"] = ray
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"n": args.n, "results": results}, indent=2))
    print(json.dumps({"n": args.n, "results": results}, indent=2))


if __name__ == "__main__":
    main()
