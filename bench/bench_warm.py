"""`judge gate` with the catalog loaded (and embeddings), cold and warm: what the stored caches save.

    python bench/bench_warm.py [--n 5000] [--embeddings off|auto] [--baseline-src /path/to/other/checkout]

Loads the shared Instacart catalog into a fresh store, gates N candidates (cold: nothing stored but the
catalog), then the same texts under other placements (warm: new content keys, so every check runs again,
but embeddings and catalog searches are in the store). Each command runs in a fresh process. Results go
to bench/out/warm.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_gate import POLICY  # noqa: E402
from bench_rules import load_catalog  # noqa: E402
from bench_scale import run, write_candidates  # noqa: E402


def measure(src: Path, catalog: Path, inputs: list[Path], policy: Path, n: int, work: Path) -> dict:
    db = work / f"{src.name}.db"
    shutil.copy(work / "catalog.db", db)
    out = {}
    for name, path in zip(("cold", "warm"), inputs, strict=True):
        secs, rss, _ = run(src, "gate", str(path), "--db", str(db), "--policy", str(policy), "--skip-llm", "-q")
        out[name] = {"s": round(secs, 1), "candidates_per_s": round(n / secs), "peak_mb": round(rss)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--embeddings", default="auto", choices=["off", "auto"])
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--baseline-src", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        policy = work / "policy.yaml"
        policy.write_text(POLICY.format(embeddings=args.embeddings))
        run(ROOT, "catalog", "load", str(args.catalog / "products.csv"), "--db", str(work / "catalog.db"))
        cold, warm = work / "cold.jsonl", work / "warm.jsonl"
        write_candidates(cold, load_catalog(args.catalog), args.n)
        warm.write_text(cold.read_text().replace('"placement":"row-', '"placement":"shelf-'))
        result = {"n": args.n, "embeddings": args.embeddings, "this": measure(ROOT, args.catalog, [cold, warm], policy, args.n, work)}
        if args.baseline_src:
            result["baseline"] = measure(args.baseline_src, args.catalog, [cold, warm], policy, args.n, work)
    print(json.dumps(result, indent=1))
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    (ROOT / "bench" / "out" / "warm.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
