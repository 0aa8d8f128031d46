"""Keyword vocabulary: every keyword must be in an allowed list, or snap to an entry of it."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from judge.errors import ConfigError
from judge.models import Finding, Severity, simple_key
from judge.resources import resolve_data_file
from judge.rules.checks.base import Check, Subject


@lru_cache(maxsize=8)
def load_vocabulary(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read vocabulary: {e}") from None
    entries = tuple(dict.fromkeys(k for k in (simple_key(x) for x in lines) if k and not k.startswith("#")))
    return frozenset(entries), entries


class VocabularyCheck(Check):
    id = "vocabulary"
    description = "Keywords must come from the allowed vocabulary (or snap to an entry of it)"

    @cached_property
    def path(self) -> Path:
        try:
            return resolve_data_file(self.cfg.path, "policies", self.ctx.base_dir).resolve()
        except FileNotFoundError as e:
            raise ConfigError(f"vocabulary {e}") from None

    @property
    def data_files(self) -> list[Path]:
        return [self.path]

    def check(self, subject: Subject) -> list[Finding]:
        vocab, entries = load_vocabulary(self.path)
        out = []
        for i, kw in enumerate(subject.candidate.keywords):
            key = simple_key(kw)
            if not key or key in vocab:
                continue
            best = process.extractOne(key, entries, scorer=fuzz.ratio, score_cutoff=self.cfg.snap_threshold)
            name = f"keywords[{i}]"
            if best:
                out.append(
                    self.rule("snapped", Severity.INFO,
                        f"keyword {kw!r} is not in the vocabulary; snaps to {best[0]!r} ({best[1]:.0f}%)",
                        name,
                        text=kw,
                        score=float(best[1]),
                    )
                )
            else:
                out.append(
                    self.rule("out_of_vocabulary", Severity.REVIEW,
                        f"keyword {kw!r} is not in the vocabulary and snaps to no entry",
                        name,
                        text=kw,
                    )
                )
        return out
