"""English inflection by rule: a word's singulars, and a verb's past and present participle.

The term lists name a word once ("rape", "grope", "molest"); a theme writes "raped", "groping", "molested". These
forms are built from the term by English spelling (never read back from a token, which guesses: "spiced" is "spice"
and a "d", not the slur "spic" and "ed", which English spells "spicked").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

_VOWELS = frozenset("aeiou")


def singulars(word: str) -> tuple[str, ...]:
    """The singulars that a plural ``word`` may have ("potatoes" -> "potatoe", "potato"; "pansies" -> "pansy")."""
    if len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
        return ()
    out = [word[:-1]]
    if word.endswith(("ses", "xes", "zes", "ches", "shes", "oes")):
        out.append(word[:-2])  # "potatoes"
    if word.endswith("ies"):
        out.append(word[:-3] + "y")  # "pansies"
    return tuple(out)


def verb_forms(verb: str) -> tuple[str, ...]:
    """The past and present participle of ``verb`` as English spells them: "rape" -> "raped", "raping"; "grope" ->
    "groped", "groping"; "shag" -> "shagged", "shagging" (a short word doubles its last consonant); "bully" ->
    "bullied", "bullying"; "frolic" -> "frolicked", "frolicking"."""
    if len(verb) < 3 or not verb.isalpha():
        return ()
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb + "d", verb[:-1] + "ing"
    if verb.endswith("e"):  # "pee" -> "peed", "peeing"
        return verb + "d", verb + "ing"
    if verb.endswith("y") and verb[-2] not in _VOWELS:
        return verb[:-1] + "ied", verb + "ing"
    if verb.endswith("c"):
        return verb + "ked", verb + "king"
    if _doubles(verb):
        return verb + verb[-1] + "ed", verb + verb[-1] + "ing"
    return verb + "ed", verb + "ing"


def doers(verb: str) -> tuple[str, ...]:
    """Who does what ``verb`` names, as English spells it: "rape" -> "raper", "rapist"; "molest" -> "molester",
    "molestor"."""
    if len(verb) < 3 or not verb.isalpha():
        return ()
    stem = verb[:-1] if verb.endswith("e") else verb + verb[-1] if _doubles(verb) else verb
    return stem + "er", stem + "ist", stem + "or"


def _doubles(verb: str) -> bool:
    """One syllable ending in a single vowel and a single consonant (not w, x or y): "shag", "pet"; not "fuck"."""
    vowels = [i for i, c in enumerate(verb) if c in _VOWELS]
    return len(vowels) == 1 and vowels[0] == len(verb) - 2 and verb[-1] not in "wxy" and verb[-1] not in _VOWELS


def terms_as_verbs(terms: Iterable[str], listed: Collection[str], is_word: Callable[[str], bool]) -> dict[str, str]:
    """Each verb form (that no list holds) of a term used as a verb -> the term. A term is read as a verb when the lists
    hold one of its verb forms or its doer ("raping", "rapist", "molester"; not "prick", whose verb pricks sausages),
    and is a word (a list's fragment "pudd" is no verb, and "pudding" no form of it)."""
    forms: dict[str, str] = {}
    for term in terms:
        built = verb_forms(term)
        if is_word(term) and any(form in listed for form in (*built, *doers(term))):
            forms.update((form, term) for form in built if form not in listed)
    return forms
