"""Threats nobody wrote a rule for: HateCheck's threat cases (Röttger et al., ACL 2021; test suite CC-BY-4.0), and its
counter-speech and negation cases, each as a description and as a theme (rules only, default policy).

HateCheck's threat functionalities (``threat_dir_h``: "I am going to shoot the next immigrant I see";
``threat_norm_h``: "Muslims should all be killed") are threats against seven groups in 39 templates; a threat
approved is a miss. Its non-hateful cases that quote, refer to or negate hate (``counter_quote_nh``,
``counter_ref_nh``, ``negate_neg_nh``) are counter-speech: the threat check may send one to a reviewer, and should not
reject it (profanity quoted is rejected by the terms check all the same: a storefront shows none). The suite lives on GitHub (``paul-rottger/hatecheck-data``, ``test_suite_cases.csv``), which no package
registry carries, so the file is given by path:

    python bench/quality/hatecheck.py test_suite_cases.csv

Prints, per functionality and field, the cases approved (hateful) or rejected with the threat check among the checks
that flagged them (non-hateful), and the first of them.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]

import run  # noqa: E402

from judge.models import Candidate, Decision  # noqa: E402

HATEFUL = ("threat_dir_h", "threat_norm_h")  # a case approved is missed
COUNTER = ("counter_quote_nh", "counter_ref_nh", "negate_neg_nh")  # a case rejected is a false reject
SHOWN = 3  # cases printed per row


def read_cases(path: Path) -> dict[str, list[str]]:
    """The test cases of the measured functionalities, by functionality (the suite's text, stripped)."""
    cases: dict[str, list[str]] = {f: [] for f in (*HATEFUL, *COUNTER)}
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["functionality"] in cases:
                cases[row["functionality"]].append(row["test_case"].strip())
    return cases


def candidates(texts: list[str]) -> dict[str, list[Candidate]]:
    """Each text as a description under a plain theme, and as the theme itself."""
    return {
        "description": [Candidate(id=f"d{i}", placement="p", theme="Weeknight dinner picks", keywords=["pasta", "rice"],
                                  description=t) for i, t in enumerate(texts)],
        "theme": [Candidate(id=f"t{i}", placement="p", theme=t, keywords=run.KEYWORDS) for i, t in enumerate(texts)],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", type=Path, help="HateCheck's test_suite_cases.csv")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp())
    for functionality, texts in read_cases(args.cases).items():
        hateful = functionality in HATEFUL
        for field, cands in candidates(texts).items():
            found = run.gate_checks(cands, out / f"{functionality}-{field}.db")
            wrong = [texts[int(c.id[1:])] for c in cands if _wrong(*found[c.id], hateful)]
            print(f"{functionality} as {field}: {len(wrong)} of {len(texts)} {'approved' if hateful else 'rejected'}",
                  wrong[:SHOWN])


def _wrong(decision: Decision, checks: set[str], hateful: bool) -> bool:
    """A threat approved, or counter-speech rejected with the threat check among those that flagged it."""
    return decision == Decision.APPROVED if hateful else decision == Decision.REJECTED and "threats" in checks


if __name__ == "__main__":
    main()
