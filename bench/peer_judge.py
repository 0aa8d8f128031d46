"""peerbench adapter: run `judge gate` on PEERBENCH_ITEMS and write PEERBENCH_VERDICTS.

    bash ../shared/peerbench/run_peers.sh -n 2000 -c 32 --latency-ms 200 \
        --extra "storefront-judge::$PWD/.venv/bin/python $PWD/bench/peer_judge.py"

The measured time includes our CLI start-up, reading, the rule tier, the store and
the LLM calls: the whole `judge gate`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    items = [json.loads(line) for line in Path(os.environ["PEERBENCH_ITEMS"]).read_text().splitlines() if line.strip()]
    work = Path.cwd()
    cands = work / "candidates.jsonl"
    with cands.open("w") as f:
        for it in items:
            f.write(json.dumps({"id": str(it["id"]), "placement": f"slot-{it['id']}", "theme": it["title"], "keywords": ["pantry", "snacks"]}) + "\n")
    out = work / "verdicts.json"
    db = work / "judge.db"
    for p in work.glob("judge.db*"):
        p.unlink()
    cmd = [
        sys.executable, "-c", "from judge.cli import main; import sys; sys.argv=['judge', *sys.argv[1:]]; main()",
        "gate", str(cands), "--policy", str(HERE / "bench_policy.yaml"), "--db", str(db), "--json", str(out),
        "--base-url", os.environ["PEERBENCH_BASE_URL"], "--model", "bench-judge", "-q",
        "--concurrency", os.environ.get("PEERBENCH_CONCURRENCY", "16"), "--mode", os.environ.get("JUDGE_MODE", "tools"),
    ]
    proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stdout + proc.stderr)
        return proc.returncode
    data = json.loads(out.read_text())
    with Path(os.environ["PEERBENCH_VERDICTS"]).open("w") as f:
        for it in data["items"]:
            f.write(json.dumps({"id": it["id"], "pass": it["decision"] == "approved", "error": it["decision"] == "error"}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
