"""`judge calibrate`: label import, a gate run over the labelled examples, metrics, probes."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from judge.cascade.gate import Gate
from judge.judges.providers import LLMSettings
from judge.judges.stage import JudgeItem
from judge.policy import Policy
from judge.rules.checks import CheckEnv, CheckSuite
from judge.store import Store
from judge.surfaces import calibration as cal
from judge.surfaces.probes import injection_probe, position_probe, repeat_probe
from judge.surfaces.reader import read_input, read_records


@dataclass
class CalibrationResult:
    run_id: str
    labels: int  # labels in the store
    metrics: list[dict[str, Any]]  # per target: agreement, sweep, and whether it may block
    probes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_calibration(
    store: Store,
    policy: Policy,
    llm: LLMSettings | None = None,
    run_id: str | None = None,
    label_files: list[Path] | None = None,
    skip_llm: bool = False,
    probes: bool = True,
    repeat: int = 3,
    target_recall: float = 0.9,
) -> CalibrationResult:
    notes: list[str] = []
    for path in label_files or []:
        added, errors = cal.import_labels(store, path)
        notes += errors[:10]
    if run_id:
        run = store.require_run(run_id)
    else:
        # no run named: gate the shipped, hand-labelled examples with this policy and judges
        cal.import_labels(store, cal.shipped_examples(), source="shipped")
        use_llm = not skip_llm and bool(policy.judges.rubrics) and llm is not None and llm.configured
        if policy.judges.rubrics and not use_llm:
            notes.append("rubric criteria are not measured: no endpoint configured (or --skip-llm)")
        gate = Gate(policy, store, skip_llm=not use_llm, llm=llm if use_llm else None, calibrations=store.latest_calibrations())
        run = gate.run(read_input(cal.shipped_examples())).run
    results = cal.calibrate(store, run, target_recall)
    cal.save(store, run, results)
    n_labels = store.label_count()
    trust = policy.judges.trust
    rows = []
    for m in results:
        row = m.to_json()
        if "." in m.target and trust.min_kappa is not None:
            ok = m.kappa is not None and m.n >= trust.min_labels and m.kappa >= trust.min_kappa
            row["may_block"] = ok
            if not ok:
                row["why"] = "too few labels" if m.n < trust.min_labels else f"kappa < {trust.min_kappa}"
        rows.append(row)
    result = CalibrationResult(run.id, n_labels, rows, notes=notes)
    if probes and not skip_llm and llm is not None and llm.configured and policy.judges.rubrics:
        result.probes = asyncio.run(_probes(store, policy, llm, repeat))
        store.add_calibrations(run.id, [{**p, "target": f"probe:{p['probe']}"} for p in result.probes])
    elif probes:
        notes.append("probes need an LLM endpoint: set OPENAI_BASE_URL and JUDGE_MODEL")
    return result


def _items(path: Path) -> list[JudgeItem]:
    return [JudgeItem(r.line, r.candidate, r.candidate.content_hash) for r in read_records(path) if r.candidate]


async def _probes(store: Store, policy: Policy, llm: LLMSettings, repeat: int) -> list[dict[str, Any]]:
    gate = Gate(policy, store, llm=llm, calibrations=store.latest_calibrations())
    stage = gate.stage
    assert stage is not None
    suite = CheckSuite(policy.checks, CheckEnv(policy.base_dir))
    try:
        examples = _items(cal.shipped_examples())
        out = [await injection_probe(stage, suite, _items(cal.injection_probe_file()))]
        out.append(await repeat_probe(stage, examples[:8], repeat))
        pages = {f"probe-page-{i // 4}": examples[i : i + 4] for i in range(0, min(len(examples), 12), 4)}
        out.append(await position_probe(stage, pages))
        return out
    finally:
        await stage.aclose()
