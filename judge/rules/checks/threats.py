"""Threats and incitement against groups of people, from a small data-driven grammar (policies/grammars/threats.yaml).

A template such as ``{verb} (?:{quantifier} )?{group}`` is expanded with the slot lists into one regular
expression per template; the text matched is normalized text, so ``k1ll all migrants`` is ``kill all migrants``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject
from judge.rules.normalize import word_tokens
from judge.rules.termlists import Examples

_SLOT = re.compile(r"\{(\w+)\}")


class ThreatGrammar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    severity: Severity = Severity.BLOCK
    slots: dict[str, list[str]]
    templates: list[str]
    examples: Examples = Examples()

    def compiled(self) -> list[re.Pattern[str]]:
        def alternation(slot: str) -> str:
            words = sorted(self.slots[slot], key=len, reverse=True)
            return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + ")"

        return [re.compile(r"\b" + _SLOT.sub(lambda m: alternation(m.group(1)), t).replace(" ", r"\s+") + r"\b")
                for t in self.templates]


@lru_cache(maxsize=4)
def load_grammar(path: Path) -> tuple[ThreatGrammar, list[re.Pattern[str]]]:
    grammar = load_yaml(path, ThreatGrammar, "threat grammar")
    return grammar, grammar.compiled()


class ThreatsCheck(Check):
    id = "threats"
    description = "Threats and incitement against groups (verb + quantifier + group, 'X should die', ...); implicit hate is the LLM rubric's"

    @property
    def path(self) -> Path:
        return resolve_data_file(self.cfg.grammar, "policies", self.ctx.base_dir).resolve()

    @property
    def data_files(self) -> list[Path]:
        return [self.path]

    def check(self, subject: Subject) -> list[Finding]:
        grammar, patterns = load_grammar(self.path)
        out: list[Finding] = []
        severity = self.severity("threat", grammar.severity)
        for field_name, nt in subject.fields:
            folded = " ".join(t.forms[min(1, len(t.forms) - 1)] for t in word_tokens(nt))  # "k1ll" -> "kill"
            for i, pattern in enumerate(patterns):
                m = pattern.search(nt.text)
                if m or pattern.search(folded):
                    span = (m.start(), m.end()) if m else (None, None)  # a folded match points at the whole field
                    out.append(self.finding(severity, "threat or incitement against a group", field_name, nt, *span,
                                            term=f"template {i + 1}", category="threat"))
                    break
        return out
