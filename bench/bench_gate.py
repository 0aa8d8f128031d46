"""End-to-end `judge gate` (read, validate, hash, rule tier, SQLite writes) on Instacart candidates,
optionally against another checkout of the project in the same run (before/after a change).

    python bench/bench_gate.py [--n 20000] [--embeddings off|auto] [--baseline-src /path/to/other/checkout]

Each command runs in a fresh process with a fresh store; the figure is candidates/s of the whole
command (start-up included), best of ``--repeat``. A second run of the same file on the same store
(every verdict reused) is timed too. Results go to bench/out/gate.json.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_rules import load_catalog, make_candidates  # noqa: E402

POLICY = """id: bench-gate
version: "1"
checks:
  toxicity: {{enabled: false}}
  coherence: {{embeddings: "{embeddings}"}}
ci: {{max_rejected_share: 1.0, max_needs_review_share: 1.0}}
"""
ENTRY = "import sys; from {module} import main; sys.argv = ['judge', *sys.argv[1:]]; main()"


def gate_seconds(src: Path, module: str, inputs: Path, policy: Path, db: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", ENTRY.format(module=module), "gate", str(inputs), "--db", str(db),
                           "--policy", str(policy), "--skip-llm", "-q"], cwd=src, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{src}: gate failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def measure(src: Path, module: str, inputs: Path, policy: Path, n: int, repeat: int) -> dict[str, float]:
    cold, warm = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as d:
            db = Path(d) / "j.db"
            cold.append(gate_seconds(src, module, inputs, policy, db))
            warm.append(gate_seconds(src, module, inputs, policy, db))
    return {"candidates_per_s": round(n / min(cold), 1), "reused_per_s": round(n / min(warm), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--embeddings", default="off", choices=["off", "auto"])
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--baseline-src", type=Path, help="another checkout to time on the same input")
    ap.add_argument("--baseline-module", default="cli", help="module whose main() is the CLI in the baseline")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "gate.json")
    args = ap.parse_args()
    args.out = args.out.resolve()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    inputs = args.out.parent / f"gate-input-{args.n}.jsonl"
    cands = make_candidates(load_catalog(args.catalog), args.n, random.Random(7))
    inputs.write_text("".join(c.model_dump_json() + "\n" for c in cands))
    policy = args.out.parent / "gate-policy.yaml"
    policy.write_text(POLICY.format(embeddings=args.embeddings))
    result = {"candidates": args.n, "embeddings": args.embeddings,
              "this": measure(ROOT, "judge.cli", inputs, policy, args.n, args.repeat)}
    if args.baseline_src:
        result["baseline"] = measure(args.baseline_src, args.baseline_module, inputs, policy, args.n, args.repeat)
        result["ratio"] = round(result["this"]["candidates_per_s"] / result["baseline"]["candidates_per_s"], 2)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
