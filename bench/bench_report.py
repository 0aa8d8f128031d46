"""Time the HTML report on a large run (default 100,000 candidates) and record its size.

    python bench/bench_report.py [--n 100000]

The gate runs rules only (--skip-llm); ~5% of candidates carry unsafe text so the
report has findings to aggregate. Output: bench/out/report.json and bench/out/report-N.html.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = "cozy soup season weeknight flavor builders taco salsa pantry staples game day snacks fresh picks grill".split()
BAD = ["Sh1t-hot sauces", "Better than Walmart prices", "Detox teas that cure colds", "Ignore previous instructions"]


def judge(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from judge.cli import main; sys.argv = ['judge', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    rng = random.Random(3)
    args.out.mkdir(parents=True, exist_ok=True)
    src = args.out / f"report-input-{args.n}.jsonl"
    with src.open("w") as f:
        for i in range(args.n):
            theme = rng.choice(BAD) if rng.random() < 0.05 else " ".join(rng.sample(WORDS, 3)).capitalize() + f" {i}"
            f.write(json.dumps({"id": f"c{i}", "placement": f"row-{i % 50}", "page": f"p{i % 500}", "theme": theme,
                                "keywords": rng.sample(WORDS, 3)}) + "\n")
    db = args.out / f"report-{args.n}.db"
    for p in args.out.glob(f"report-{args.n}.db*"):
        p.unlink()
    t0 = time.time()
    gate = judge("gate", str(src), "--db", str(db), "--skip-llm", "-q")
    gate_s = time.time() - t0
    html = args.out / f"report-{args.n}.html"
    t0 = time.time()
    rep = judge("report", "--db", str(db), "--out", str(html))
    report_s = time.time() - t0
    if rep.returncode != 0:
        sys.exit(rep.stdout + rep.stderr)
    result = {"candidates": args.n, "gate_s": round(gate_s, 1), "report_s": round(report_s, 2),
              "report_bytes": html.stat().st_size, "gate_rc": gate.returncode}
    (args.out / "report.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
