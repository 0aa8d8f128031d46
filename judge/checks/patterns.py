"""Regex rule checks (claims, PII, prompt injection) whose patterns live in policies/patterns.yaml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import ConfigError
from ..lexicon import Examples
from ..models import Finding, Severity
from ..paths import data_dir
from .base import Check, Subject


class PatternGroup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    check: str
    severity: Severity
    description: str
    patterns: list[str]
    examples: Examples = Examples()

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"pattern {p!r} does not compile: {e}") from None
        return v


class PatternFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    groups: list[PatternGroup]


def patterns_path() -> Path:
    return data_dir("policies") / "patterns.yaml"


@lru_cache(maxsize=4)
def load_patterns(path: Path) -> PatternFile:
    try:
        return PatternFile.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as e:
        raise ConfigError(f"{path}: {e}") from None


@lru_cache(maxsize=64)
def _compiled(path: Path, check_id: str) -> tuple[tuple[PatternGroup, re.Pattern[str]], ...]:
    groups = [g for g in load_patterns(path).groups if g.check == check_id]
    return tuple((g, re.compile("|".join(f"(?:{p})" for p in g.patterns), re.IGNORECASE | re.MULTILINE)) for g in groups)


class PatternCheck(Check):
    """One pattern family; subclasses only name it."""

    @property
    def data_files(self) -> list[Path]:
        return [patterns_path()]

    def check(self, subject: Subject) -> list[Finding]:
        out: list[Finding] = []
        rules = _compiled(patterns_path(), self.id)
        for field_name, nt in subject.fields:
            for group, rx in rules:
                for m in rx.finditer(nt.text):
                    if m.end() == m.start():
                        continue
                    out.append(
                        self.finding(
                            self.severity(group.id, group.severity),
                            group.description,
                            field_name,
                            nt,
                            m.start(),
                            m.end(),
                            term=group.id,
                            category=group.id,
                        )
                    )
        return out


class ClaimsCheck(PatternCheck):
    id = "claims"
    description = "Unverifiable superlatives, health claims, price and delivery promises"


class PiiCheck(PatternCheck):
    id = "pii"
    description = "Email addresses, phone numbers and URLs"


class InjectionCheck(PatternCheck):
    id = "injection"
    description = "Prompt-injection attempts aimed at an automated judge"
