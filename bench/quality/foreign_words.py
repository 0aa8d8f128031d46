"""False rejects on other languages' food words: every one-word headword of four letters or more (a theme is no
shorter) of FreeDict's dictionaries to English (Spanish, French, German, Italian, Portuguese, Dutch) that an English
food noun of WordNet's translates (policies/terms/food_nouns.txt: "Eiernudel" is an egg noodle, "pisang" a banana), in
an entry marked neither vulgar nor translated by any English term of the lexicon ("Arschkriecher" is a sucker: left
out), as a theme with the quality bench's keywords (rules only, default policy). No rule was written from this
material.

    apt-get install wordnet-base dict-freedict-{spa,fra,deu,ita,por,nld}-eng  # once
    python bench/quality/foreign_words.py [--limit 0]

Prints the count per language and each word not approved.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts"), str(HERE)]

import freedict  # noqa: E402
import run  # noqa: E402

from judge.models import Candidate  # noqa: E402


def food_words(food: set[str], profane: set[str]) -> list[tuple[str, str]]:
    """(language, headword) for each one-word headword that a food noun translates, and no ``profane`` word."""
    return [(lang, head) for lang in freedict.CODES for head, english in sorted(freedict.translations(lang).items())
            if head.isalpha() and len(head) >= 4 and "vulg" not in english and any(e in food for e in english)
            and not any(e in profane for e in english)]


def lexicon_terms() -> set[str]:
    """The single-word terms of every shipped term list, any severity."""
    terms = set()
    for path in (ROOT / "policies" / "terms").glob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        for category in data.get("categories", []) if isinstance(data, dict) else []:
            for t in category.get("terms", []):
                term = t if isinstance(t, str) else t.get("term", "")
                terms.update(term.lower().split()[:1] if " " not in term else ())
    return terms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="words to measure (0: all)")
    args = ap.parse_args()
    food = {w for w in (ROOT / "policies" / "terms" / "food_nouns.txt").read_text("utf-8").split("\n")
            if w and not w.startswith("#")}
    words = food_words(food, lexicon_terms())[: args.limit or None]
    cands = [Candidate(id=str(i), placement="p", theme=w, keywords=run.KEYWORDS) for i, (_, w) in enumerate(words)]
    decisions = run.gate(cands, Path(tempfile.mkdtemp()) / "foreign.db")
    wrong = [(lang, w, decisions[str(i)].value) for i, (lang, w) in enumerate(words)
             if decisions[str(i)] != run.Decision.APPROVED]
    total, missed = Counter(lang for lang, _ in words), Counter(lang for lang, _, _ in wrong)
    for lang in freedict.CODES:
        print(f"{lang}: {missed[lang]} of {total[lang]} not approved")
    print(f"all: {len(wrong)} of {len(words)} not approved ({len(wrong) / max(len(words), 1):.2%})")
    for item in wrong:
        print("  ", *item)


if __name__ == "__main__":
    main()
