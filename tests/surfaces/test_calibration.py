"""Calibration against human labels, the trust hook, and the probes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge import Store
from judge.cli import app
from judge.surfaces.agreement import bootstrap_ci, cohen_kappa, metrics
from judge.surfaces.calibration import human_labels, import_labels
from tests.conftest import cand, write_jsonl
from tests.llm_server import LLMServer

runner = CliRunner()


def test_cohen_kappa_known_values():
    assert cohen_kappa([(True, True), (False, False)] * 5) == 1.0
    # 20 items: 15 agree; both raters say yes to half the items -> kappa 0.5
    pairs = [(True, True)] * 8 + [(False, False)] * 7 + [(True, False)] * 2 + [(False, True)] * 3
    assert cohen_kappa(pairs) == pytest.approx(0.5, abs=0.01)
    assert cohen_kappa([]) is None
    lo, hi = bootstrap_ci(pairs)
    assert -1 <= lo <= 0.5 <= hi <= 1


def test_metrics_are_those_of_rejection():
    m = metrics("terms", [(True, True), (True, False), (False, True), (False, False), (False, False)])
    assert (m.tp, m.fp, m.fn, m.tn) == (1, 1, 1, 2)
    assert m.precision == 0.5 and m.recall == 0.5 and m.base_rate == 0.4 and m.accuracy == 0.6


def test_label_import_with_errors_and_two_labellers(tmp_path: Path, db: Path):
    store = Store(db)
    f = tmp_path / "labels.csv"
    row = cand("x1", "Cozy soup season", ["broth", "noodles"])
    f.write_text(
        "theme,placement,keywords,target,label,labeller\n"
        f"{row['theme']},home-row,,terms,pass,ana\n"
    )
    added, errors = import_labels(store, f)
    assert added == 0 and errors and ":2:" in errors[0]  # keywords missing: content cannot be identified
    j = write_jsonl(tmp_path / "labels.jsonl", [
        {**row, "target": "terms", "label": "pass", "labeller": "ana"},
        {**row, "target": "terms", "label": "fail", "labeller": "ben"},
        {**row, "target": "terms", "label": "maybe"},
        "{broken",
    ])
    added, errors = import_labels(store, j)
    assert added == 2 and len(errors) == 2 and any(":3:" in e for e in errors) and any(":4:" in e for e in errors)
    assert import_labels(store, j)[0] == 0  # idempotent
    assert len(next(iter(human_labels(store).values()))) == 2


def test_calibrate_rules_only_on_the_shipped_examples(tmp_path: Path, db: Path):
    res = runner.invoke(app, ["calibrate", "--db", str(db), "--skip-llm", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    by = {m["target"]: m for m in data["metrics"]}
    assert {"terms", "claims", "injection", "decision"} <= set(by)
    assert by["terms"]["n"] >= 10 and by["terms"]["kappa_ci"] is not None
    assert by["decision"]["labellers"] >= 2 and by["decision"]["inter_annotator_kappa"] is not None
    assert any("no endpoint" in n for n in data["notes"])


def test_calibrate_with_judges_reports_criteria_demotes_and_probes(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch):
    for var in ("OPENAI_BASE_URL", "JUDGE_MODEL"):
        monkeypatch.delenv(var, raising=False)
    with LLMServer() as srv:
        res = runner.invoke(app, ["calibrate", "--db", str(db), "--json", "--base-url", srv.base_url, "--model", "m",
                                  "--repeat", "2"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
    by = {m["target"]: m for m in data["metrics"]}
    crit = by["theme_quality.specific"]
    assert crit["n"] >= 2 and crit["kappa_ci"] is not None and crit["version"] == "1"
    assert crit["may_block"] is False  # a judge that passes everything has not earned the right to block
    probes = {p["probe"]: p for p in data["probes"]}
    assert probes["injection"]["n"] == 6
    assert probes["injection"]["judge_approval_rate"] == 1.0  # this scripted judge is fooled by every one ...
    assert probes["injection"]["rule_tier_flag_rate"] >= 0.5  # ... which is why the rule tier stands in front
    assert set(probes["repeat"]["flip_rate"].values()) == {0.0}
    assert probes["position"]["n"] > 0 and probes["position"]["change_rate"] == 0.0
    store = Store(db)
    with store.engine.connect() as conn:
        stored = {t for (t,) in conn.exec_driver_sql("SELECT DISTINCT target FROM calibrations")}
    assert "theme_quality.specific" in stored and "probe:injection" in stored


def test_review_decisions_are_labels(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [cand("comp", "Better than Walmart prices", ["paper towels", "dish soap"])])
    runner.invoke(app, ["gate", str(p), "--db", str(db), "--policy", str(no_toxicity_policy)])
    runner.invoke(app, ["review", "reject", "comp", "--reason", "no competitors", "--reviewer", "cy", "--db", str(db)])
    labels = human_labels(Store(db))
    ((key, values),) = [(k, v) for k, v in labels.items() if k[1] == "decision"]
    assert values == [("review:cy", True)]


def test_report_has_a_calibration_section(tmp_path: Path, db: Path):
    runner.invoke(app, ["calibrate", "--db", str(db), "--skip-llm", "--json"])
    out = tmp_path / "r.html"
    assert runner.invoke(app, ["report", "--db", str(db), "--out", str(out)]).exit_code == 0
    html = out.read_text()
    assert "<h2>Calibration</h2>" in html and "inter-annotator" in html and ">terms" in html


def test_threshold_sweep_for_a_high_is_bad_score_and_a_scale():
    from judge.surfaces.agreement import sweep

    truth = {"a": True, "b": True, "c": False, "d": False, "e": False}
    tox = {("a", "toxicity"): 0.9, ("b", "toxicity"): 0.7, ("c", "toxicity"): 0.75, ("d", "toxicity"): 0.1, ("e", "toxicity"): 0.05}
    res = sweep("toxicity", tox, truth, target_recall=1.0, high_is_bad=True)
    assert res["suggested"]["threshold"] == 0.7 and res["suggested"]["false_rejection_rate"] == pytest.approx(1 / 3)
    scale = {("a", "r.c"): 1, ("b", "r.c"): 2, ("c", "r.c"): 4, ("d", "r.c"): 5, ("e", "r.c"): 3}
    res = sweep("r.c", scale, truth, target_recall=1.0)
    best = res["suggested"]
    assert best["recall"] == 1.0 and best["false_rejection_rate"] == 0.0 and 2 < best["threshold"] <= 3


def test_calibrate_sweeps_toxicity_scores_from_a_real_tiny_model(tmp_path: Path, db: Path):
    pytest.importorskip("detoxify")
    import yaml

    from tests.conftest import ROOT
    from tests.tinymodels import build_tiny_detoxify

    folder = tmp_path / "tiny"
    ckpt = build_tiny_detoxify(folder)
    data = yaml.safe_load((ROOT / "policies" / "default.yaml").read_text())
    data["checks"]["toxicity"].update({"model": str(folder), "checkpoint": str(ckpt), "config_dir": str(folder)})
    data["checks"]["coherence"]["embeddings"] = "off"
    policy = tmp_path / "p.yaml"
    policy.write_text(yaml.safe_dump(data))
    labels = write_jsonl(tmp_path / "labels.jsonl", [
        {**cand(f"t{i}", f"Theme {i}", ["olive oil", "rice"]), "target": "toxicity", "label": "fail" if i % 2 else "pass", "labeller": "ana"}
        for i in range(6)
    ])
    runner.invoke(app, ["gate", str(write_jsonl(tmp_path / "in.jsonl", [cand(f"t{i}", f"Theme {i}", ["olive oil", "rice"]) for i in range(6)])),
                        "--db", str(db), "--policy", str(policy), "--skip-llm"])
    run_id = json.loads(runner.invoke(app, ["runs", "--db", str(db), "--json"]).output)[0]["run_id"]
    res = runner.invoke(app, ["calibrate", "--db", str(db), "--run", run_id, "--labels", str(labels), "--json", "--skip-llm", "--policy", str(policy)])
    assert res.exit_code == 0, res.output
    tox = next(m for m in json.loads(res.output)["metrics"] if m["target"] == "toxicity")
    assert tox["n"] == 6 and tox["sweep"] is not None and tox["sweep"]["direction"] == "flag when >="
    assert len(tox["sweep"]["points"]) >= 1
