"""Coherence quality with the catalog and embeddings: hand-written meal and occasion themes, unrelated sets,
single-outlier sets (`coherence.jsonl`), and real product names as themes with same-aisle keywords.

    python bench/quality/coherence.py [--catalog ../shared/data/instacart] [--products 3000] [--split tune|report|all]
    python bench/quality/coherence.py --split tune --set affinity_level=aisle,min_aisle_affinity=0.5 --set ...

Only the coherence check runs (its findings of severity review or block are what keeps a candidate from
approval). The hand-written sets are split by position: even lines tune, odd lines report.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from judge.cascade import catalog  # noqa: E402
from judge.cascade.catalog import StoreEvidence  # noqa: E402
from judge.models import Candidate  # noqa: E402
from judge.policy import load_policy  # noqa: E402
from judge.rules.checks import CheckEnv, Subject  # noqa: E402
from judge.rules.checks.coherence import CoherenceCheck  # noqa: E402
from judge.store import Store  # noqa: E402
from judge.surfaces.catalog_files import read_catalog  # noqa: E402

HERE = Path(__file__).resolve().parent


def flagged(findings: list) -> list:
    return [f for f in findings if f.severity.value in ("review", "block")]


def product_sets(folder: Path, n: int, rng: random.Random) -> list[Candidate]:
    aisles = {r[0]: r[1] for r in csv.reader((folder / "aisles.csv").open())}
    by_aisle: dict[str, list[str]] = defaultdict(list)
    with (folder / "products.csv").open(encoding="utf-8", errors="replace") as f:
        for row in csv.reader(f):
            if len(row) == 4 and row[2] in aisles and aisles[row[2]] not in ("missing", "other"):
                by_aisle[row[2]].append(row[1])
    names = [(a, t) for a, ts in by_aisle.items() for t in ts if len(ts) >= 6]
    out = []
    for i, (aisle, title) in enumerate(rng.sample(names, n)):
        peers = rng.sample([t for t in by_aisle[aisle] if t != title], 4)
        out.append(Candidate(id=f"p{i}", placement="p", theme=title[:60], keywords=[" ".join(p.split()[:3]) for p in peers]))
    return out


def _value(v: str) -> float | str | list:
    if v.startswith("["):  # a list, its items joined by '|': [pets|babies]
        return [x for x in v.strip("[]").split("|") if x]
    try:
        return float(v)
    except ValueError:
        return v


def evaluate(check: CoherenceCheck, rows: list[dict], products: list[Candidate]) -> dict:
    hand = [Candidate(id=f"h{i}", placement="p", theme=r["theme"], keywords=r["keywords"]) for i, r in enumerate(rows)]
    found = check.run_batch([Subject(c) for c in hand])
    result: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[str] = []
    for r, f in zip(rows, found, strict=True):
        hits = flagged(f)
        if r["kind"] == "coherent":
            ok = not hits
        elif r["kind"] == "unrelated":
            ok = bool(hits)
        else:
            ok = any(h.field in (f"keywords[{r['outlier']}]", "keywords") for h in hits)
        result[r["kind"]][0] += ok
        if not ok:
            wrong.append(f"{r['kind']}: {r['theme']} {r['keywords']} -> {[(h.term, h.text) for h in hits]}")
        result[r["kind"]][1] += 1
    pf = check.run_batch([Subject(c) for c in products])
    wrongly = sum(1 for f in pf if flagged(f))
    by_rule: dict[str, int] = defaultdict(int)
    for f in pf:
        for h in flagged(f):
            by_rule[h.term or ""] += 1
    return {
        "coherent themes approved": f"{result['coherent'][0]}/{result['coherent'][1]}",
        "unrelated sets flagged": f"{result['unrelated'][0]}/{result['unrelated'][1]}",
        "outlier keyword flagged": f"{result['outlier'][0]}/{result['outlier'][1]}",
        "product-name themes not approved": f"{wrongly}/{len(products)} ({100 * wrongly / len(products):.1f}%)",
        "product-name flags by rule": dict(by_rule),
        "wrong": wrong,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart")
    ap.add_argument("--products", type=int, default=3000)
    ap.add_argument("--no-catalog", action="store_true",
                    help="Run the check as a new user does, with no catalog loaded (embeddings and WordNet only); the "
                         "catalog's product names are still the product-name themes.")
    ap.add_argument("--split", default="all", choices=["tune", "report", "all"])
    ap.add_argument("--sets", type=Path, default=HERE / "coherence.jsonl", help="The hand-written sets (JSON lines).")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE,...",
                    help="Coherence settings to evaluate (KEY=VALUE pairs joined by commas); repeat to sweep several "
                         "in one run (the catalog is loaded and the embeddings computed once).")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.sets.read_text().splitlines() if line.strip()]
    if args.split != "all":
        rows = [r for i, r in enumerate(rows) if (i % 2 == 0) == (args.split == "tune")]
    products = product_sets(args.catalog, args.products, random.Random(11))
    with tempfile.TemporaryDirectory() as d:
        store = Store(Path(d) / "c.db")
        if not args.no_catalog:
            catalog.load(store, read_catalog(args.catalog / "products.csv"))
        policy = load_policy("default")
        for setting in args.set or [""]:
            update: dict = {"severity": dict(policy.checks.coherence.severity)}
            for k, v in (kv.split("=") for kv in setting.split(",") if kv):
                if k.startswith("severity."):  # severity.keyword_off_theme_embedding=review
                    update["severity"][k.removeprefix("severity.")] = v
                else:
                    update[k] = _value(v)
            cfg = policy.checks.coherence.model_copy(update=update)
            evidence = None if args.no_catalog else StoreEvidence(store)
            check = CoherenceCheck(cfg, CheckEnv(policy.base_dir, catalog=evidence, vectors=store))
            print(json.dumps({"split": args.split, "settings": update, **evaluate(check, rows, products)}, indent=1), flush=True)


if __name__ == "__main__":
    main()
