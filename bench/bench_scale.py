"""Memory and time at scale: peak RSS of `judge gate` (rules only, with and without --json/--junit) at
200,000 and 1,000,000 candidates, and `judge review list` on the 200,000-candidate run.

    python bench/bench_scale.py [--sizes 200000 1000000] [--baseline-src /path/to/other/checkout]

Candidates are built from the shared Instacart catalog (as bench_gate.py does) and streamed to a
file. Each command runs in a fresh process; peak memory is that process's max RSS (``wait4``).
``--baseline-src`` measures another checkout on the same files in the same run (before/after).
Results go to bench/out/scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_gate import ENTRY, POLICY  # noqa: E402
from bench_rules import load_catalog, make_candidates  # noqa: E402

CHUNK = 20_000


def write_candidates(path: Path, products: list, n: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as f:
        for start in range(0, n, CHUNK):
            for c in make_candidates(products, min(CHUNK, n - start), rng):
                f.write(c.model_copy(update={"id": f"b{start}-{c.id}"}).model_dump_json(exclude_none=True) + "\n")


def run(src: Path, *args: str) -> tuple[float, float, int]:
    """Seconds, peak RSS in MB and exit code of one command in a fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", ENTRY.format(module="judge.cli"), *args], cwd=src,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{src}: {' '.join(args[:2])} failed ({code}): {proc.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, code


def measure(src: Path, inputs: Path, policy: Path, n: int, workdir: Path, review: bool) -> dict:
    db = workdir / f"{src.name}-{n}.db"
    gate = ["gate", str(inputs), "--db", str(db), "--policy", str(policy), "--skip-llm", "-q"]
    secs, rss, _ = run(src, *gate)
    out = {"gate_s": round(secs, 1), "candidates_per_s": round(n / secs), "peak_mb": round(rss)}
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    secs, rss, _ = run(src, *gate, "--json", str(workdir / "v.json"), "--junit", str(workdir / "v.xml"))
    out |= {"gate_with_outputs_s": round(secs, 1), "peak_with_outputs_mb": round(rss)}
    if review:
        secs, rss, _ = run(src, "review", "list", "--db", str(db))
        out |= {"review_list_s": round(secs, 2), "review_list_peak_mb": round(rss)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--baseline-src", type=Path, default=None)
    ap.add_argument("--workdir", type=Path, default=None, help="Where the inputs and stores go (default: a temp dir).")
    args = ap.parse_args()
    products = load_catalog(args.catalog)
    with tempfile.TemporaryDirectory(dir=args.workdir) as d:
        work = Path(d)
        policy = work / "policy.yaml"
        policy.write_text(POLICY.format(embeddings="off"))
        results: dict = {"sizes": {}}
        for n in args.sizes:
            inputs = work / f"in-{n}.jsonl"
            write_candidates(inputs, products, n)
            row = {"input_mb": round(inputs.stat().st_size / 1e6, 1), "this": measure(ROOT, inputs, policy, n, work, n <= 200_000)}
            if args.baseline_src:
                row["baseline"] = measure(args.baseline_src, inputs, policy, n, work, n <= 200_000)
            results["sizes"][str(n)] = row
            inputs.unlink()
            print(json.dumps({n: row}), flush=True)
    out = ROOT / "bench" / "out" / "scale.json"  # sizes measured in other runs are kept
    out.parent.mkdir(exist_ok=True)
    kept = json.loads(out.read_text())["sizes"] if out.is_file() else {}
    out.write_text(json.dumps({"sizes": kept | results["sizes"]}, indent=2))


if __name__ == "__main__":
    main()
