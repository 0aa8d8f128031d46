"""Calibration: how well each check and rubric criterion agrees with human labels.

A label says whether content *should be flagged* by a target: a check id (``terms``),
a rubric criterion (``theme_quality.specific``) or the overall ``decision``. Review
overrides are labels of ``decision`` too. "Positive" is *flagged* (fail), so precision
and recall are those of rejection: recall of bad content is what a safety gate lives on.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from judge.models import Candidate
from judge.resources import data_dir
from judge.store import Store
from judge.store.schema import RunRow

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


# -- where predictions and labels come from ---------------------------------------------


def machine_flags(store: Store, run: RunRow) -> tuple[dict[Key, bool | None], dict[str, str]]:
    """What the machine said per (content, target): True flagged, False not, None unscored."""
    out: dict[Key, bool | None] = {}
    versions: dict[str, str] = {}
    checks = [c for c, st in run.check_status.items() if st.get("available")]
    lines: dict[int, str] = {}
    for v in store.verdicts(run.id):
        h = v.row.content_hash
        if not h:
            continue
        lines[v.row.line] = h
        machine = v.row.machine_decision or v.row.decision
        out[(h, "decision")] = machine != "approved"
        flagged = {f.check for f in v.findings if f.severity != "info" and not f.check.startswith("rubric:")}
        for check in checks:
            out[(h, check)] = check in flagged
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT line, rubric_id, rubric_version, criterion_id, outcome FROM judgements WHERE run_id = ?", (run.id,)
        ).all()
    for line, rubric, version, criterion, outcome in rows:
        h = lines.get(line)
        if h is None:
            continue
        target = f"{rubric}.{criterion}"
        versions[target] = version
        out[(h, target)] = None if outcome == "unscored" else outcome == "fail"
    return out, versions


def human_labels(store: Store) -> dict[Key, list[tuple[str, bool]]]:
    """Every label (imported, shipped, and review decisions as ``decision`` labels)."""
    out: dict[Key, list[tuple[str, bool]]] = defaultdict(list)
    with store.engine.connect() as conn:
        for h, target, label, labeller in conn.exec_driver_sql("SELECT content_hash, target, label, labeller FROM labels"):
            out[(h, target)].append((labeller, label == "fail"))
        for h, decision, reviewer in conn.exec_driver_sql("SELECT content_hash, decision, reviewer FROM reviews ORDER BY id"):
            out[(h, "decision")].append((f"review:{reviewer}", decision == "rejected"))
    return out


def _majority(labels: list[tuple[str, bool]]) -> bool | None:
    latest: dict[str, bool] = {}
    for who, flag in labels:
        latest[who] = flag  # a labeller's newest label counts
    votes = Counter(latest.values())
    if votes[True] == votes[False]:
        return None
    return votes[True] > votes[False]


def _inter_annotator(items: list[list[tuple[str, bool]]]) -> tuple[float | None, int]:
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


# Scored checks: the finding term carrying the per-candidate score, and whether a high score is bad.
SCORED_CHECKS = {"toxicity": ("max_score", True), "coherence": ("min_similarity", False)}


def check_scores(store: Store, run: RunRow) -> dict[Key, float]:
    """Per (content, check) score of the scored checks, from their informational findings."""
    out: dict[Key, float] = {}
    with store.engine.connect() as conn:
        for check, (term, _) in SCORED_CHECKS.items():
            rows = conn.exec_driver_sql(
                "SELECT v.content_hash, f.score FROM findings f JOIN verdicts v ON v.id = f.verdict_id"
                " WHERE v.run_id = ? AND f.check_id = ? AND f.term = ? AND f.score IS NOT NULL",
                (run.id, check, term),
            ).all()
            out.update({(h, check): s for h, s in rows if h})
    return out


def scale_scores(store: Store, run: RunRow) -> dict[Key, float]:
    """Mean 1-5 score per (content, criterion) from the stored judge answers of a run."""
    sums: dict[Key, list[int]] = defaultdict(list)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT content_hash, rubric_id, parsed_json FROM judge_calls WHERE run_id = ? AND status = 'scored'"
            " AND line IS NOT NULL",
            (run.id,),
        ).all()
    for h, rubric, parsed in rows:
        for criterion, answer in json.loads(parsed or "{}").items():
            if isinstance(answer, dict) and "score" in answer:
                sums[(h, f"{rubric}.{criterion}")].append(int(answer["score"]))
    return {k: sum(v) / len(v) for k, v in sums.items()}


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


def calibrate(store: Store, run: RunRow, target_recall: float = 0.9) -> list[Metrics]:
    predicted, versions = machine_flags(store, run)
    labels = human_labels(store)
    scores = scale_scores(store, run) | check_scores(store, run)
    by_target: dict[str, list[Key]] = defaultdict(list)
    for key in labels:
        if key in predicted:
            by_target[key[1]].append(key)
    out = []
    for target, keys in sorted(by_target.items()):
        pairs, excluded, truth = [], 0, {}
        for key in keys:
            human = _majority(labels[key])
            machine = predicted[key]
            if human is None or machine is None:
                excluded += 1
                continue
            pairs.append((machine, human))
            truth[key[0]] = human
        m = metrics(target, pairs, excluded)
        m.inter_annotator_kappa, m.labellers = _inter_annotator([labels[k] for k in keys])
        m.version = versions.get(target)
        m.sweep = sweep(target, scores, truth, target_recall, high_is_bad=SCORED_CHECKS.get(target, ("", False))[1])
        out.append(m)
    return out


def save(store: Store, run: RunRow, results: list[Metrics]) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO calibrations (run_id, target, version, n, kappa, kappa_low, kappa_high, result_json, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (run.id, m.target, m.version, m.n, m.kappa, m.kappa_ci[0] if m.kappa_ci else None,
                 m.kappa_ci[1] if m.kappa_ci else None, json.dumps(m.to_json()), now)
                for m in results
            ],
        )


def latest(store: Store) -> dict[str, dict[str, Any]]:
    """The newest calibration per target: ``{target: {"kappa", "n", "version", ...}}``."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT target, version, n, kappa, kappa_low, kappa_high, run_id FROM calibrations c"
            " WHERE id = (SELECT max(id) FROM calibrations WHERE target = c.target)"
        ).all()
    return {t: {"version": v, "n": n, "kappa": k, "kappa_ci": (lo, hi), "run_id": r} for t, v, n, k, lo, hi, r in rows}


