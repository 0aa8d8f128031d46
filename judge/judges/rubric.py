"""Rubrics: YAML data + a Jinja prompt template, validated into pydantic models.

A rubric asks binary questions (or 1-5 scales with a pass threshold). The LLM's
structured answer is a pydantic model built from the criteria; whether the rubric
passes is computed here from the criteria, never read from a free-form field.

Candidate text is untrusted. It reaches the prompt through exactly one variable,
``candidate``: a JSON document inside delimiters whose tag is derived from the
content's hash, with ``<``, ``>`` and backticks escaped as JSON unicode escapes, so
no delimiter, role tag or fence can appear in it. It is passed as data, never as
template source: a theme of ``{{ 7*7 }}`` stays literal.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    create_model,
    model_validator,
)

from judge.config import load_yaml
from judge.errors import ConfigError
from judge.models import Severity
from judge.resources import data_dir, resolve_data_file

Level = Literal["placement", "keywords", "products", "page"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str
    kind: Literal["binary", "scale"] = "binary"
    threshold: int = Field(4, ge=1, le=5)  # scale: pass when score >= threshold
    severity: Severity | None = None  # None: the rubric's severity


class Panel(_Strict):
    models: list[str] = []  # empty: the run's model
    samples: int = Field(1, ge=1, le=9)
    vote: Literal["majority", "unanimous"] = "majority"


class RubricExample(_Strict):
    expect: Literal["pass", "fail"]
    fails: list[str] = []  # criteria expected to fail
    candidate: dict[str, Any] | list[dict[str, Any]]  # a page rubric sees a list


class Rubric(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: str
    level: Level
    description: str
    template: str  # .j2 file beside the rubric
    severity: Severity = Severity.REVIEW  # what a failed criterion carries
    decision: Literal["all", "majority"] = "all"  # how criteria combine into the rubric's pass
    criteria: list[Criterion] = Field(min_length=1)
    panel: Panel = Panel()
    examples: list[RubricExample] = Field(min_length=2)

    _dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _checks(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        kinds = {e.expect for e in self.examples}
        if kinds != {"pass", "fail"}:
            raise ValueError("examples need at least one 'pass' and one 'fail' case")
        for e in self.examples:
            unknown = set(e.fails) - set(ids)
            if unknown:
                raise ValueError(f"example names unknown criteria {sorted(unknown)}")
        return self

    @cached_property
    def env(self) -> SandboxedEnvironment:
        assert self._dir is not None
        return SandboxedEnvironment(
            loader=FileSystemLoader([str(self._dir), str(data_dir("rubrics"))]),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
        )

    @cached_property
    def template_hash(self) -> str:
        h = hashlib.sha256()
        for name in ("system.j2", self.template):
            src, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            h.update(src.encode())
        return h.hexdigest()[:16]

    @cached_property
    def response_model(self) -> type[BaseModel]:
        """The structured answer: one object per criterion, reason first."""
        fields: dict[str, Any] = {}
        for c in self.criteria:
            answer = BinaryAnswer if c.kind == "binary" else ScaleAnswer
            fields[c.id] = (answer, Field(description=c.question))
        name = "".join(p.title() for p in self.id.split("_")) + "Verdict"
        return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)

    @cached_property
    def schema_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.response_model.model_json_schema(), sort_keys=True).encode()).hexdigest()[:16]

    def messages(self, payload: Any) -> list[dict[str, str]]:
        """Render the system and user messages for one candidate (or one page's candidates)."""
        block, tag = candidate_block(payload)
        ctx = {"rubric": self, "criteria": self.criteria, "candidate": block, "tag": tag}
        system = self.env.get_template("system.j2").render(**ctx)
        user = self.env.get_template(self.template).render(**ctx)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def passed(self, outcomes: dict[str, bool]) -> bool:
        if self.decision == "all":
            return all(outcomes.values())
        return sum(outcomes.values()) * 2 > len(outcomes)


class BinaryAnswer(_Strict):
    reason: str = Field(max_length=600, description="One or two sentences.")
    passed: bool


class ScaleAnswer(_Strict):
    reason: str = Field(max_length=600, description="One or two sentences.")
    score: int = Field(ge=1, le=5)


def criterion_passed(criterion: Criterion, answer: BaseModel) -> bool:
    if isinstance(answer, ScaleAnswer):
        return answer.score >= criterion.threshold
    return bool(answer.passed)  # type: ignore[attr-defined]


_NEUTRAL = str.maketrans({"<": "\\u003c", ">": "\\u003e", "`": "\\u0060"})


def candidate_block(payload: Any) -> tuple[str, str]:
    """Untrusted content as delimited, neutralized JSON, and the delimiter tag."""
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).translate(_NEUTRAL)
    tag = "candidate-" + hashlib.sha256(data.encode()).hexdigest()[:12]
    return f"<{tag}>\n{data}\n</{tag}>", tag


def candidate_payload(cand: Any) -> dict[str, Any]:
    """What a judge may see of a candidate: the content fields, never our bookkeeping."""
    fields = {"placement", "page", "theme", "keywords", "description", "context"}
    data = cand.model_dump(mode="json", include=fields, exclude_none=True)
    if not data.get("context"):
        data.pop("context", None)
    return data


@cache
def load_rubric(ref: str) -> Rubric:
    """Load a rubric by shipped id (``theme_quality``) or path."""
    try:
        path = resolve_data_file(ref, "rubrics")
    except FileNotFoundError as e:
        raise ConfigError(f"rubric {e}") from None
    rubric = load_yaml(path, Rubric, "rubric")
    rubric._dir = path.parent
    if not (path.parent / rubric.template).is_file():
        raise ConfigError(f"{path}: template {rubric.template!r} not found beside it")
    return rubric

