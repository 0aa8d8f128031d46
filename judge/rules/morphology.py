"""Compounds, inflections and spellings of strong roots that no list enumerates.

``assfuckers``, ``cockface``, ``muthafuckas`` and ``phuks`` are in no list, and never will all be. A token
is caught when it contains a root that no clean real word contains (``fuck``), or, when it is *not a real
word*, when it splits wholly into roots, common English words and inflectional endings with at least one root
(``cock`` + ``face``, ``ass`` + ``fuck`` + ``ers``). Real words stay clean because the matcher knows them:
``known_words.txt`` lists the real words (from wordfreq, in every imported language) that contain a root,
so ``cocktail``, ``Scunthorpe``, ``therapist`` and ``peacock`` are words, not compounds, and the allow-list
and a loaded catalog's vocabulary add more. Spellings are compared on a phonetic key (``ph``->``f``,
``ck``->``k``, ``q``->``k``), so ``phuk`` meets ``fuck``; a whole token, with a hard ``c`` read as ``k`` too,
so ``kunt`` meets ``cunt``. Spelling cuts both ways: a doubled "o" or "e" is English ("cookkies" is no
``cock``), "-ah" is "-er" said aloud ("buttah"), and a piece spelled as a common word ("dix", "cox") is that
word unless a partner piece stands beside it ("Floradix" is clean, "dixhead" is not). Another language's words glued
as German writes compounds are no English compound ("Eiernudel"). The data: ``policies/terms/morphology.yaml``,
which ``scripts/import_lexicons.py`` writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import product
from pathlib import Path
from string import ascii_lowercase

from judge.config import load_yaml
from judge.rules.leet import VOWEL_RUN
from judge.rules.normalize import normalize
from judge.rules.termlists import MorphologyFile, read_word_list

_PHONETIC = (("ph", "f"), ("ck", "k"), ("q", "k"), ("x", "ks"))
# "kunt", "kok": a hard c is a k ("ch", "ce", "ci" are not); at each line's end, as words joined by newlines are keyed
_HARD_C = re.compile(r"c(?=[aoulrtk]|$)", re.M)
_DOUBLED = re.compile(r"(.)\1+")
_DOUBLED_VELAR = re.compile(r"gg|cc")  # "nigg", "nicc", "nikk": one hard sound, spelled to slip past a list
_MASKED_VOWEL = re.compile(r"(?<=[^aeiouyvx])[vx](?=[^aeiouyvx])")  # "fvck", "fxck": a vowel masked
_MASKED_OR_Y = re.compile(r"(?<=[^aeiouyvx])[vxy](?=[^aeiouyvx])")  # the same, or a "y" for a vowel: "nygga"
MIN_RESPELLED = 5  # a root this long, with three consonants or more once single, may be respelled by its vowels
_STRETCHED = re.compile(r"(.)\1{2,}|([^oe])\2")  # "oo" and "ee" are English spelling ("cook" is no "cock")
MAX_MASKS = 4  # more masks than this hide too much to read (5 ** 4 fills)
MIN_LENGTH = 4  # shorter tokens are words or exact terms, never compounds
VOWELS = "aeiou"


def phonetic(word: str, expand_x: bool = True) -> str:
    for a, b in _PHONETIC if expand_x else _PHONETIC[:-1]:
        word = word.replace(a, b)
    return word


def unstretch(piece: str) -> str:
    """A piece with its stretched letters single ("fukk" -> "fuk"): three of a letter, or two of a letter other
    than the digraphs "oo" and "ee", so that "cookkies" stays "cookies" and never becomes "cokies"."""
    return _STRETCHED.sub(lambda m: m.group(1) or m.group(2), piece)


def single_letters(text: str) -> str:
    return _DOUBLED.sub(r"\1", text)


def vowel_key(word: str) -> str:
    """The phonetic key with "z" read as "s", "y" as a vowel, letters single and each run of vowels one "V":
    "beeyotch", "biatch" and "bitch" are "bVtch"; "peenus" and "penis" are "pVnVs"."""
    return VOWEL_RUN.sub("V", single_letters(phonetic(word).replace("z", "s").replace("y", "i")))


def vowel_keys(word: str) -> set[str]:
    """A word's vowel key, and its phonetic key with a doubled "g" or "c" read as "k" and letters single: "nikker"
    and "niccer" meet "nigger", and "fogger" stays no "fucker" (its vowels are kept)."""
    return {vowel_key(word), single_letters(_DOUBLED_VELAR.sub("k", phonetic(word)))}


def spelling_key(word: str) -> str:
    """The phonetic key with a hard c read as k: a whole token spelled by ear ("kunt", "kok") meets its term.
    Not used for compounds, whose pieces a k would confuse ("Bangkok" is no "bang" + "cock")."""
    return _HARD_C.sub("k", phonetic(word))


_LINKS = ("s", "n", "en")  # a German or Dutch compound's linking element ("Hühnersuppe" aside: "er" is a plural)


class Morphology:
    def __init__(self, data: MorphologyFile, known: frozenset[str], common: frozenset[str],
                 foreign: frozenset[str] = frozenset(), rare: frozenset[str] = frozenset(),
                 misread: frozenset[str] = frozenset(), common_other: frozenset[str] = frozenset()) -> None:
        self.roots = {phonetic(r): r for r in (*data.unambiguous, *data.ambiguous)}
        for key, root in list(self.roots.items()):  # "bollocks" -> "bollock" as a piece ("cuntbollock")
            if key.endswith("s") and len(key) >= 5:
                self.roots.setdefault(key[:-1], root)
        # at a token's edge: a root of four letters or more as spelled ("smen" is in "chessmen"), and a strong root
        # with no vowel at all ("fk", "fks"), which counts beside a root or a partner piece only
        self._edges = _Edges({k: r for k, r in self.roots.items() if len(r) >= 4 and len(k) >= 3}, head=3, min_rest=3)
        self._bare = _Edges({b: r for r in sorted(data.unambiguous, key=len, reverse=True)
                             if len(b := single_letters(VOWEL_RUN.sub("", phonetic(r)))) >= 2 and b != phonetic(r)},
                            head=2, min_rest=2)
        for key, root in data.vowelless.items():  # "fker", "btch": a root without some of its vowels; "nde" of
            if len(key) >= 4:  # "nude" is in too many words ("repo|nde|z" is French "répondez") to be a piece
                self.roots.setdefault(key, root)
        # a piece may double or single its letters ("fukk" is "fuk"), when that leaves three letters or more
        self.collapsed = {k: r for k, r in ((unstretch(k), r) for k, r in self.roots.items()) if len(k) >= 3}
        self.partners = frozenset(data.partners)
        self.open_partners = frozenset(data.open_partners)
        self.known = known
        self.foreign = foreign | misread  # real words that no derived reading may take for a term ("commandes")
        self.common_other = common_other  # the other languages' common words: two side by side are no split term
        self.common_words = common
        self.common = frozenset(phonetic(w) for w in common)  # as keys
        self.rare_words = rare
        self.rare = frozenset(phonetic(w) for w in rare)  # rarer words: a piece beside a root at an edge
        # endings longest first: the first that fits is read the same in every process (a set's order is not)
        self.affixes = tuple(sorted(set(data.affixes), key=lambda a: (-len(a), a)))
        self.affix_set = frozenset(data.affixes)
        self._unambiguous = _alternation(phonetic(r) for r in data.unambiguous)
        held, strong = set(data.vowelless_in_words), set(data.unambiguous)  # "rgsm" is in "burgsmith": a piece only
        self._vowelless: dict[str, list[str]] = {}  # by their first two letters: one look-up per position
        for k, r in data.vowelless.items():
            if k not in held and r in strong:
                self._vowelless.setdefault(k[:2], []).append(k)
        self.respelled = {k: r for r in sorted(data.unambiguous, key=len, reverse=True) for k in vowel_keys(r)
                          if len(r) >= MIN_RESPELLED and r.isalpha() and len(k.replace("V", "")) >= 3}
        self._max_root = max((len(k) for k in self.roots), default=0) + 2  # room for doubled letters
        self.root_spellings = frozenset(self.roots.values())
        self._homophones = _alternation(w for w in common if phonetic(w) in self.roots and phonetic(w) != w  # "dix"
                                        and w not in self.root_spellings and "x" in w)

    def strong(self, term: str) -> bool:
        """Whether a term holds a root that no clean word holds: its misspellings are worth looking for."""
        return self._strong_in(phonetic(term)) is not None

    def strong_or_root(self, term: str) -> bool:
        """A root, or a term holding an unambiguous one: English profanity, whose spellings are worth a look."""
        return phonetic(term) in self.roots or self.strong(term)

    def is_word(self, word: str) -> bool:
        """A real word (or a common one): never a compound, and never a misspelling of a term."""
        return word in self.known or word in self.common_words or word in self.foreign

    def root_of(self, word: str, extra_words: frozenset[str] = frozenset()) -> str | None:
        """The root that makes ``word`` (lowercase letters) a compound or spelling of it, if any."""
        if len(word) < MIN_LENGTH or not word.isalpha() or word in extra_words:
            return None
        key = phonetic(word)
        if word in self.foreign:
            return None  # another language's word ("nudeln", "petits") is no English compound
        m = self._strong_in(key)  # nor another language's compound ("eiernudel"), nor one of a root that is a word
        glued = self._glued_other(word) if m or not (key in self.common or word in self.known) else ()  # there too
        rooted = any(phonetic(p) in self.roots for p in glued)  # ("dickmilch"; "cockburger" is English)
        if m:  # no clean word holds it: "motherfucker" is a real word, and a compound all the same
            return None if glued and not rooted else self.roots[m.group(0)]
        if glued and (not rooted or glued[-1] not in self.common_words):
            return None
        if key in self.common:  # a common word, unless made like the lexicon's compounds ("shithole", "jackass")
            return self.partner_root(key)
        if word in self.known:  # a rarer real word: also a root with an ending ("wanky")
            return self.partner_root(key) or self._inflected(key)
        if self.said_as_word(word):
            return None
        if self._homophones is not None and self._homophones.search(word):  # "Floradix" is "flora" + "dix"
            spelled = phonetic(word, expand_x=False)
            return self._segment(spelled, self._split(spelled, roots=False)) or self.partner_root(key)  # "dixhead" is not
        plain = self._split(key, roots=False)  # "sunbutter" is sun + butter, "butterhead" butter + head
        return self._segment(key, plain) or (None if plain else self._edge_root(key)) or self._bare_root(key)

    def _glued_other(self, word: str, depth: int = 2) -> tuple[str, ...]:
        """The pieces of ``word`` if it is words glued as German and Dutch write compounds, the last another
        language's, a linking "s", "n" or "en" allowed ("eier|nudel", "band|nudeln"; "dick|head" is English)."""
        for i in range(len(word) - 5, 3, -1):  # pieces of four letters or more, the last five ("mon|gola" is none)
            head, tail = word[:i], word[i:]
            heads = (head, *(head[: -len(x)] for x in _LINKS if head.endswith(x) and len(head) - len(x) >= 4))
            for h in heads if tail in self.common_other or tail in self.foreign else ():
                inner = (h,) if h in self.common_other or h in self.foreign or h in self.common_words else \
                    self._glued_other(h, depth - 1) if depth > 1 else ()
                if inner:
                    return (*inner, tail)
        return ()

    def _bare_root(self, key: str) -> str | None:
        """A strong root written without any vowel ("fk", "fks") beside a root or a partner piece: "ass" + "fk",
        "cyber" + "fks". Alone, such a spelling is an abbreviation ("SLTD" is salted)."""
        return self._bare.find(key, lambda rest: rest in self.roots and len(rest) >= 3 or self.partnered(rest))

    def _edge_root(self, key: str) -> str | None:
        """A root of four letters or more at the start or end of a token, beside a word of three letters or more
        that is rarer ("dick" + "slapper", "twat" + "zilla") or shorter ("dick" + "vag") than a compound's pieces."""
        return self._edges.find(key, self._word_piece)

    def _word_piece(self, rest: str) -> bool:
        stems = [rest[: -len(a)] for a in self.affixes if rest.endswith(a) and len(rest) - len(a) >= 3]
        stems += [s[:-1] for s in stems if s[-1] == s[-2] and s[-1] not in VOWELS and len(s) > 3]  # "wadd|ery": "wad"
        return any(r in self.common or r in self.rare or r in self.roots or r in self.partners for r in (rest, *stems))

    def said_as_word(self, word: str) -> bool:
        """A clean common word spelled as it is said: "-er" as "-ah" ("buttah" is "butter", "bettah" "better"), "-ing"
        as "-in" ("fakin" is "faking", "lickin" "licking"; "fuckin", "suckin" and "rapin" hold a root all the same)."""
        if len(word) < 5 or not word.endswith(("ah", "in")):
            return False
        spoken = word[:-2] + "er" if word.endswith("ah") else word + "g"
        return spoken in self.common_words and self.root_of(spoken) is None and not self.strong_or_root(spoken)

    def respelled_root(self, word: str) -> str | None:
        """The strong root that ``word`` (no real word) respells with other vowels: "biatch", "peenus", "shyte"."""
        return next((r for k in vowel_keys(word) if (r := self.respelled.get(k))), None) if len(word) >= 4 else None

    def unmasked_root(self, word: str) -> str | None:
        """The strong root of ``word`` (no real word) once a vowel written as "v" or "x" between consonants is
        each vowel in turn ("fvck", "motherfxcking") and "cc" or "gg" written for "ck" is "ck" ("fuccer", "fugger");
        or a root spelled by the whole word (four letters or more) once such a vowel, or in five letters or more a "y"
        so placed, is read ("cvnt", "nygga")."""
        variants = [word.replace(pair, "ck") for pair in ("cc", "gg") if pair in word]
        if _MASKED_VOWEL.search(word):
            variants += [_MASKED_VOWEL.sub(v, word) for v in VOWELS]
        found = next((self.roots[m.group(0)] for v in variants if (m := self._strong_in(phonetic(v)))), None)
        if found or len(word) < 4:  # "cvm", "tvt": three letters are an abbreviation
            return found
        masked = _MASKED_OR_Y if len(word) >= 5 else _MASKED_VOWEL  # "dyck" and Catalan "anys" are names and words
        if not masked.search(word):
            return None
        return next((w for v in VOWELS if (w := masked.sub(v, word)) in self.root_spellings), None)

    def vowelless_root(self, word: str) -> str | None:
        """The strong root that ``word`` (no real word) spells without a vowel of it, its letters single or not:
        "fker", "fkker", "mothafcked"."""
        for key in dict.fromkeys((phonetic(word), phonetic(unstretch(word)))):
            for i in range(len(key) - 1):
                for spelled in self._vowelless.get(key[i : i + 2], ()):
                    if key.startswith(spelled, i):
                        return self.roots[spelled]
        return None

    def _strong_in(self, key: str) -> re.Match[str] | None:
        return self._unambiguous.search(key) if self._unambiguous is not None else None

    def mask_fills(self, text: str, extra_words: frozenset[str] = frozenset(),
                   listed: Callable[[str], bool] = lambda word: False) -> list[str]:
        """A masked token with its masks filled in: one mask ("bit*hers") with each letter in turn, two to four
        ("f*ckf*c*", "m*f**s") with each vowel, which is what such masks hide ("f**ker" is left unread). None when
        a fill is a clean real word ("shi*take" is "shiitake", not "shittake"; "c**kies" is "cookies"), or when more
        is masked. A fill that is profanity itself, a compound ("dumbfucks") or a ``listed`` term ("d*ld*" is
        "dildo"), is no clean word."""
        masks = text.count("*")
        if not 0 < masks <= MAX_MASKS or not text.replace("*", "").isalpha() or len(text) - masks < 2:
            return []
        pieces = text.split("*")
        fills = ["".join(p + c for p, c in zip(pieces, (*letters, ""))) for letters in
                 product(ascii_lowercase if masks == 1 else VOWELS, repeat=masks)]
        # vowels filled in spell other languages' sound-alikes of a term ("dolde", "perna"): English words only then
        word = self.is_word if masks == 1 else lambda f: f in self.known or f in self.common_words
        clean = (f for f in fills if f in extra_words or word(f) and self.root_of(f, extra_words) is None and not listed(f))
        return [] if any(clean) else fills

    def _inflected(self, key: str) -> str | None:
        for affix in self.affixes:
            if key.endswith(affix) and len(key) - len(affix) >= 3:
                root = self.roots.get(key[: -len(affix)])
                if root:
                    return root
        return None

    def partner_root(self, key: str) -> str | None:
        """The root of a root + partner compound ("dick" + "face", "mother" + "fuck" + "ing")."""
        for affix in ("", *self.affixes):
            if affix and (not key.endswith(affix) or len(key) - len(affix) < 6):
                continue
            found = self._partner_split(key[: len(key) - len(affix)] if affix else key)
            if found:
                return found
        return None

    def _partner_split(self, key: str) -> str | None:
        roots = self.roots
        for i in range(1, len(key)):  # each split point once, not each root: a dict look-up per side
            head, tail = key[:i], key[i:]
            if head in roots and self.partnered(tail):
                return roots[head]
            if tail in roots and self.partnered(head):
                return roots[tail]
        return None

    def partnered(self, rest: str) -> bool:
        """The piece beside a root in the lexicon's own compounds ("face", "head", "hole", "dumb")."""
        return rest in self.partners or any(rest.endswith(a) and rest[: -len(a)] in self.partners for a in self.affixes)

    def _root(self, piece: str) -> str | None:
        """A root, as spelled or with a letter doubled ("fukk"); a common word is itself ("cook" is no "cock")."""
        found = self.roots.get(piece)
        if found or piece in self.common:
            return found
        single = unstretch(piece)
        if single == piece:  # "cuming" is "cumming"; short pieces stay themselves ("con")
            return self.collapsed.get(piece) if len(piece) >= 5 else None
        return self.collapsed.get(single)

    def _segment(self, key: str, plain: tuple[int, str] | None) -> str | None:
        """The first root of a split of ``key`` into roots, common words and (last) an ending, if one exists
        and no split into common words alone (``plain``) does ("sunbutter" is sun + butter, not sun + butt + er)."""
        rooted = self._split(key, roots=True)
        if rooted is None or (plain is not None and plain[0] < rooted[0]):
            return None  # fewer pieces win; on a tie the root does ("fag|shit" over "fags|hit")
        return rooted[1]

    def _split(self, key: str, roots: bool) -> tuple[int, str] | None:
        """The shortest split of ``key`` into pieces (and a last ending), as (pieces, first root): with
        ``roots``, one that uses a root; without, one of common words that are not roots ("")."""
        n = len(key)
        # best[i]: (pieces, root) of a split of key[:i], None when there is none
        best: list[tuple[int, str | None] | None] = [None] * (n + 1)
        best[0] = (0, None)
        ends: list[tuple[int, str]] = []
        for i in range(n):
            if best[i] is None:
                continue
            pieces, root = best[i]  # type: ignore[misc]
            for j in range(i + 3, min(n, i + max(self._max_root, 16)) + 1):
                piece = key[i:j]
                found = self._root(piece)
                if found and (not roots or not self._at_boundary(key, i, j)):
                    continue
                if not found and (piece not in self.common or len(piece) < 4 and piece not in self.partners) \
                        and (roots or j < n or not self._word_over_root(piece)):
                    # a three-letter word joins a root only as the lexicon's compounds do ("fat"); a rarer word that
                    # starts with a root may end a split of words alone ("cheese|mongers": no "mong" + "ers")
                    continue
                cand = (pieces + 1, root or found)
                old = best[j]
                if old is None or (cand[1] is not None, -cand[0]) > (old[1] is not None, -old[0]):
                    best[j] = cand
            if i and key[i:] in self.affix_set and (root or not roots):
                ends.append((pieces + 1, root or ""))
        if best[n] is not None and best[n][0] >= 2 and (best[n][1] or not roots):  # type: ignore[index]
            ends.append((best[n][0], best[n][1] or ""))  # type: ignore[index]
        return min(ends) if ends else None

    def _word_over_root(self, piece: str) -> bool:
        """A rarer word of five letters or more that starts with a root, which it is not made of ("mongers")."""
        return len(piece) >= 5 and piece in self.rare and any(piece[:k] in self.roots for k in range(3, len(piece) - 1))

    def _at_boundary(self, key: str, i: int, j: int) -> bool:
        """A root is a morpheme at the start or end of the token (an ending aside), or beside another root:
        "fat|ass", "cock|face", "shit|ass|fuck|face", but not "sus|tit|ute"."""
        if i == 0 or j == len(key) or key[j:] in self.affix_set:
            return True
        return any(self._root(key[k:i]) for k in range(max(0, i - self._max_root - 2), i - 2)) or any(
            self._root(key[j:k]) for k in range(j + 3, min(len(key), j + self._max_root + 2) + 1))


