"""`judge gate --workers N` against one process, on this machine: candidates/s, scaling, memory per worker.

    python bench/bench_workers.py [--n 200000] [--workers 1 2] [--catalog ../shared/data/instacart]

Candidates are built from the shared Instacart catalog (as bench_scale.py builds them); the policy is the rule
tier (no toxicity model, no embeddings: bench_gate.py's). Each configuration gates the same file into a fresh
SQLite store in a fresh process. Peak memory is each process's VmHWM, read from /proc while the run lasts (the
owner and every worker it starts). Writes/s per worker: stored verdicts / seconds / workers (the figure a shared
store must sustain per worker). Results: bench/out/workers.json.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "workers.json")
    args = ap.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = work / "in.jsonl"
        write_candidates(inputs, load_catalog(args.catalog), args.n)
        policy = work / "policy.yaml"
        policy.write_text(POLICY.format(embeddings="off"))
        for n in args.workers:
            db = work / f"w{n}.db"
            seconds, peaks = gate(["gate", str(inputs), "--db", str(db), "--policy", str(policy), "--skip-llm", "-q",
                                   "--workers", str(n)])
            results[str(n)] = {"seconds": round(seconds, 1), "candidates_per_s": round(args.n / seconds),
                               "writes_per_s_per_worker": round(args.n / seconds / n),
                               "peak_mb_per_process": sorted(round(v) for v in peaks.values() if v > 50)}
    base = results[str(args.workers[0])]["seconds"]
    for r in results.values():
        r["speedup"] = round(base / r["seconds"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"n": args.n, "results": results}, indent=2))
    print(json.dumps({"n": args.n, "results": results}, indent=2))


if __name__ == "__main__":
    main()
