"""The rule tier's checks with the data (policies/) of two checkouts, interleaved in one process.

    git worktree add /tmp/before <commit>     # the data to compare against
    python bench/bench_data_ab.py --before /tmp/before [--n 20000] [--rounds 5]

Most changes to the rule tier are data: term lists, patterns, grammars. Timing two checkouts in turn, each in its own
process, measures the machine as much as the change (on a shared 2-core machine the same commit has run 25% apart
within minutes). This builds the same code's check suite twice, once over each checkout's ``policies/`` (its default
policy, term lists, grammars and ``patterns.yaml``), and times every check of both on the same candidates in
rounds where the sides take turns going first; the minimum of each check's rounds is kept. Code changes are not compared: both suites run this
checkout's code. Candidates are those of ``bench_rules.py`` (a real catalog's names, 5% unsafe).

Results go to bench/out/data_ab.json: per check and in all, seconds for each side and their ratio.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_rules  # noqa: E402

import judge.rules.checks.patterns as patterns_module  # noqa: E402
from judge.policy import load_policy  # noqa: E402
from judge.rules.checks import CheckEnv, CheckSuite  # noqa: E402
from judge.rules.checks.base import Subject  # noqa: E402

_policies = {"dir": ROOT / "policies"}  # whose patterns.yaml the pattern checks read now


def _patterns_path() -> Path:
    return _policies["dir"] / "patterns.yaml"


def suite_over(policies: Path) -> CheckSuite:
    """The tier of ``bench_rules.py`` (no toxicity, coherence or language model) over ``policies``' data, its
    expressions and grammars compiled by one warm-up candidate."""
    _policies["dir"] = policies
    policy = load_policy(policies / "default.yaml")
    suite = CheckSuite(bench_rules.switched_off(policy.checks, "toxicity", "coherence", "language"),
                       CheckEnv(policy.base_dir))
    bench_rules.warm_up(suite)
    return suite


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True, help="a checkout whose policies/ to compare against")
    ap.add_argument("--after", type=Path, default=ROOT, help="the checkout measured (default: this one)")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "data_ab.json")
    args = ap.parse_args()

    patterns_module.patterns_path = _patterns_path  # the pattern checks read the data of the side being timed
    sides = {"before": args.before.resolve() / "policies", "after": args.after.resolve() / "policies"}
    suites = {side: suite_over(policies) for side, policies in sides.items()}
    cands = bench_rules.make_candidates(bench_rules.load_catalog(args.catalog), args.n, random.Random(7))
    # each side its own subjects: a subject memoizes what it computed once (the pattern rules its literals wake)
    subjects = {side: [Subject(c) for c in cands] for side in suites}
    gc.freeze()
    best: dict[str, dict[str, float]] = {side: {} for side in suites}
    for round_ in range(args.rounds):  # the sides take turns going first (caches warmed by one serve the other)
        for side, suite in sorted(suites.items(), reverse=bool(round_ % 2)):
            _policies["dir"] = sides[side]
            for check in suite.checks:
                t0 = time.perf_counter()
                for lo in range(0, len(cands), 512):
                    check.run_batch(subjects[side][lo : lo + 512])
                elapsed = time.perf_counter() - t0
                best[side][check.id] = min(best[side].get(check.id, elapsed), elapsed)
    result = {
        "candidates": len(cands),
        "rounds": args.rounds,
        "before": str(sides["before"]),
        "after": str(sides["after"]),
        "seconds": {side: {k: round(v, 4) for k, v in times.items()} for side, times in best.items()},
        "total_seconds": {side: round(sum(times.values()), 4) for side, times in best.items()},
        "after_over_before": {k: round(best["after"][k] / best["before"][k], 3) for k in best["after"]},
    }
    result["total_after_over_before"] = round(result["total_seconds"]["after"] / result["total_seconds"]["before"], 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
