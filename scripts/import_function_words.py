"""Write the function words of the seven languages that the injection grammar reads, reproducibly.

    apt-get install liblingua-stopwords-perl && python scripts/import_function_words.py

Source: the Snowball project's stop lists (BSD-3-Clause), as Debian's ``liblingua-stopwords-perl`` ships them in
``Lingua::StopWords`` (Artistic or GPL-1+; read at import time, the words written out with their provenance). They are
function words only: articles, pronouns, prepositions, conjunctions and the forms of the auxiliaries ("the", "your",
"is", "ce", "nicht"). The grammar's ``wholly`` reading leaves them out when it asks whether every other word of a
sentence is a judge's word ("Quality check: passed"). Words are written as the normalizer reads them: casefolded,
accents folded ("été" -> "ete"), one per line, sorted.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.rules.normalize import normalize  # noqa: E402
from scripts.debian import package_version  # noqa: E402

PACKAGE = "liblingua-stopwords-perl"
MODULES = Path("/usr/share/perl5/Lingua/StopWords")
LANGS = ["EN", "ES", "FR", "DE", "IT", "PT", "NL"]  # the lexicons' languages
OUT = ROOT / "policies" / "grammars" / "function_words.txt"
_QW = re.compile(r"qw\((.*?)\)", re.S)


def stop_words(module: Path) -> list[str]:
    """The words of one ``Lingua::StopWords`` module's ``_stopwords`` list (a Perl ``qw(...)``)."""
    text = module.read_text(encoding="utf-8")
    found = _QW.search(text, text.find("sub _stopwords"))
    if found is None:
        raise SystemExit(f"{module}: no qw(...) list of words")
    return found.group(1).split()


def read_as_normalized(words: list[str]) -> list[str]:
    """The words as the normalizer reads a text (a word that it splits, "l'on", keeps its parts)."""
    return sorted({part for w in words for part in re.findall(r"[^\W\d_]+", normalize(w).text)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", type=Path, default=MODULES, help="the folder of Lingua::StopWords' language modules")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    version = package_version(PACKAGE)
    if version is None:
        raise SystemExit(f"{PACKAGE} is not installed: apt-get install {PACKAGE}")
    modules = [args.modules / f"{lang}.pm" for lang in LANGS]
    digest = hashlib.sha256(b"".join(m.read_bytes() for m in modules)).hexdigest()
    words = read_as_normalized([w for m in modules for w in stop_words(m)])
    header = [
        "# Function words of English, Spanish, French, German, Italian, Portuguese and Dutch, as the normalizer reads",
        "# them: the Snowball project's stop lists (BSD-3-Clause), from Debian's "
        f"{PACKAGE} {version} (Lingua::StopWords, Artistic or GPL-1+),",
        f"# modules {', '.join(m.name for m in modules)}, sha256 of them in that order {digest}.",
        "# Written by scripts/import_function_words.py; do not edit by hand.",
    ]
    args.out.write_text("\n".join([*header, *words]) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(words)} words")


if __name__ == "__main__":
    main()
