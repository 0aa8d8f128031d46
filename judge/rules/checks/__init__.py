"""The deterministic tier: every rule check, and the suite that runs them for a policy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from judge.models import Finding, Severity
from judge.policy import ChecksConfig
from judge.rules.checks.base import (
    CatalogEvidence,
    Check,
    CheckEnv,
    CheckStatus,
    Subject,
)
from judge.rules.checks.coherence import CoherenceCheck
from judge.rules.checks.format import FormatCheck
from judge.rules.checks.injection import InjectionCheck
from judge.rules.checks.language import LanguageCheck
from judge.rules.checks.patterns import ClaimsCheck, PiiCheck
from judge.rules.checks.script import ScriptCheck
from judge.rules.checks.terms import TermsCheck
from judge.rules.checks.threats import ThreatsCheck
from judge.rules.checks.toxicity import ToxicityCheck
from judge.rules.checks.vocabulary import VocabularyCheck

REGISTRY: dict[str, type[Check]] = {
    c.id: c
    for c in (
        TermsCheck, ThreatsCheck, ClaimsCheck, PiiCheck, InjectionCheck, FormatCheck, ScriptCheck, LanguageCheck, VocabularyCheck,
        CoherenceCheck,
        ToxicityCheck,
    )
}


class CheckSuite:
    """The enabled checks of one effective check configuration."""

    def __init__(self, cfg: ChecksConfig, ctx: CheckEnv) -> None:
        self.cfg = cfg
        self.checks: list[Check] = []
        for check_id, cls in REGISTRY.items():
            sub = getattr(cfg, check_id)
            if sub.enabled:
                self.checks.append(cls(sub, ctx))

    @property
    def statuses(self) -> dict[str, CheckStatus]:
        return {c.id: c.status for c in self.checks}

    def unavailable_policy(self, check: Check) -> str:
        return getattr(check.cfg, "on_unavailable", "warn")

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything that can change a finding changes."""
        h = hashlib.sha256(self.cfg.model_dump_json().encode())
        files: list[Path] = sorted({p for c in self.checks for p in c.data_files})
        for p in files:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        h.update(json.dumps({k: s.available for k, s in self.statuses.items()}, sort_keys=True).encode())
        catalog = self.checks[0].ctx.catalog if self.checks else None
        if catalog is not None and any(c.id == "coherence" for c in self.checks):
            h.update(catalog.fingerprint.encode())  # a new catalog is new evidence
        return h.hexdigest()

    def run(self, subjects: list[Subject]) -> list[list[Finding]]:
        results: list[list[Finding]] = [[] for _ in subjects]
        for check in self.checks:
            status = check.status
            if not status.available:
                if self.unavailable_policy(check) == "error":
                    for r in results:
                        r.append(
                            Finding(
                                check=check.id,
                                severity=Severity.REVIEW,
                                message=f"{check.id} check unavailable: {status.detail}",
                            )
                        )
                continue
            for r, found in zip(results, check.run_batch(subjects), strict=True):
                r.extend(found)
        return results


__all__ = ["REGISTRY", "CatalogEvidence", "Check", "CheckEnv", "CheckStatus", "CheckSuite", "Subject"]
