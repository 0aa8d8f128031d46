"""The CI gate's verdict on a whole run: the policy's thresholds over its counts and check availability."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from judge.policy import Policy


@dataclass
class CIResult:
    passed: bool
    reasons: list[str] = field(default_factory=list)


def ci_result(policy: Policy, counts: dict[str, int], check_status: dict[str, dict[str, Any]]) -> CIResult:
    """Whether a run's counts meet the policy's CI thresholds, and every reason they do not."""
    t = policy.ci
    total = sum(counts.values())
    reasons: list[str] = []
    if total:
        judged = total - counts.get("error", 0)
        rej = counts.get("rejected", 0) / judged if judged else 0.0
        rev = counts.get("needs_review", 0) / judged if judged else 0.0
        if rej > t.max_rejected_share:
            reasons.append(f"rejected share {rej:.1%} is over the policy's {t.max_rejected_share:.1%}")
        if rev > t.max_needs_review_share:
            reasons.append(f"needs_review share {rev:.1%} is over the policy's {t.max_needs_review_share:.1%}")
    if counts.get("error", 0) > t.max_errors:
        reasons.append(f"{counts['error']} unreadable input record(s), the policy allows {t.max_errors}")
    for check_id, st in check_status.items():
        if not st["available"] and (t.fail_on_unavailable or st.get("on_unavailable") == "error"):
            reasons.append(f"check {check_id!r} is unavailable and the policy requires it: {st['detail']}")
    return CIResult(not reasons, reasons)
