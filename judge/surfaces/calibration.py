"""Calibration: how well each check and rubric criterion agrees with human labels.

A label says whether content *should be flagged* by a target: a check id (``terms``),
a rubric criterion (``theme_quality.specific``) or the overall ``decision``. Review
overrides are labels of ``decision`` too. "Positive" is *flagged* (fail), so precision
and recall are those of rejection: recall of bad content is what a safety gate lives on.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from judge.models import Candidate
from judge.resources import data_dir
from judge.store import RunRow, Store
from judge.surfaces.agreement import (
    Key,
    Metrics,
    inter_annotator,
    majority,
    metrics,
    sweep,
)
from judge.surfaces.reader import read_rows

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
    for line, rubric, version, criterion, outcome in store.judgement_outcomes(run.id):
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
    for h, target, label, labeller, _ in store.labels():
        out[(h, target)].append((labeller, label == "fail"))
    for h, decision, reviewer in store.review_labels():
        out[(h, "decision")].append((f"review:{reviewer}", decision == "rejected"))
    return out


# Scored checks: the finding term carrying the per-candidate score, and whether a high score is bad.
SCORED_CHECKS = {"toxicity": ("max_score", True), "coherence": ("min_similarity", False)}


def check_scores(store: Store, run: RunRow) -> dict[Key, float]:
    """Per (content, check) score of the scored checks, from their informational findings."""
    out: dict[Key, float] = {}
    for check, (term, _) in SCORED_CHECKS.items():
        out.update({(h, check): s for h, s in store.finding_scores(run.id, check, term) if h})
    return out


def scale_scores(store: Store, run: RunRow) -> dict[Key, float]:
    """Mean 1-5 score per (content, criterion) from the stored judge answers of a run."""
    sums: dict[Key, list[int]] = defaultdict(list)
    for h, rubric, answers in store.scored_answers(run.id):
        for criterion, answer in answers.items():
            if isinstance(answer, dict) and "score" in answer:
                sums[(h, f"{rubric}.{criterion}")].append(int(answer["score"]))
    return {k: sum(v) / len(v) for k, v in sums.items()}


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
            human = majority(labels[key])
            machine = predicted[key]
            if human is None or machine is None:
                excluded += 1
                continue
            pairs.append((machine, human))
            truth[key[0]] = human
        m = metrics(target, pairs, excluded)
        m.inter_annotator_kappa, m.labellers = inter_annotator([labels[k] for k in keys])
        m.version = versions.get(target)
        m.sweep = sweep(target, scores, truth, target_recall, high_is_bad=SCORED_CHECKS.get(target, ("", False))[1])
        out.append(m)
    return out


def save(store: Store, run: RunRow, results: list[Metrics]) -> None:
    store.add_calibrations(run.id, [m.to_json() for m in results])


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
    rows: list[tuple[str, dict[str, Any]]] = []
    errors: list[str] = []
    for row in read_rows(path):
        if row.obj is None:
            errors.append(row.error or f"{row.where}: unreadable row")
        else:
            rows.append((row.where, row.obj))
    new = []
    existing = set(store.labels())
    for line, row in rows:
        content_hash = str(row.get("content_hash") or "") or _hash_of(store, row)
        if not content_hash:
            errors.append(f"{line}: cannot tell which content is labelled (give content_hash, a known id, or the candidate)")
            continue
        entries = row.get("labels") or [row]
        for e in entries if isinstance(entries, list) else [entries]:
            if not isinstance(e, dict):
                errors.append(f"{line}: a label is an object with a target and a label")
                continue
            target = e.get("target") or e.get("check") or e.get("criterion")
            label = str(e.get("label", "")).lower()
            if not isinstance(target, str) or not target or label not in ("pass", "fail"):
                errors.append(f"{line}: needs a target and a label of pass or fail")
                continue
            who = str(e.get("labeller") or labeller or "unknown")
            rec = (content_hash, target, label, who, source)
            if rec in existing:
                continue
            existing.add(rec)
            new.append({"content_hash": content_hash, "candidate_id": None if row.get("id") is None else str(row["id"]), "target": target, "label": label,
                        "labeller": who, "note": None if e.get("note") is None else str(e.get("note")), "source": source})
    if new:
        store.add_labels(new)
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


__all__ = ["Metrics", "calibrate", "import_labels", "save"]
