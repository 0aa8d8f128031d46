"""Write the real words that the term matcher would misread as a block term, so that it reads them as words.

    python scripts/import_misread.py [--out policies/terms]

Run it last, after scripts/import_lexicons.py and scripts/import_wordnet.py: it builds the matcher from the lists
those wrote (the default policy's lists, read from ``--out``) and reads the frequent words of every imported
language (wordfreq) with it, one word at a time. A word is *misread* when it hits a block term only through a
reading that the matcher derives, never as the term is listed, and the word is not that term:

- a real word of any language is no misspelling of another ("mullets" is no "bullets", Spanish "bastará" no
  "bastard");
- English words (Zipf >= ``--english-zipf``): a compound or respelling is misread when the word neither holds the
  term as written nor spells it closely ("cokes" is no "cock", "marksmen" no "semen"; "fking" does spell
  "fucking", and "bullshitting" holds "shit": both stay profanity);
- other languages' words (Zipf >= ``--other-zipf`` in their language, and more frequent there than in English):
  English morphology does not read them as a term that they neither hold as written nor spell as a cognate does
  ("commandes" is no "nudes", "succede" no "sucked", "piñas" no "penis"; "porno" holds "porn", and "pädophile"
  and "genitales" are cognates of terms); a word of five letters or fewer one letter off a term is as often another
  word and no cognate ("penas", sorrows, is no "penis"; "puse" no "pussy").

- WordNet's plain words (one-word lemmas, and the plurals of those nouns that are misread, that WordNet marks neither vulgar nor a slur, that
  share no synset with a listed term and hold no root that no clean word holds): a derived reading of profanity, sex
  or hate terms is misread even when the word holds the term as written, as a dictionary's word is a word
  ("stopcock", "soupspoon", "cockspur", "shittah", "milfoil"; "whoremonger" holds "whore", which no clean word holds,
  and "nicker" sounds like a slur).

``misread_words.txt`` (beside ``morphology.yaml``) lists them; the matcher treats them as real words, never as
compounds, spellings or misspellings (a listed term still hits exactly). ``common_words_other.txt`` lists the other
languages' common words (Zipf >= ``--common-other-zipf`` there, ten times as frequent as in English), but the listed
terms: two of them side by side are two words, never halves of a term split by a space ("wenig ganz" is no "nigga"). Data: wordfreq (CC-BY-SA-4.0), as the
other word lists, and WordNet 3.0 (``--wordnet``, Debian's wordnet-base); see SOURCES.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from os.path import commonprefix
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from judge.models import Severity  # noqa: E402
from judge.policy import load_policy  # noqa: E402
from judge.rules.lexicon import Hit, build_index  # noqa: E402
from judge.rules.normalize import normalize  # noqa: E402
from scripts.import_wordnet import CLEARABLE, listed_terms, plain_lemmas  # noqa: E402

TERMS = ROOT / "policies" / "terms"
LANGS = ["en", "es", "fr", "de", "it", "pt", "nl"]
LISTED = {"exact", "leet", "plural", "inflected", "prefix", "joined", "hyphenated", "symbols"}  # the term as listed (or
# inflected as English spells it: "groping" is "grope")
RESPELLED = {"spelling", "fuzzy", "scrambled", "repeat", "masked"}  # the term written another way
# Levenshtein similarity at or above which a word spells the term it hits: an English respelling ("fking",
# "biatch"), another language's cognate ("pädophile", "genitales", "bestialità")
CLOSE = {"en": 0.6, "other": 0.75}
CLOSE_MIN_OTHER = 6  # another language's word this long or longer may be a close cognate ("inzest", "pädophile");
# shorter ones one letter off are as often other words ("penas", sorrows, is no "penis")
COGNATE_START = 6  # letters that a word shares with the start of a term it hits to be that term's cognate ("masturbarse")


def misread(word: str, lang: str, hits: list[Hit]) -> bool:
    """Whether ``word`` of ``lang`` hits block terms only through derived readings of terms it is not."""
    block = [h for h in hits if h.entry.severity == Severity.BLOCK]
    if not block or any(h.how in LISTED for h in block):
        return False
    folded = normalize(word).text
    for h in block:
        keys = {k.replace(" ", "") for k in (h.entry.key, normalize(h.entry.term).text)}  # an alias and its term
        if any(k in folded for k in keys):
            return False  # "bullshitting" holds "shit", "retardo" "retard"
        close = CLOSE["en" if lang == "en" else "other"]
        if h.how == "fuzzy":
            continue  # a near spelling by edit distance is no cognate: "bastara" ("will do") is no "bastard"
        if (lang == "en" or len(folded) >= CLOSE_MIN_OTHER) and any(
                Levenshtein.normalized_similarity(folded, k) >= close for k in keys):
            return False  # "fking" spells "fucking", "pädophile" is "pedophile"
        if any(len(commonprefix([folded, k])) >= COGNATE_START for k in keys):
            return False  # a cognate with another ending: "masturbarse" is "masturbate" in Spanish
    return True


def misread_plain(word: str, hits: list[Hit], strong) -> bool:
    """Whether a dictionary's plain ``word`` hits profanity, sex or hate terms only through derived readings, and
    holds no root that no clean word holds (``strong``). A slur respelled is how slurs slip past lists: a word that
    sounds like one stays a hit ("nicker"), one that holds one in a compound does not ("coontie", a plant)."""
    flagged = [h for h in hits if h.entry.severity in (Severity.BLOCK, Severity.REVIEW)]
    if any(h.entry.category == "hate_speech" and h.how in RESPELLED for h in flagged):
        return False
    return (any(h.entry.severity == Severity.BLOCK for h in flagged) and not strong(word)
            and all(h.how not in LISTED and any(fnmatch.fnmatch(h.entry.category, c) for c in CLEARABLE) for h in flagged))


def words_of(lang: str, min_zipf: float, top: int) -> list[str]:
    from wordfreq import top_n_list, zipf_frequency

    return [w for w in top_n_list(lang, top) if w.isalpha() and len(w) >= 4 and zipf_frequency(w, lang) >= min_zipf
            and (lang == "en" or zipf_frequency(w, lang) > zipf_frequency(w, "en"))]


def common_words_other(min_zipf: float, top: int, listed: set[str]) -> set[str]:
    """The other languages' common words (Zipf >= ``min_zipf`` there, ten times as frequent as in English), as tokens
    read them, but the listed terms: two of them side by side stay two words ("wenig ganz" is no "nigga", "dentes luta"
    no "slut")."""
    from wordfreq import top_n_list, zipf_frequency

    return {folded for lang in LANGS[1:] for w in top_n_list(lang, top)
            if w.isalpha() and len(w) >= 3 and zipf_frequency(w, lang) >= max(min_zipf, zipf_frequency(w, "en") + 1)
            and (folded := normalize(w).text) not in listed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=TERMS, help="folder of the lists (default: policies/terms)")
    ap.add_argument("--english-zipf", type=float, default=2.0)
    ap.add_argument("--other-zipf", type=float, default=2.5)
    ap.add_argument("--top", type=int, default=100_000, help="words read per language, most frequent first")
    ap.add_argument("--common-other-zipf", type=float, default=3.5,
                    help="the other languages' words this frequent there are common_words_other.txt")
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"), help="folder of WordNet 3.0's files")
    args = ap.parse_args()
    terms = load_policy("default").checks.terms

    def here(ref: str) -> Path:
        return args.out / Path(ref).name if (args.out / Path(ref).name).is_file() else TERMS / Path(ref).name

    for later in ("misread_words.txt", "common_words_other.txt"):
        (args.out / later).write_text("")  # read with none, then written
    index = build_index(tuple(map(here, terms.lists)), tuple(map(here, terms.allow)), args.out / "morphology.yaml")
    found: set[str] = set()
    for lang in LANGS:
        zipf = args.english_zipf if lang == "en" else args.other_zipf
        found |= {normalize(w).text for w in words_of(lang, zipf, args.top)
                  if misread(w, lang, index.find(normalize(w), terms.fuzzy))}
    morphology = index.morphology
    assert morphology is not None

    def plain_misread(word: str) -> bool:
        return misread_plain(word, index.find(normalize(word), terms.fuzzy), morphology.strong)

    for lemma, plural in plain_lemmas(args.wordnet, set(listed_terms(args.out))).items():
        if plain_misread(lemma):
            found |= {lemma, *([plural] if plural and plain_misread(plural) else [])}  # "stopcocks"; not "pennis" (penni)
    note = ("# Generated by scripts/import_misread.py from wordfreq (data CC-BY-SA-4.0) and WordNet 3.0 (WordNet 3.0"
            " licence); see SOURCES.md.\n")
    (args.out / "misread_words.txt").write_text(note + "".join(w + "\n" for w in sorted(found)))
    print(f"{len(found)} misread words -> {args.out / 'misread_words.txt'}")
    common = common_words_other(args.common_other_zipf, args.top, set(index.exact))
    (args.out / "common_words_other.txt").write_text(note.replace(" and WordNet 3.0 (WordNet 3.0 licence)", "")
                                                    + "".join(w + "\n" for w in sorted(common)))
    print(f"{len(common)} common words of the other languages -> {args.out / 'common_words_other.txt'}")


if __name__ == "__main__":
    main()
