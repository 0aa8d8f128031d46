"""FreeDict's dictionaries from another language to English, as Debian's ``dict-freedict-<xxx>-eng`` packages
install them (dictd's format: an ``.index`` of headwords with base64 offsets into a gzip-compressed ``.dict.dz``).

``import_lexicons.py`` reads them to tell whether a word that profanity lists hold has an everyday sense: French
"porc" is pork, Spanish "caliente" hot; "joder" has no entry, French "con" translates to profanity. Nothing of the
dictionaries is copied into the repository: they decide which listed words are kept, no more.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from scripts.debian import package_version

DICTD = Path("/usr/share/dictd")
CODES = {"es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "nl": "nld"}  # FreeDict's language codes
PACKAGE = "dict-freedict-{code}-eng"
LICENCES = {"de": "GPL-3.0 or AGPL-3.0"}  # the others: GPL-2.0-or-later (each dictionary's 00-database-info)
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_NOTE = re.compile(r"<[^>]*>|/[^/]*/")  # a part of speech ("<n, masc>") or a pronunciation ("/pɔʀ/")


def _number(text: str) -> int:
    n = 0
    for c in text:
        n = n * 64 + _B64.index(c)
    return n


def paths(lang: str, folder: Path = DICTD) -> tuple[Path, Path]:
    base = folder / f"freedict-{CODES[lang]}-eng"
    return base.with_suffix(".index"), base.with_suffix(".dict.dz")


def sha256(lang: str, folder: Path = DICTD) -> str:
    h = hashlib.sha256()
    for path in paths(lang, folder):
        h.update(path.read_bytes())
    return h.hexdigest()


def _entries(lang: str, folder: Path) -> Iterator[tuple[str, str]]:
    """Each entry as (headword, text), dictd's own entries ("00-database-info") among them: one decompression."""
    index, body = paths(lang, folder)
    data = gzip.decompress(body.read_bytes())
    for line in index.read_text("utf-8").splitlines():
        head, *rest = line.split("\t")
        if len(rest) >= 2:
            start = _number(rest[0])
            yield head, data[start : start + _number(rest[1])].decode("utf-8", errors="replace")


def provenance(lang: str, folder: Path = DICTD) -> dict[str, str]:
    """The dictionary's edition (its own ``00-database-info``) and Debian package version, sha256 and licence."""
    index, body = paths(lang, folder)
    info = next((line.split("\t") for line in index.read_text("utf-8").splitlines()
                 if line.startswith(("00-database-info", "00databaseinfo"))), [])
    text = ""
    if len(info) >= 3:  # read up to that entry only: the German dictionary is 16 MB compressed
        with gzip.open(body) as f:
            f.seek(_number(info[1]))
            text = f.read(_number(info[2])).decode("utf-8", errors="replace")
    edition = m.group(1).strip() if (m := re.search(r"Edition: *(.+)", text)) else "unknown"
    package = PACKAGE.format(code=CODES[lang])
    debian = package_version(package)
    version = f"{edition} (Debian {package} {debian})" if debian else edition
    return {"version": version, "sha256": sha256(lang, folder), "licence": LICENCES.get(lang, "GPL-2.0-or-later")
            + " (decides which words stay; none copied)"}


def translations(lang: str, folder: Path = DICTD) -> dict[str, list[str]]:
    """Each headword, lowercase, with the English words of its entries (the headword line, parts of speech and
    pronunciations left out)."""
    out: dict[str, list[str]] = {}
    for head, entry in _entries(lang, folder):
        if not head.startswith("00"):  # dictd's own entries: "00-database-info"
            english = _NOTE.sub(" ", entry.split("\n", 1)[1] if "\n" in entry else "")
            out.setdefault(head.lower(), []).extend(w.lower() for w in _WORD.findall(english))
    return out


def clean_senses(lang: str, profane: set[str], folder: Path = DICTD) -> set[str]:
    """Headwords with an everyday sense: an entry not marked vulgar ("vulg") that translates to an English word of
    three letters or more that is not ``profane`` ("porc": pork; "besta": ass, donkey; not "con": cunt, pussy)."""
    return {w for w, english in translations(lang, folder).items()
            if "vulg" not in english and any(len(e) >= 3 and e not in profane for e in english)}
