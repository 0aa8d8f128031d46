"""Brand safety and restricted terms: GARM categories, competitors, restricted goods."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject
from judge.rules.lexicon import TermIndex, build_index


class TermsCheck(Check):
    id = "terms"
    description = "Term lists by brand-safety category, robust to leetspeak, homoglyphs and zero-width tricks"

    def _paths(self, refs: list[str]) -> tuple[Path, ...]:
        return tuple(resolve_data_file(r, "policies", self.ctx.base_dir).resolve() for r in refs)

    @cached_property
    def index(self) -> TermIndex:
        return build_index(self._paths(self.cfg.lists), self._paths(self.cfg.allow))

    @property
    def data_files(self) -> list[Path]:
        return [*self._paths(self.cfg.lists), *self._paths(self.cfg.allow)]

    def check(self, subject: Subject) -> list[Finding]:
        blocked = {c.casefold() for c in subject.candidate.context.blocked_categories or []}
        out: list[Finding] = []
        for field_name, nt in subject.fields:
            for hit in self.index.find(nt, self.cfg.fuzzy):
                entry = hit.entry
                severity = self.cfg.severity.get(entry.category, entry.severity)
                note = ""
                if entry.category.casefold() in blocked:
                    severity, note = Severity.BLOCK, " (blocked for this placement)"
                how = "" if hit.how == "exact" else f", matched as {hit.how}"
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
