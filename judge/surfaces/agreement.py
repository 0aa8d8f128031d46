"""Agreement statistics: confusion counts, Cohen's kappa with a bootstrap interval, majority
labels, inter-annotator agreement, and threshold sweeps. Pure functions over pairs of booleans.

"Positive" is *flagged* (fail), so precision and recall are those of rejection.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

Key = tuple[str, str]  # (content_hash, target)


@dataclass
class Metrics:
    target: str
    n: int
    tp: int
    fp: int
    tn: int
    fn: int
    base_rate: float  # share of labelled items humans say should be flagged
    accuracy: float | None
    precision: float | None  # of rejection
    recall: float | None  # of rejection
    kappa: float | None
    kappa_ci: tuple[float, float] | None
    excluded: int = 0  # unscored by the machine, or tied human labels
    labellers: int = 1
    inter_annotator_kappa: float | None = None
    version: str | None = None
    sweep: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    n = len(pairs)
    if n == 0:
        return None
    agree = sum(1 for a, b in pairs if a == b) / n
    pa = sum(1 for a, _ in pairs if a) / n
    pb = sum(1 for _, b in pairs if b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    if expected >= 1.0:
        return 1.0 if agree == 1.0 else 0.0  # one class only: agreement carries no information beyond chance
    return (agree - expected) / (1 - expected)


def bootstrap_ci(pairs: list[tuple[bool, bool]], iters: int = 1000, seed: int = 0, alpha: float = 0.05) -> tuple[float, float] | None:
    if len(pairs) < 2:
        return None
    rng = random.Random(seed)
    values = []
    for _ in range(iters):
        sample = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        k = cohen_kappa(sample)
        if k is not None:
            values.append(k)
    values.sort()
    lo = values[int(alpha / 2 * len(values))]
    hi = values[min(len(values) - 1, int((1 - alpha / 2) * len(values)))]
    return (round(lo, 4), round(hi, 4))


def metrics(target: str, pairs: list[tuple[bool, bool]], excluded: int = 0) -> Metrics:
    """``pairs`` are (machine flagged, human says flag)."""
    tp = sum(1 for m, h in pairs if m and h)
    fp = sum(1 for m, h in pairs if m and not h)
    tn = sum(1 for m, h in pairs if not m and not h)
    fn = sum(1 for m, h in pairs if not m and h)
    n = len(pairs)
    k = cohen_kappa(pairs)
    return Metrics(
        target=target, n=n, tp=tp, fp=fp, tn=tn, fn=fn,
        base_rate=(tp + fn) / n if n else 0.0,
        accuracy=(tp + tn) / n if n else None,
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / (tp + fn) if tp + fn else None,
        kappa=None if k is None else round(k, 4),
        kappa_ci=bootstrap_ci(pairs),
        excluded=excluded,
    )


def majority(labels: list[tuple[str, bool]]) -> bool | None:
    latest: dict[str, bool] = {}
    for who, flag in labels:
        latest[who] = flag  # a labeller's newest label counts
    votes = Counter(latest.values())
    if votes[True] == votes[False]:
        return None
    return votes[True] > votes[False]


def inter_annotator(items: list[list[tuple[str, bool]]]) -> tuple[float | None, int]:
    pairs = []
    people: set[str] = set()
    for labels in items:
        latest: dict[str, bool] = {}
        for who, flag in labels:
            latest[who] = flag
        people |= set(latest)
        if len(latest) >= 2:
            a, b = sorted(latest)[:2]
            pairs.append((latest[a], latest[b]))
    k = cohen_kappa(pairs)
    return (None if k is None or len(pairs) < 2 else round(k, 4)), max(len(people), 1)


def sweep(
    target: str, scores: dict[Key, float], truth: dict[str, bool], target_recall: float = 0.9, high_is_bad: bool = False
) -> dict[str, Any] | None:
    """The threshold that meets the target recall of bad content at the lowest false-rejection rate.

    For 1-5 criteria and similarities a low score is bad (flag when score < threshold); for toxicity a
    high one is (flag when score >= threshold). Thresholds tried: the observed scores (and 1-5 steps).
    """
    points = [(scores[(h, target)], bad) for h, bad in truth.items() if (h, target) in scores]
    if len(points) < 4 or not any(bad for _, bad in points) or all(bad for _, bad in points):
        return None
    candidates = sorted({round(s, 4) for s, _ in points} | ({1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5} if "." in target else set()))
    if not high_is_bad:
        candidates = [c + 1e-9 for c in candidates]  # "score < t" must be able to include the value itself
    rows = []
    for t in candidates:
        flagged = (lambda s, t=t: s >= t) if high_is_bad else (lambda s, t=t: s < t)
        tp = sum(1 for s, bad in points if flagged(s) and bad)
        fn = sum(1 for s, bad in points if not flagged(s) and bad)
        fp = sum(1 for s, bad in points if flagged(s) and not bad)
        tn = sum(1 for s, bad in points if not flagged(s) and not bad)
        rows.append({"threshold": round(t, 4), "recall": tp / (tp + fn), "false_rejection_rate": fp / (fp + tn) if fp + tn else 0.0})
    ok = [r for r in rows if r["recall"] >= target_recall]
    best = min(ok, key=lambda r: (r["false_rejection_rate"], -r["threshold"] if not high_is_bad else r["threshold"])) if ok else None
    return {"target_recall": target_recall, "direction": "flag when >=" if high_is_bad else "flag when <",
            "suggested": best, "points": rows}
