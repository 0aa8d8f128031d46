"""Term lists and allow-lists as data: YAML files validated with ``extra="forbid"``.

A term list (``policies/terms/*.yaml``) holds categories of terms, each with a severity,
a fuzzy-matching switch and the ``hit``/``ok`` examples that the test suite runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from judge.config import load_yaml
from judge.models import Severity

MatchMode = Literal["word", "prefix"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TermSpec(_Strict):
    term: str
    aliases: list[str] = []
    match: MatchMode = "word"
    fuzzy: bool | None = None  # None: the category's setting
    severity: Severity | None = None  # None: the category's severity


class Examples(_Strict):
    hit: list[str] = []
    ok: list[str] = []


class Category(_Strict):
    id: str
    garm: str | None = None  # GARM brand-safety category name, where one applies
    description: str = ""
    severity: Severity = Severity.BLOCK
    fuzzy: bool = True
    terms: list[TermSpec | str]
    examples: Examples = Examples()


class TermListFile(_Strict):
    version: str
    categories: list[Category]


class AllowListFile(_Strict):
    version: str
    allow: list[str]
    examples: Examples = Examples()


def load_term_list(path: Path) -> TermListFile:
    return load_yaml(path, TermListFile)


def load_allow_list(path: Path) -> AllowListFile:
    return load_yaml(path, AllowListFile)