# -- labels in ------------------------------------------------------------------------------


def shipped_examples() -> Path:
    return data_dir("policies") / "calibration" / "labels.jsonl"


def injection_probe_file() -> Path:
    return data_dir("policies") / "calibration" / "injection_probe.jsonl"


def import_labels(store: Store, path: Path, source: str = "import", labeller: str | None = None) -> tuple[int, list[str]]:
    """Read labels from JSONL or CSV. Each row names the content (``content_hash``, a candidate ``id``
    seen in a run, or the candidate fields themselves), a ``target`` (``check`` or ``criterion`` also
    accepted), ``label`` pass/fail, and optionally ``labeller`` and ``note``. Shipped-style rows with a
    ``labels`` list are accepted too. Returns (labels added, errors with line numbers)."""
    import csv

    rows: list[tuple[int, dict[str, Any]]] = []
    errors: list[str] = []
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            rows = [(i + 2, dict(r)) for i, r in enumerate(csv.DictReader(f))]
    else:
        for i, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append((i, json.loads(line)))
                except json.JSONDecodeError as e:
                    errors.append(f"{path}:{i}: malformed JSON: {e.msg}")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    new = []
    with store.engine.connect() as conn:
        existing = set(conn.exec_driver_sql("SELECT content_hash, target, label, labeller, source FROM labels").all())
    for line, row in rows:
        content_hash = row.get("content_hash") or _hash_of(store, row)
        if not content_hash:
            errors.append(f"{path}:{line}: cannot tell which content is labelled (give content_hash, a known id, or the candidate)")
            continue
        entries = row.get("labels") or [row]
        for e in entries:
            target = e.get("target") or e.get("check") or e.get("criterion")
            label = str(e.get("label", "")).lower()
            if not target or label not in ("pass", "fail"):
                errors.append(f"{path}:{line}: needs a target and a label of pass or fail")
                continue
            who = e.get("labeller") or labeller or "unknown"
            rec = (content_hash, target, label, who, source)
            if rec in existing:
                continue
            existing.add(rec)
            new.append((content_hash, row.get("id"), target, label, who, e.get("note"), source, now))
    if new:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO labels (content_hash, candidate_id, target, label, labeller, note, source, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                new,
            )
    return len(new), errors


def _hash_of(store: Store, row: dict[str, Any]) -> str | None:
    if row.get("theme") is not None and row.get("placement") is not None and isinstance(row.get("keywords"), list):
        try:
            return Candidate.model_validate({k: v for k, v in row.items() if k != "labels"}).content_hash
        except Exception:
            return None
    if row.get("id"):
        found = store.find_verdict(str(row["id"]))
        return found.row.content_hash if found else None
    return None


def trust_map(store: Store) -> dict[str, dict[str, Any]]:
    try:
        return latest(store)
    except Exception:  # a store without the calibrations table yet
        return {}


__all__ = ["Metrics", "bootstrap_ci", "calibrate", "cohen_kappa", "import_labels", "latest", "save", "trust_map"]
