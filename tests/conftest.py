from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def write_jsonl(path: Path, rows: list[dict | str | bytes]) -> Path:
    with path.open("wb") as f:
        for r in rows:
            if isinstance(r, dict):
                f.write(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n")
            elif isinstance(r, str):
                f.write(r.encode("utf-8") + b"\n")
            else:
                f.write(r + b"\n")
    return path


def cand(id: str, theme: str, keywords: list[str] | None = None, **extra) -> dict:
    return {"id": id, "placement": extra.pop("placement", "home-row"), "theme": theme,
            "keywords": keywords if keywords is not None else ["olive oil", "basmati rice"], **extra}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "judge.db"


@pytest.fixture
def no_toxicity_policy(tmp_path: Path) -> Path:
    """The default policy with toxicity disabled (deterministic, model-free)."""
    return write_no_toxicity_policy(tmp_path / "notox.yaml")


def write_no_toxicity_policy(p: Path) -> Path:
    """The default policy without toxicity, embeddings or rubrics, written to ``p``."""
    text = (ROOT / "policies" / "default.yaml").read_text()
    text = text.replace("lists: [terms/garm.yaml, terms/retail.yaml]", f"lists: [{ROOT}/policies/terms/garm.yaml, {ROOT}/policies/terms/retail.yaml]")
    text = text.replace("allow: [terms/allow.yaml, terms/allow_wordnet.yaml]",
                        f"allow: [{ROOT}/policies/terms/allow.yaml, {ROOT}/policies/terms/allow_wordnet.yaml]")
    text = text.replace("  toxicity:\n    enabled: true", "  toxicity:\n    enabled: false")
    text = text.replace("  coherence:\n    embeddings: auto", "  coherence:\n    embeddings: \"off\"")
    text = text.replace("  rubrics: [theme_quality, placement_relevance, keyword_coherence, brand_safety, page_cohesion]", "  rubrics: []")
    p.write_text(text)
    return p
