"""LLM generation of themes and keywords, through the same provider layer as the judges.

The prompt is a versioned ``.j2`` template (``rubrics/generate_*.j2``) rendered with
StrictUndefined; the answer is a pydantic model via instructor; keywords are then
constrained to the catalog vocabulary (snapped or dropped). A placement whose answer
fails or keeps too few keywords falls back to the offline generator, and says so.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, Field

from judge.cascade.generate import OfflineGenerator, PlacementSpec, constrain
from judge.judges.providers import LLMSettings
from judge.models import Candidate
from judge.resources import data_dir

PROMPT_VERSION = "generate-v1"


class ThemeProposal(BaseModel):
    theme: str = Field(max_length=80, description="The section's theme, at most 60 characters.")
    keywords: list[str] = Field(min_length=1, max_length=12, description="Search keywords from the given list.")


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(loader=FileSystemLoader(str(data_dir("rubrics"))), undefined=StrictUndefined, autoescape=False)


def template_hash() -> str:
    env = _env()
    h = hashlib.sha256()
    for name in ("generate_system.j2", "generate_theme.j2"):
        h.update(env.loader.get_source(env, name)[0].encode())  # type: ignore[union-attr]
    return h.hexdigest()[:12]


def messages(p: PlacementSpec, vocabulary: dict[str, list[str]], max_theme_chars: int = 60) -> list[dict[str, str]]:
    env = _env()
    ctx = {
        "placement": p.id,
        "page": p.page,
        "context": json.dumps(p.context.model_dump(exclude_none=True), ensure_ascii=False).translate(
            str.maketrans({"<": "\\u003c", ">": "\\u003e", "`": "\\u0060"})
        ),
        "n_keywords": p.keywords,
        "max_theme_chars": max_theme_chars,
        "vocabulary": vocabulary,
    }
    return [
        {"role": "system", "content": env.get_template("generate_system.j2").render(**ctx)},
        {"role": "user", "content": env.get_template("generate_theme.j2").render(**ctx)},
    ]


class LLMGenerator:
    """Asks the model for a theme and keywords per placement; offline fallback per placement."""

    def __init__(self, offline: OfflineGenerator, settings: LLMSettings, role: str = "teacher") -> None:
        self.offline = offline
        self.settings = settings
        self.role = role
        self.version = f"{PROMPT_VERSION}+{template_hash()}"

    async def generate_all(self, placements: list[PlacementSpec], n: int = 2) -> dict[str, list[Candidate]]:
        from judge.judges.providers.openai_compat import OpenAICompatProvider

        provider = OpenAICompatProvider(self.settings)
        try:
            out: dict[str, list[Candidate]] = {}
            for p in placements:
                vocab = self.offline.vocabulary_for(p)
                allowed = [w for aisle in vocab for w in self.offline.aisle_terms.get(aisle, [])]
                result = await provider.complete(messages(p, vocab), ThemeProposal, self.settings.model or "")
                cands: list[Candidate] = []
                if result.status == "scored" and result.parsed is not None:
                    proposal: Any = result.parsed
                    kept, dropped = constrain(proposal.keywords, allowed)
                    if len(kept) >= 2:
                        cands.append(
                            Candidate(
                                id=f"{p.id}#1", placement=p.id, page=p.page, theme=proposal.theme.strip(),
                                keywords=kept[: p.keywords], context=p.context,
                                generator={"model": self.settings.model, "prompt_version": self.version, "role": self.role,
                                           "dropped_keywords": dropped},
                            )
                        )
                fallback_reason = result.error or "too few keywords in the vocabulary"
                for c in self.offline.generate(p, n):
                    if len(cands) >= n:
                        break
                    c.id = f"{p.id}#{len(cands) + 1}"
                    if not cands:
                        c.generator.__pydantic_extra__["fallback"] = fallback_reason  # type: ignore[union-attr,index]
                    cands.append(c)
                out[p.id] = cands
            return out
        finally:
            await provider.aclose()

    def provenance(self) -> dict[str, Any]:
        return {"model": self.settings.model, "prompt_version": self.version, "role": self.role, "offline": False}