class _Edges:
    """Pieces looked for at a token's start or end, the rest of the token to be told by the caller."""

    def __init__(self, pieces: dict[str, str], head: int, min_rest: int) -> None:
        self.pieces = pieces  # key -> the root it spells
        self.min_rest = min_rest
        self.lengths = sorted({len(k) for k in pieces})
        # what a token must start or end with to hold one: most tokens do neither
        self.head, self.heads, self.tails = head, frozenset(k[:head] for k in pieces), frozenset(k[-head:] for k in pieces)

    def find(self, key: str, fits: Callable[[str], bool]) -> str | None:
        """The root of a piece that starts or ends ``key`` with a rest that ``fits``."""
        if key[: self.head] not in self.heads and key[-self.head :] not in self.tails:
            return None
        for n in self.lengths:
            if n <= len(key) - self.min_rest:
                for piece, rest in ((key[:n], key[n:]), (key[-n:], key[:-n])):
                    if piece in self.pieces and fits(rest):
                        return self.pieces[piece]
        return None


def look_alikes(word: str) -> list[str]:
    """One swap of neighbouring letters, "l" read as "i", "v" as "u", or a "q" with no "u" as "g": how a word is
    scrambled to slip past a list."""
    out: list[str] = [re.sub(r"q(?!u)", "g", word)] if "q" in word else []  # "niqqa": a q with no u is a g
    for w in dict.fromkeys((word, word.replace("v", "u"))):  # "fcvking" -> "fcuking" -> "fucking"
        out += [w[:i] + w[i + 1] + w[i] + w[i + 2 :] for i in range(len(w) - 1) if w[i] != w[i + 1]]
        out += [w[:i] + "i" + w[i + 1 :] for i, c in enumerate(w) if c == "l"]
        if len(w) >= 6:  # one vowel for another in a long word: "faggit"
            out += [w[:i] + v + w[i + 1 :] for i, c in enumerate(w) if c in VOWELS for v in VOWELS if v != c]
    return out


def _alternation(keys) -> re.Pattern[str] | None:
    keys = sorted({k for k in keys if len(k) >= 3}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))) if keys else None


def _words(path: Path) -> frozenset[str]:
    """A word list, each word also as tokens read it (accents folded: "stupidité" is read "stupidite")."""
    words = set(read_word_list(path, "the morphology's word list"))
    return frozenset(words | {normalize(w).text for w in words if not w.isascii()})


@lru_cache(maxsize=4)
def load_morphology(path: Path) -> Morphology:
    data = load_yaml(path, MorphologyFile)
    folder = path.parent
    slang = _words(folder / data.slang_words)  # "shitload": wordfreq knows it, and it is a compound all the same
    return Morphology(data, _words(folder / data.known_words) - slang, _words(folder / data.common_words) - slang,
                      _words(folder / data.known_words_other), _words(folder / data.rare_words),
                      _words(folder / data.misread_words), _words(folder / data.common_words_other))
