"""Threats and incitement against groups of people, from a small data-driven grammar (policies/grammars/threats.yaml).

A template such as ``{verb} (?:{quantifier} )?{group}`` is expanded with the slot lists into one regular
expression per template; the text matched is normalized text, so ``k1ll all migrants`` is ``kill all migrants``.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from judge.config import load_yaml
from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject
from judge.rules.normalize import word_tokens
from judge.rules.termlists import Examples

_SLOT = re.compile(r"\{(\w+)\}")
_OBFUSCATED = re.compile(r"[0-9@$!|+€£]")
_WORDS = re.compile(r"[^\W\d_]+")


class ThreatGrammar(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    severity: Severity = Severity.BLOCK
    slots: dict[str, list[str]]
    templates: list[str]
    screen: list[str] = ["group"]  # slots of which every template names one: a text with none of their words is skipped
    examples: Examples = Examples()

    @model_validator(mode="after")
    def _slots_exist(self) -> ThreatGrammar:
        named = {*self.screen, *(m for t in self.templates for m in _SLOT.findall(t))}
        missing = sorted(named - set(self.slots))
        if missing:
            raise ValueError(f"templates or screen name slots that are not defined: {', '.join(missing)}")
        return self

    def alternation(self, slot: str) -> str:
        words = sorted(self.slots[slot], key=len, reverse=True)
        return "(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + ")"

    def compiled(self) -> re.Pattern[str]:
        """All templates as one expression; template ``i`` is the named group ``t{i}``."""
        parts = [f"(?P<t{i}>" + _SLOT.sub(lambda m: self.alternation(m.group(1)), t).replace(" ", r"\s+") + ")"
                 for i, t in enumerate(self.templates)]
        return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


@lru_cache(maxsize=4)
def load_grammar(path: Path) -> tuple[ThreatGrammar, re.Pattern[str], frozenset[str]]:
    """The grammar, its expression, and a quick screen: every template names one of the screen's slots, so a text
    holding no first word of their entries is skipped."""
    grammar = load_yaml(path, ThreatGrammar, "threat grammar")
    return grammar, grammar.compiled(), frozenset(w.split()[0] for slot in grammar.screen for w in grammar.slots[slot])


class ThreatsCheck(Check):
    id = "threats"
    description = "Threats and incitement against groups (verb + quantifier + group, 'X should die', ...); implicit hate is the LLM rubric's"

    @cached_property
    def path(self) -> Path:
        return resolve_data_file(self.cfg.grammar, "policies", self.ctx.base_dir).resolve()

    @property
    def data_files(self) -> list[Path]:
        return [self.path]

    def check(self, subject: Subject) -> list[Finding]:
        grammar, pattern, screen = load_grammar(self.path)
        out: list[Finding] = []
        for field_name, nt in subject.fields:
            text = nt.text
            if not text.isalpha() and _OBFUSCATED.search(text):
                text = " ".join(t.forms[min(1, len(t.forms) - 1)] for t in word_tokens(nt))  # "k1ll" -> "kill"
            m = None if screen.isdisjoint(_WORDS.findall(text)) else pattern.search(text)
            if m:
                span = (m.start(), m.end()) if text is nt.text else (None, None)  # a folded match: the whole field
                template = next(k for k, v in m.groupdict().items() if v is not None)
                out.append(self.finding(self.severity("threat", grammar.severity), "threat or incitement against a group",
                                        field_name, nt, *span, term=f"template {int(template[1:]) + 1}", category="threat"))
        return out
