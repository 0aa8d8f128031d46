"""Brand safety and restricted terms: GARM categories, competitors, restricted goods."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules import product_phrases
from judge.rules.borrowed import BORROWED
from judge.rules.checks.base import Check, Subject
from judge.rules.disguised import LONE
from judge.rules.lexicon import TermIndex, build_index
from judge.rules.termlists import MorphologyFile, load_allow_list, load_term_list


class TermsCheck(Check):
    id = "terms"
    description = "Term lists by brand-safety category, robust to leetspeak, homoglyphs and zero-width tricks"

    def _paths(self, refs: list[str]) -> tuple[Path, ...]:
        return tuple(resolve_data_file(r, "policies", self.ctx.base_dir).resolve() for r in refs)

    @cached_property
    def index(self) -> TermIndex:
        morphology = self._paths([self.cfg.morphology])[0] if self.cfg.morphology else None
        topics = self.nouns.food | self.nouns.goods if self.nouns is not None else frozenset()
        return build_index(self._paths(self.cfg.lists), self._paths(self.cfg.allow), morphology, topics)

    @cached_property
    def data_files(self) -> list[Path]:
        files = [*self._paths(self.cfg.lists), *self._paths(self.cfg.allow)]
        if self.cfg.morphology:
            path = self._paths([self.cfg.morphology])[0]
            data = load_yaml(path, MorphologyFile)
            files += [path, *(path.parent / f for f in data.word_lists)]
        return [*files, *(self.noun_paths or ())]

    @cached_property
    def product_phrases(self) -> dict[str, tuple[str, ...]]:
        """Pairs of words around lexicon terms in the catalog's product titles ("pork butt"), when one is loaded."""
        catalog = self.ctx.catalog
        if catalog is None:
            return {}
        return product_phrases.learn(self.index, catalog.fingerprint, tuple(catalog.titles()), tuple(self.cfg.product_phrases))

    def check(self, subject: Subject) -> list[Finding]:
        blocked = {c.casefold() for c in subject.candidate.context.blocked_categories or []}
        out: list[Finding] = []
        for field_name, nt in subject.fields:
            for hit in self.index.find(nt, self.cfg.fuzzy):
                entry = hit.entry
                severity = self.cfg.severity.get(entry.category, entry.severity)
                note = ""
                product = product_phrases.evidence_for(self.product_phrases, nt, hit) if self.product_phrases else None
                if product is not None:
                    severity = Severity.INFO
                    note = f" (allowed as the product phrase {product[0]!r}: products {', '.join(product[1])})"
                if entry.category.casefold() in blocked:
                    severity, note = Severity.BLOCK, " (blocked for this placement)"
                how = "" if hit.how == "exact" else f", matched as {hit.how}"
                if hit.how == "compound":
                    how = f", in a compound or spelling of {entry.term!r}"
                elif hit.how == BORROWED:  # a weaker reading than the list's: a reviewer decides, whatever the policy
                    how = ", another language's everyday word, in a text of English words"
                    severity = Severity.REVIEW if severity is Severity.BLOCK else severity
                elif hit.how == LONE:  # one list's word, disguised: a reviewer decides, whatever the policy
                    how = ", disguised, a word that one list calls profane"
                    severity = Severity.REVIEW if severity is Severity.BLOCK else severity
                category = self.index.categories[entry.category]
                label = category.garm or entry.category
                out.append(
                    self.finding(
                        severity,
                        f"{label}: {entry.term!r}{how}{note}",
                        field_name,
                        nt,
                        hit.start,
                        hit.end,
                        term=entry.term,
                        category=entry.category,
                        score=None if hit.how != "fuzzy" else float(hit.distance),
                    )
                )
        return out


@dataclass(frozen=True)
class TermListInfo:
    """What ``judge checks`` shows of a term list: where it comes from, under what licence, how big."""

    file: str
    version: str
    source: str  # "hand-written" or "package@version, ..."
    licence: str
    categories: int
    terms: int


def describe_lists(check: TermsCheck) -> list[TermListInfo]:
    """The term lists, then the allow-lists (no categories; their phrases counted as terms)."""
    out = []
    for path in check._paths(check.cfg.lists):
        data = load_term_list(path)
        terms = sum(len(c.terms) for c in data.categories)
        out.append(TermListInfo(path.name, data.version, *_provenance(data.source), len(data.categories), terms))
    for path in check._paths(check.cfg.allow):
        allow = load_allow_list(path)
        out.append(TermListInfo(path.name, allow.version, *_provenance(allow.source), 0, len(allow.allow)))
    return out


def _provenance(source: dict[str, dict[str, str]]) -> tuple[str, str]:
    """``(source, licence)`` as ``judge checks`` shows them."""
    names = ", ".join(f"{name}@{meta.get('version', '?')}" for name, meta in source.items()) or "hand-written"
    licence = ", ".join(sorted({meta.get("licence", "?") for meta in source.values()})) or "project (MIT)"
    return names, licence
