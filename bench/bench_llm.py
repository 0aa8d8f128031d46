"""LLM-tier throughput of `judge gate` against a local stub with fixed latency.

    python bench/bench_llm.py [--n 2000] [--concurrency 32] [--latency-ms 200]

Starts ../shared/peerbench/stub_openai.py on 127.0.0.1, runs the whole `judge gate`
(one rubric = one call per candidate) as a subprocess, and reports
efficiency = candidates/s / (concurrency / latency), with and without start-up
(the active window is first request .. last response, from the stub's log), plus
the CPU time the gate process spent per call.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--mode", default="tools")
    ap.add_argument("--stub", type=Path, default=ROOT.parent / "shared" / "peerbench" / "stub_openai.py")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "llm.json")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    cands = work / "in.jsonl"
    with cands.open("w") as f:
        for i in range(args.n):
            theme = f"Weeknight flavor builders {i}" if i % 7 else f"Weeknight BADWORD builders {i}"
            f.write(json.dumps({"id": f"c{i}", "placement": "bench", "theme": theme, "keywords": ["pantry", "snacks"]}) + "\n")
    port_file, log_file = work / "port", work / "stub.log"
    stub = subprocess.Popen(
        [sys.executable, str(args.stub), "--port", "0", "--port-file", str(port_file), "--latency-ms", str(args.latency_ms),
         "--log-file", str(log_file), "--max-seconds", "900"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port_file.read_text().strip()}/v1"
        cmd = [
            sys.executable, "-c", "from judge.cli import main; import sys; sys.argv=['judge', *sys.argv[1:]]; main()",
            "gate", str(cands), "--policy", str(ROOT / "bench" / "bench_policy.yaml"), "--db", str(work / "j.db"),
            "--json", str(work / "v.json"), "--base-url", base, "--model", "bench-judge", "-q",
            "--concurrency", str(args.concurrency), "--mode", args.mode,
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.time() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        stub.terminate()
        stub.wait()
    if proc.returncode not in (0, 1):
        sys.exit(proc.stdout + proc.stderr)
    stamps = []
    for line in log_file.read_text().splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        t_in, t_out = rec.get("t0"), rec.get("t1")
        if t_in and t_out:
            stamps.append((t_in, t_out))
    data = json.loads((work / "v.json").read_text())
    wrong = sum(1 for it in data["items"] if (it["decision"] == "approved") != (int(it["id"][1:]) % 7 != 0))
    ideal = args.concurrency / (args.latency_ms / 1000)
    active = (max(t for _, t in stamps) - min(t for t, _ in stamps)) if stamps else None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result = {
        "n": args.n, "concurrency": args.concurrency, "latency_ms": args.latency_ms, "mode": args.mode,
        "requests": len(stamps), "wall_s": round(wall, 2), "ideal_per_s": ideal,
        "per_s_with_startup": round(args.n / wall, 1), "efficiency_with_startup": round(args.n / wall / ideal, 3),
        "active_s": round(active, 2) if active else None,
        "efficiency_active": round(args.n / active / ideal, 3) if active else None,
        "gate_cpu_s": round(cpu, 2), "cpu_ms_per_call": round(cpu / max(len(stamps), 1) * 1000, 2),
        "wrong_verdicts": wrong,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
