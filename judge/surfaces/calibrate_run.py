"""`judge calibrate`: label import, a gate run over the labelled examples, metrics, probes."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from judge.surfaces import calibration as cal
from judge.rules.checks import CheckContext, CheckSuite
from judge.errors import ConfigError
from judge.cascade.gate import Gate
from judge.judges.stage import JudgeItem
from judge.policy import Policy
from judge.surfaces.probes import injection_probe, position_probe, repeat_probe
from judge.judges.providers import LLMSettings
from judge.surfaces.reader import read_records
from judge.store import Store


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
) -> dict[str, Any]:
    notes: list[str] = []
    for path in label_files or []:
        added, errors = cal.import_labels(store, path)
        notes += errors[:10]
    if run_id:
        run = store.get_run(run_id)
        if run is None:
            raise ConfigError(f"no run {run_id!r}")
    else:
        # no run named: gate the shipped, hand-labelled examples with this policy and judges
        cal.import_labels(store, cal.shipped_examples(), source="shipped")
        use_llm = not skip_llm and bool(policy.judges.rubrics) and llm is not None and llm.configured
        if policy.judges.rubrics and not use_llm:
            notes.append("rubric criteria are not measured: no endpoint configured (or --skip-llm)")
        gate = Gate(policy, store, skip_llm=not use_llm, llm=llm if use_llm else None)
        run = gate.run(cal.shipped_examples()).run
    results = cal.calibrate(store, run, target_recall)
    cal.save(store, run, results)
    with store.engine.connect() as conn:
        n_labels = conn.exec_driver_sql("SELECT count(*) FROM labels").scalar() or 0
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
    result: dict[str, Any] = {"run_id": run.id, "labels": n_labels, "metrics": rows, "probes": [], "notes": notes}
    if probes and not skip_llm and llm is not None and llm.configured and policy.judges.rubrics:
        result["probes"] = asyncio.run(_probes(store, policy, llm, repeat))
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO calibrations (run_id, target, version, n, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(run.id, f"probe:{p['probe']}", None, p["n"], json.dumps(p), now) for p in result["probes"]],
            )
    elif probes:
        notes.append("probes need an LLM endpoint: set OPENAI_BASE_URL and JUDGE_MODEL")
    return result


def _items(path: Path) -> list[JudgeItem]:
    return [JudgeItem(r.line, r.candidate, r.candidate.content_hash) for r in read_records(path) if r.candidate]


async def _probes(store: Store, policy: Policy, llm: LLMSettings, repeat: int) -> list[dict[str, Any]]:
    gate = Gate(policy, store, llm=llm)
    stage = gate.stage
    assert stage is not None
    suite = CheckSuite(policy.checks, CheckContext(policy.base_dir))
    try:
        examples = _items(cal.shipped_examples())
        out = [await injection_probe(stage, suite, _items(cal.injection_probe_file()))]
        out.append(await repeat_probe(stage, examples[:8], repeat))
        pages = {f"probe-page-{i // 4}": examples[i : i + 4] for i in range(0, min(len(examples), 12), 4)}
        out.append(await position_probe(stage, pages))
        return out
    finally:
        await stage.aclose()
