"""FreeDict's dictd files, read as the lexicon import reads them: a tiny dictionary that the test writes."""

import gzip
from pathlib import Path

import pytest

from scripts import freedict
from scripts.import_lexicons import _derived, _stem

ENTRIES = {
    "porc": "porc /pɔʀ/\n<n, masc>\n1. pork 2. hog, pig, swine\n",
    "con": "con /kɔ̃/\n<n, masc>\ncunt, pussy\n",
    "cul": "cul /ky/\n<n, masc>\nbehind, bottom, buttocks\n",
    "arsch": "Arsch\nvulg. arse; ass\n",
}


def _b64(n: int) -> str:
    digits = ""
    while True:
        digits = freedict._B64[n % 64] + digits
        n //= 64
        if not n:
            return digits


@pytest.fixture
def dictd(tmp_path: Path) -> Path:
    body, index = b"", []
    for head, text in {"00-database-info": "about\nEdition: 0.3.1\n", **ENTRIES}.items():
        data = text.encode("utf-8")
        index.append(f"{head}\t{_b64(len(body))}\t{_b64(len(data))}")
        body += data
    for lang in ("fr", "de"):
        index_path, body_path = freedict.paths(lang, tmp_path)
        index_path.write_text("\n".join(index) + "\n", "utf-8")
        body_path.write_bytes(gzip.compress(body))
    return tmp_path


def test_translations_leave_out_the_headword_its_pronunciation_and_part_of_speech(dictd):
    words = freedict.translations("fr", dictd)
    assert words["porc"] == ["pork", "hog", "pig", "swine"]
    assert "00-database-info" not in words and "masc" not in words["con"]


def test_a_word_has_an_everyday_sense_when_an_english_translation_is_no_term(dictd):
    clean = freedict.clean_senses("fr", {"cunt", "pussy", "ass", "arse"}, dictd)
    assert {"porc", "cul"} <= clean
    assert "con" not in clean  # every translation is profane
    assert "arsch" not in freedict.clean_senses("de", {"cunt"}, dictd)  # marked vulgar


def test_provenance_names_the_edition_and_the_licence(dictd):
    fr, de = freedict.provenance("fr", dictd), freedict.provenance("de", dictd)
    assert fr["version"].startswith("0.3.1") and fr["sha256"] == freedict.sha256("fr", dictd)
    assert fr["licence"].startswith("GPL-2.0-or-later") and de["licence"].startswith("GPL-3.0")


def test_the_checksum_covers_both_files(dictd):
    before = freedict.sha256("fr", dictd)
    freedict.paths("fr", dictd)[0].write_text("porc\tA\tB\n", "utf-8")
    assert freedict.sha256("fr", dictd) != before


@pytest.mark.parametrize(("word", "lang", "stem"), [("puta", "es", "put"), ("joder", "es", "jod"),
                                                     ("cabrón", "es", "cabron"), ("fottere", "it", "fott")])
def test_a_stem_drops_accents_and_the_last_inflection(word, lang, stem):
    assert _stem(word, lang) == stem


def test_a_short_stem_takes_derivations_only_a_longer_one_any_ending():
    assert _derived("putita", "put", "es") and _derived("putero", "put", "es")
    assert not _derived("putativo", "put", "es")  # no derivation: a word of its own
    assert _derived("cazzeggiare", "cazz", "it")
    assert not _derived("puta", "put", "es")  # one letter more is an inflection, listed as it is
