"""Look-alikes nobody wrote: the usage examples of WordNet 3.0's glosses ("I approve of his educational policies", "The
bill cleared the House", "pretend to be sick"), every quoted sentence of 8 to 200 characters, each as a theme with the
quality bench's keywords (rules only, default policy). Real sentences that use a judge's verbs and nouns in their
everyday senses: how many the injection and threat checks flag (a review at least) and how many of those are rejected
(the issue's measure for look-alikes: none). No rule was written from this material.

    apt-get install wordnet-base  # once
    python bench/quality/usage_examples.py [--limit 0] [--wordnet /usr/share/wordnet]

Prints the counts per check and each sentence rejected.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]

import run  # noqa: E402

from judge.models import Candidate, Decision  # noqa: E402

CHECKS = ("injection", "threats")
_EXAMPLE = re.compile(r'"([^"]{8,200})"')


def usage_examples(wordnet: Path) -> list[str]:
    """The quoted sentences of every gloss (each part of speech), sorted, each once."""
    found: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"data.{pos}").read_text("utf-8", errors="replace").splitlines():
            if line and not line.startswith(" ") and "|" in line:
                found.update(_EXAMPLE.findall(line.split("|", 1)[1]))
    return sorted(found)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="sentences to measure (0: all)")
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    args = ap.parse_args()
    examples = usage_examples(args.wordnet)[: args.limit or None]
    cands = [Candidate(id=str(i), placement="p", theme=e, keywords=run.KEYWORDS) for i, e in enumerate(examples)]
    found = run.gate_checks(cands, Path(tempfile.mkdtemp()) / "usage.db")
    for check in CHECKS:
        flagged = [int(cid) for cid, (_, checks) in found.items() if check in checks]
        rejected = sorted(i for i in flagged if found[str(i)][0] == Decision.REJECTED)
        print(f"{check}: {len(flagged)} of {len(examples)} flagged, {len(rejected)} rejected")
        for i in rejected:
            print("  ", examples[i])


if __name__ == "__main__":
    main()
