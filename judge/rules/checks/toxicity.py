"""Toxicity via detoxify: one model per process, batched predict, per-label thresholds.

Weights cannot be downloaded here, so the model is either an official name whose
checkpoint already sits in torch's hub cache, or a local ``checkpoint`` plus a local
Hugging Face config/tokenizer folder (``model`` or ``config_dir``). When no model can
be loaded the check reports itself unavailable; the policy decides what that means.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from judge.models import Finding, Severity
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, CheckStatus, Subject
from judge.rules.embeddings import quiet_transformers


class ModelUnavailable(Exception):
    pass


# Release checkpoints of detoxify 0.5, by model name: what torch.hub would cache.
OFFICIAL_CHECKPOINTS = {
    "original": "toxic_original-c1212f89.ckpt",
    "unbiased": "toxic_debiased-c7548aa0.ckpt",
    "multilingual": "multilingual_debiased-0b549669.ckpt",
    "original-small": "original-albert-0e1d6498.ckpt",
    "unbiased-small": "unbiased-albert-c8519128.ckpt",
}


def torch_hub_dir() -> Path:
    """torch.hub.get_dir() without importing torch (seconds) just to learn a file is missing."""
    home = os.environ.get("TORCH_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "torch")
    return Path(os.path.expanduser(home)) / "hub"


@lru_cache(maxsize=4)
def load_detoxify(model: str, checkpoint: str | None, config_dir: str | None, device: str) -> Any:
    """Load a Detoxify model once per process, offline. Raises ModelUnavailable."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if importlib.util.find_spec("detoxify") is None or importlib.util.find_spec("torch") is None:
        raise ModelUnavailable("detoxify is not installed; install the extra: pip install '.[detoxify]'")
    if checkpoint is None:
        name = OFFICIAL_CHECKPOINTS.get(model)
        if name is None:
            raise ModelUnavailable(f"unknown detoxify model {model!r}; use one of {sorted(OFFICIAL_CHECKPOINTS)} or a local checkpoint")
        cached = torch_hub_dir() / "checkpoints" / name
        if not cached.is_file():
            raise ModelUnavailable(
                f"no checkpoint for detoxify {model!r} at {cached} and downloads are disabled; "
                "place the file there or set checks.toxicity.checkpoint and config_dir"
            )
        checkpoint = str(cached)
    elif not Path(checkpoint).is_file():
        raise ModelUnavailable(f"detoxify checkpoint {checkpoint} does not exist")
    quiet_transformers()
    try:
        from detoxify import Detoxify
    except ImportError as e:
        raise ModelUnavailable(f"detoxify cannot be imported ({e}); install the extra: pip install '.[detoxify]'") from None
    try:
        return Detoxify(model_type=model, checkpoint=checkpoint, device=device, huggingface_config_path=config_dir)
    except Exception as e:  # any loading failure makes the check unavailable, loudly
        raise ModelUnavailable(f"cannot load detoxify model {model!r} from {checkpoint}: {type(e).__name__}: {e}") from None


class ToxicityCheck(Check):
    id = "toxicity"
    description = "Toxicity, insults, threats, obscenity and identity attacks (detoxify)"

    def _local(self, ref: str | None) -> str | None:
        if ref is None:
            return None
        try:
            return str(resolve_data_file(ref, "policies", self.ctx.base_dir).resolve())
        except FileNotFoundError:
            p = Path(ref) if Path(ref).is_absolute() else (self.ctx.base_dir or Path.cwd()) / ref
            return str(p.resolve()) if p.exists() else ref

    @cached_property
    def _model(self) -> tuple[Any, str]:
        cfg = self.cfg
        model = cfg.model
        if cfg.checkpoint is not None and not model.isidentifier():
            model = self._local(model) or model  # a local HF folder
        try:
            return load_detoxify(model, self._local(cfg.checkpoint), self._local(cfg.config_dir), cfg.device), ""
        except ModelUnavailable as e:
            return None, str(e)

    @property
    def status(self) -> CheckStatus:
        model, why = self._model
        if model is None:
            return CheckStatus(False, why)
        return CheckStatus(True, f"detoxify {self.cfg.model} ({self.cfg.checkpoint or 'hub cache'})")

    @property
    def data_files(self) -> list[Path]:
        ckpt = self._local(self.cfg.checkpoint)
        return [Path(ckpt)] if ckpt and Path(ckpt).is_file() else []

    def run_batch(self, subjects: list[Subject]) -> list[list[Finding]]:
        model, _ = self._model
        out: list[list[Finding]] = [[] for _ in subjects]
        if model is None:
            return out
        items = [(i, name, nt) for i, s in enumerate(subjects) for name, nt in s.fields if nt.text.strip()]
        bs = self.cfg.batch_size
        highest: dict[int, tuple[float, str]] = {}
        for lo in range(0, len(items), bs):
            chunk = items[lo : lo + bs]
            scores = model.predict([nt.text for _, _, nt in chunk])
            for label, values in scores.items():
                for (i, _, _), score in zip(chunk, values if isinstance(values, list) else [values], strict=True):
                    if score > highest.get(i, (-1.0, ""))[0]:
                        highest[i] = (float(score), label)
                threshold = self.cfg.thresholds.get(label)
                if threshold is None:
                    continue
                if not isinstance(values, list):
                    values = [values]
                for (i, name, nt), score in zip(chunk, values, strict=True):
                    if score >= threshold:
                        out[i].append(
                            self.finding(
                                self.cfg.severity,
                                f"{label.replace('_', ' ')} score {score:.2f} is at or over {threshold:.2f}",
                                name,
                                nt,
                                term=label,
                                category=label,
                                score=round(float(score), 4),
                            )
                        )
        for i, (score, label) in highest.items():  # every candidate's top score: what calibration sweeps over
            out[i].append(self.finding(Severity.INFO, f"highest toxicity score {score:.2f} ({label})", term="max_score", category=label, score=round(score, 4)))
        return out
