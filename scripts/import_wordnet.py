"""Write the food and non-food goods noun lists of the coherence check from WordNet, reproducibly.

    apt-get install wordnet-base && python scripts/import_wordnet.py [--wordnet /usr/share/wordnet]

Source: WordNet 3.0 (Princeton University), as Debian's ``wordnet-base`` package ships it (``index.noun`` and
``data.noun``), under the WordNet 3.0 licence (see policies/terms/SOURCES.md). Each noun sense belongs to one
lexicographer file ("lexname"); this script keeps two classes of lemmas:

- ``food_nouns.txt``: a lemma with a food sense (``noun.food``), however rare in WordNet's counts ("tortilla",
  "kale", "olive oil", and "lime", whose fruit is its sixth sense); a plant sense alone is no food ("lavender",
  "hair" and "blade" have one);
  food for animals is not ("birdseed", "dog food": WordNet's "feed, provender" and its hyponyms), and goes to
  ``feed_nouns.txt``;
- ``goods_nouns.txt``: a lemma with no food sense, one of whose first two senses is an artifact or a substance
  (``noun.artifact``, ``noun.substance``): goods that nobody eats ("shampoo", "detergent", "diaper", "bulb",
  "bleach", whose first sense is the act of bleaching).

- ``allow_wordnet.yaml``: WordNet's food (and, for profanity and slurs, plant) lemmas that hold a listed term
  ("cock-a-leekie", "spotted dick", "pussy willow", "dill weed"), and its food words that are listed terms
  themselves, or whose plurals are ("kumquat", "twinkie", "sucker", "loins"; a plant alone never clears a word:
  "rape" is a plant too): phrases in which a hit is no finding. Restricted goods (drugs,
  tobacco, alcohol, arms) are cleared only by a food phrase of several words ("dill weed", never "cannabis
  sativa"). Run it after scripts/import_lexicons.py: it reads the term lists.

- ``slang_words.txt``: words that wordfreq knows (``known_words.txt``, ``common_words_en.txt``) and WordNet does not
  (any part of speech, inflections read: ``index.*``, ``*.exc``), made of a root of the morphology and a word of
  four letters or more that WordNet knows: "shitload", "shitheel", "fuckfest". The matcher reads them as compounds,
  not as real words. A root counts only when every common word that WordNet knows and that starts with it is
  profane (a listed term, one with an ending, or a lemma whose every sense WordNet marks vulgar, a slur or
  disparaging): "cock" starts "cocktail" and "butt" "butter", so "Cockburn" and "Butterick" stay words.

- ``policies/grammars/person_nouns.txt`` and ``nations.txt``: the people and the countries that the threat grammar
  may name beyond its groups ("hang the traitors", "death to Israel"): nouns whose first sense is a person
  (``noun.person``), with their plurals, the plurals of the kinds of people it names with a capital ("koreans",
  "texans"), and the names WordNet lists under "country, state, land".
- ``policies/grammars/peoples.txt``: those kinds of people alone, in the plural ("somalis", "haitians", "jews"), less
  the names that are a common noun too ("angles", "sisters"): violence named beside one in a sentence is for a
  reviewer ("Armed patrols to hunt Syrians tonight").

Multi-word lemmas are written with spaces ("toilet paper"). Tests never run this script; they run the check on
what it wrote.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import re
import sys
from pathlib import Path
from typing import NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from judge.rules.morphology import Morphology, load_morphology  # noqa: E402

TERMS = ROOT / "policies" / "terms"
GRAMMARS = ROOT / "policies" / "grammars"
POS = ("noun", "verb", "adj", "adv")
# noun synsets that mark a sense's usage (";u" pointers): "obscenity, smut, vulgarism", "ethnic slur", "disparagement"
VULGAR_USAGE = frozenset({"07124340", "06718862", "06717170"})
ENDINGS = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("er", ""),
           ("ers", ""), ("est", ""), ("ier", "y"), ("iest", "y"), ("ings", ""), ("ly", ""), ("ily", "y"))
FOOD, ARTIFACT, SUBSTANCE, PLANT, PERSON, ANIMAL = "13", "06", "27", "20", "18", "05"  # lexicographer file numbers (lexnames(5WN))
GOODS_FIRST = frozenset({FOOD, PLANT, "23"})  # and noun.quantity ("nip" of liquor); no artifact ("muff"), no substance ("gook")
PLACE_OR_PEOPLE = frozenset({"14", "15", "17", "18"})  # noun.group, noun.location, noun.object, noun.person
TERM_LISTS = ["garm.yaml", "retail.yaml", "lexicon_en.yaml"]
CLEARABLE = ["adult_sexual", "obscenity_profanity", "hate_speech", "profanity_*"]  # as TermsConfig.product_phrases


def sense_offsets(index_noun: Path) -> dict[str, list[str]]:
    """Lemma -> the synset offsets of its senses, most frequent sense first."""
    out = {}
    for line in index_noun.read_text("utf-8", errors="replace").splitlines():
        if not line or line.startswith(" "):
            continue
        f = line.split()
        lemma, synset_cnt, p_cnt = f[0], int(f[2]), int(f[3])
        out[lemma.replace("_", " ")] = f[4 + p_cnt + 2 : 4 + p_cnt + 2 + synset_cnt]
    return out


def goods_first(wordnet: Path, words: set[str]) -> set[str]:
    """The ``words`` whose first noun sense (or their singular's) is a thing a store sells or measures, and not marked
    vulgar, a slur or disparaging: "nip" is first a small drink of liquor, "jigger" a glass, "hoes" tools."""
    offsets = sense_offsets(wordnet / "index.noun")
    _, marked, _ = _synsets(wordnet)
    lex = read_nouns(wordnet / "data.noun").lex

    def goods(lemma: str) -> bool:
        first = offsets.get(lemma, [None])[0]
        return first is not None and lex[first] in GOODS_FIRST and ("noun", first) not in marked

    return {w for w in words if goods(w) or any(goods(s) for s in _stems(w, ENDINGS[:3]))}


def senses(offsets: dict[str, list[str]], lex: dict[str, str]) -> dict[str, list[str]]:
    """Lemma -> the lexicographer files of its senses, most frequent sense first."""
    return {lemma: [lex[o] for o in os] for lemma, os in offsets.items()}


class Nouns(NamedTuple):
    """WordNet's noun synsets, read once from ``data.noun``, by offset."""

    lex: dict[str, str]  # the lexicographer file number
    lemmas: dict[str, list[str]]  # the lemmas as WordNet writes them ("Great_Britain", "fry")
    below: dict[str, list[tuple[str, str]]]  # (pointer, offset): hyponyms ("~") and instances ("~i")


def read_nouns(data_noun: Path) -> Nouns:
    nouns = Nouns({}, {}, {})
    for line in data_noun.read_text("utf-8", errors="replace").splitlines():
        if line and not line.startswith(" "):
            f = line.split()
            nouns.lex[f[0]] = f[1]
            nouns.lemmas[f[0]] = f[4 : 4 + 2 * int(f[3], 16) : 2]
            nouns.below[f[0]] = [(x, f[i + 1]) for i, x in enumerate(f) if x in ("~", "~i")]
    return nouns


def hyponyms_of(nouns: Nouns, words: list[str], pointers: tuple[str, ...] = ("~",)) -> dict[str, list[str]]:
    """The noun synset whose first lemmas are ``words`` and all its hyponyms (and, with ``"~i"``, instances),
    transitively: offset -> lemmas as WordNet writes them."""
    under: dict[str, list[str]] = {}
    todo = [o for o, ws in nouns.lemmas.items() if ws[: len(words)] == words][:1]
    while todo:
        o = todo.pop()
        if o not in under:
            under[o] = nouns.lemmas[o]
            todo += [b for pointer, b in nouns.below.get(o, ()) if pointer in pointers]
    return under


AUXILIARIES = frozenset({"be", "have", "do", "can", "may", "will", "shall", "must"})


def person_nouns(offsets: dict[str, list[str]], nouns: Nouns, wordnet: Path) -> list[str]:
    """One-word common nouns whose first sense is a person (``noun.person``: "teacher", "traitor", "neighbour"; not
    "star", whose first sense is a star, nor "fry", whose is a man named Fry), with their plurals (WordNet's own where it
    lists one: "children"), a hyphenated one joined too ("coworkers"): the people a threat may name. A noun that is an
    adjective too counts in the plural only ("the drys", not "dry turkey"); an auxiliary verb's noun not at all ("the
    haves": "expanding gas have become" names nobody)."""
    people = {w for w, os in offsets.items() if nouns.lex[os[0]] == PERSON and w in nouns.lemmas[os[0]]  # a name is Capitalized
              and w.isascii() and w.replace("-", "").isalpha() and w not in AUXILIARIES}
    adjectives = {line.split(" ", 1)[0] for line in (wordnet / "index.adj").read_text("utf-8").splitlines() if line[:1] != " "}
    plurals: dict[str, list[str]] = {}
    for line in (wordnet / "noun.exc").read_text("utf-8").splitlines():
        plural, lemma = line.split()[:2]
        if lemma in people:
            plurals.setdefault(lemma, []).append(plural)
    for w in people:  # WordNet reads "-men" as "-man" by rule, not by list; "germans" is regular all the same
        plurals.setdefault(w, [_plural(w)]).extend([w[:-3] + "men"] if w.endswith("man") else [])
    forms = {f for w in people for f in ([] if w in adjectives else [w]) + plurals[w]}
    forms |= peoples(offsets, nouns)
    return sorted(forms | {f.replace("-", "") for f in forms})


def peoples(offsets: dict[str, list[str]], nouns: Nouns) -> set[str]:
    """The plurals of the peoples, faiths and parties that WordNet names with a capital under "person" (kinds of
    people, not one person: hyponyms, not instances): "koreans", "texans", "jews", "democrats". In the plural only, as
    a group is named ("Hang the Aussie flag" is a flag); a name that is food, a plant, an animal, goods or a substance
    too is left out ("swedes", "frankfurters", "afghans"), and so is a plural that is the word itself ("Japanese")."""
    things = frozenset({FOOD, ARTIFACT, SUBSTANCE, PLANT, ANIMAL})
    named = {w.lower() for ws in hyponyms_of(nouns, ["person", "individual"]).values() for w in ws
             if w[:1].isupper() and w.isascii() and w.replace("-", "").isalpha()}
    kinds = {w for w in named if not any(nouns.lex[o] in things for o in offsets.get(w, ()))}
    return {_plural(w) for w in kinds if not w.endswith(("ese", "ish", "ch", "sh", "ss"))}


def plain_peoples(offsets: dict[str, list[str]], nouns: Nouns) -> list[str]:
    """:func:`peoples`, less a name whose singular WordNet writes lowercase too, a common noun ("Angles": "angle";
    "Sisters": "sister"), which copy names every day."""
    lowercase = {w for ws in nouns.lemmas.values() for w in ws if w.islower()}
    return sorted(p for p in peoples(offsets, nouns) if p[:-1] not in lowercase and p[:-2] not in lowercase)


def nations(nouns: Nouns, offsets: dict[str, list[str]]) -> list[str]:
    """The names of countries, as WordNet lists them under "country, state, land" (hyponyms and instances): "america",
    "israel", "great britain", "holland"; not its common nouns ("african country"), nor a name that is also a word for
    a thing ("turkey", "chile", "china": an animal, food, plant or artifact). Other places and people may share it
    ("America" is a continent too, "France" a writer)."""
    names = {w for ws in hyponyms_of(nouns, ["country", "state", "land"], ("~", "~i")).values() for w in ws}
    return sorted({w.replace("_", " ").lower() for w in names
                   if all(p[0].isupper() or p in ("and", "of", "the") for p in w.split("_")) and w.isascii()
                   and all(nouns.lex[o] in PLACE_OR_PEOPLE for o in offsets.get(w.lower(), ()))})


def animal_feed(offsets: dict[str, list[str]], nouns: Nouns) -> set[str]:
    """Lemmas whose every food sense is food for animals: "feed, provender" and its hyponyms ("birdseed", "petfood",
    "dog food"). They name a keyword for another consumer, not food for the table."""
    under = hyponyms_of(nouns, ["feed", "provender"])
    food = {lemma: [o for o in os if nouns.lex[o] == FOOD] for lemma, os in offsets.items()}
    return {lemma for lemma, os in food.items() if os and all(o in under for o in os)}


def classify(by_lemma: dict[str, list[str]], feed: set[str] = frozenset()) -> tuple[list[str], list[str]]:
    food = sorted(w for w, s in by_lemma.items() if FOOD in s and w not in feed)
    goods = sorted(w for w, s in by_lemma.items() if FOOD not in s and {ARTIFACT, SUBSTANCE} & set(s[:2]))
    return food, goods


def listed_terms(folder: Path) -> dict[str, bool]:
    """Term -> whether a food or plant name may clear it (profanity, slurs) or only a food phrase (restricted goods)."""
    out: dict[str, bool] = {}
    for name in TERM_LISTS:
        for cat in yaml.safe_load((folder / name).read_text("utf-8"))["categories"]:
            if cat.get("severity") == "info":
                continue
            clearable = any(fnmatch.fnmatch(cat["id"], pat) for pat in CLEARABLE)
            for t in cat["terms"]:
                term = (t if isinstance(t, str) else t["term"]).lower()
                out[term] = out.get(term, True) and clearable
    return out


def allowed_phrases(by_lemma: dict[str, list[str]], terms: dict[str, bool]) -> list[str]:
    out = []
    for lemma, s in by_lemma.items():
        words = [w for w in re.split(r"[ \-']", lemma) if w]
        spans = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        held = [t for t in spans if t in terms]
        if len(words) == 1:  # a listed term, or its plural ("loins", "pansies"): the allow-list reads plurals too
            held = [t for t in (lemma, lemma + "s", lemma + "es", lemma[:-1] + "ies") if t in terms]
        if not held:
            continue
        if len(words) == 1:
            keep = FOOD in s and all(terms[t] for t in held)  # never a plant alone: "rape", "smut", "poon"
        else:
            keep = FOOD in s or (PLANT in s and all(terms[t] for t in held))
        if keep:
            out += held if len(words) == 1 else [lemma]  # "pansies", as listed
    return sorted(set(out))


def _synsets(wordnet: Path) -> tuple[dict[tuple[str, str], set[str]], set[tuple[str, str]], dict[str, set[tuple[str, str]]]]:
    """WordNet's synsets, keyed (part of speech, offset): the lemmas of each (joined), those whose usage WordNet
    marks vulgar, a slur or disparaging, and each lemma's synsets (the lemma as ``index.*`` writes it)."""
    words: dict[tuple[str, str], set[str]] = {}
    marked: set[tuple[str, str]] = set()
    members: dict[str, set[tuple[str, str]]] = {}
    for pos in POS:
        for line in (wordnet / f"data.{pos}").read_text("utf-8", errors="replace").splitlines():
            if line and not line.startswith(" "):
                f = line.split(" ")
                i = 4 + 2 * int(f[3], 16)
                key = (pos, f[0])
                words[key] = {_joined(w) for w in f[4:i:2]}
                if any(f[j] == ";u" and f[j + 1] in VULGAR_USAGE for j in range(i + 1, i + 1 + 4 * int(f[i]), 4)):
                    marked.add(key)
        for line in (wordnet / f"index.{pos}").read_text("utf-8", errors="replace").splitlines():
            if line and not line.startswith(" "):
                f = line.split()
                count, pointers = int(f[2]), int(f[3])
                members.setdefault(f[0], set()).update((pos, o) for o in f[4 + pointers + 2 : 4 + pointers + 2 + count])
    return words, marked, members


def lemmas(wordnet: Path) -> tuple[set[str], set[str]]:
    """Every lemma and listed inflection of WordNet, joined ("shit list" is "shitlist"), and the lemmas whose every
    sense is marked vulgar, a slur or disparaging."""
    _, marked, members = _synsets(wordnet)
    senses: dict[str, set[tuple[str, str]]] = {}
    for lemma, keys in members.items():
        senses.setdefault(_joined(lemma), set()).update(keys)
    known = set(senses)
    for pos in POS:
        known |= {_joined(line.split(" ", 1)[0]) for line in (wordnet / f"{pos}.exc").read_text("utf-8").splitlines() if line}
    return known, {w for w, keys in senses.items() if keys <= marked}


def plain_lemmas(wordnet: Path, terms: set[str]) -> dict[str, str | None]:
    """WordNet's one-word lemmas that no sense marks vulgar, a slur or disparaging and that share no synset with a
    listed term, each with its regular plural if it is a noun: real words ("stopcock", "soupspoon", "shittah"), not
    "marihuana" (a synonym of "marijuana") nor "whoreson" (marked vulgar)."""
    words, marked, members = _synsets(wordnet)
    excluded = marked | {key for key, ws in words.items() if ws & terms}
    plain = [w for w, keys in members.items() if w.isalpha() and w.isascii() and w not in terms and not keys & excluded]
    return {w: _plural(w) if any(pos == "noun" for pos, _ in members[w]) else None for w in sorted(plain)}


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def _joined(lemma: str) -> str:
    return re.sub(r"[_\-' ]", "", lemma.lower())


def _stems(word: str, endings) -> list[str]:
    """``word`` without each of its ``endings`` ((ending, what it replaced) pairs), a doubled last letter single
    too: "shopped" is "shop", "bullshitting" "bullshit"."""
    stems = [word[: -len(end)] + base for end, base in endings if word.endswith(end) and len(word) - len(end) >= 3]
    return stems + [s[:-1] for s in stems if len(s) >= 4 and s[-1] == s[-2]]


def in_wordnet(word: str, known: set[str]) -> bool:
    """The word, or a regular inflection of it ("shitloads", "cockfights", "twinkled"), is a WordNet lemma."""
    return word in known or any(s in known for s in _stems(word, ENDINGS))


def slang_words(m: Morphology, known: set[str], vulgar: set[str], terms: set[str]) -> list[str]:
    """Words that wordfreq knows and WordNet does not, made of a root that starts no clean common word and a word
    of four letters or more that WordNet knows ("shit" + "load"): compounds, not words."""
    def profane(word: str) -> bool:
        return word in vulgar or word in terms or any(s in terms for s in _stems(word, ((a, "") for a in m.affixes)))

    common = [w for w in m.common_words if w in known and not profane(w)]
    roots = {r for r in m.roots.values() if len(r) >= 4 and r.isalpha()}
    heads = {r for r in roots if not any(w.startswith(r) and w != r for w in common)}
    return sorted(w for w in m.known | m.common_words if w.isalpha() and w not in m.foreign
                  and not in_wordnet(w, known) and any(w[:n] in heads and in_wordnet(w[n:], known)
                                                        for n in range(4, len(w) - 3)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"), help="folder holding index.noun and data.noun")
    ap.add_argument("--out", type=Path, default=TERMS)
    ap.add_argument("--grammars", type=Path, default=GRAMMARS, help="folder of the threat grammar's word lists")
    args = ap.parse_args()
    index, data = args.wordnet / "index.noun", args.wordnet / "data.noun"
    digest = hashlib.sha256(index.read_bytes() + data.read_bytes()).hexdigest()
    offsets, nouns = sense_offsets(index), read_nouns(data)
    lex = nouns.lex
    feed = animal_feed(offsets, nouns)
    food, goods = classify(senses(offsets, lex), feed)
    note = (f"# Generated by scripts/import_wordnet.py from WordNet 3.0 (Princeton University; WordNet 3.0 licence),\n"
            f"# index.noun + data.noun sha256 {digest}; see SOURCES.md.\n")
    (args.out / "food_nouns.txt").write_text(note + "".join(w + "\n" for w in food), "utf-8")
    (args.out / "goods_nouns.txt").write_text(note + "".join(w + "\n" for w in goods), "utf-8")
    (args.out / "feed_nouns.txt").write_text(note + "".join(w + "\n" for w in sorted(feed)), "utf-8")
    allow = allowed_phrases(senses(offsets, lex), listed_terms(args.out))
    source = {"wordnet": {"version": "3.0", "sha256": digest, "licence": "WordNet-3.0"}}
    data_ = {"version": f"WordNet 3.0 sha256 {digest[:12]}", "source": source, "allow": allow,
             "examples": {"ok": ["Chocolate creme Twinkies", "Deluxe kumquat fruit spread", "Cock-a-leekie soup", "Minced dill weed"]}}
    (args.out / "allow_wordnet.yaml").write_text(note + yaml.safe_dump(data_, allow_unicode=True, sort_keys=False, width=120), "utf-8")
    every = b"".join((args.wordnet / f"{kind}.{pos}").read_bytes() for pos in POS for kind in ("index", "data"))
    every += b"".join((args.wordnet / f"{pos}.exc").read_bytes() for pos in POS)
    people = ("index.noun", "data.noun", "noun.exc", "index.adj")  # the files each list is read from
    for name, words, files in (("person_nouns.txt", person_nouns(offsets, nouns, args.wordnet), people),
                               ("nations.txt", nations(nouns, offsets), people[:2]),
                               ("peoples.txt", plain_peoples(offsets, nouns), people[:2])):
        digest_of = hashlib.sha256(b"".join((args.wordnet / f).read_bytes() for f in files)).hexdigest()
        header = note.replace("index.noun + data.noun", " + ".join(files)).replace(digest, digest_of)
        (args.grammars / name).write_text(header + "".join(w + "\n" for w in words), "utf-8")
    known, vulgar = lemmas(args.wordnet)
    (args.out / "slang_words.txt").write_text("")  # the morphology is read with none, then they are written
    slang = slang_words(load_morphology(args.out / "morphology.yaml"), known, vulgar, set(listed_terms(args.out)))
    (args.out / "slang_words.txt").write_text(
        note.replace("index.noun + data.noun", "index.*, data.* and *.exc").replace(digest, hashlib.sha256(every).hexdigest())
        + "".join(w + "\n" for w in slang), "utf-8")
    print(f"food nouns {len(food)}, goods nouns {len(goods)}, allowed phrases {len(allow)}, slang words {len(slang)}, "
          f"sha256 {digest}")


if __name__ == "__main__":
    main()
