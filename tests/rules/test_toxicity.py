"""Toxicity through the real Detoxify load + predict path, on a tiny model built here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge import Candidate, Gate, Store, load_policy
from judge.cli import app
from judge.policy import ToxicityConfig
from judge.rules.checks import CheckEnv
from judge.rules.checks.base import Subject
from judge.rules.checks.toxicity import ToxicityCheck, load_detoxify
from judge.surfaces.reader import read_input
from tests.conftest import ROOT, cand, write_jsonl

pytest.importorskip("detoxify", reason="install the 'detoxify' extra")
pytest.importorskip("torch")

runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    import torch

    from tests.tinymodels import build_tiny_detoxify

    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("tinybert")
    return build_tiny_detoxify(folder), folder


@pytest.fixture(autouse=True)
def fresh_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))  # an empty hub cache
    load_detoxify.cache_clear()
    yield
    load_detoxify.cache_clear()


def tiny_policy(tmp_path: Path, ckpt: Path, folder: Path, **extra: str) -> Path:
    text = (ROOT / "policies" / "default.yaml").read_text()
    text = text.replace(
        "  toxicity:\n    enabled: true\n    model: original\n",
        f"  toxicity:\n    enabled: true\n    model: {folder}\n    checkpoint: {ckpt}\n    config_dir: {folder}\n"
        f"    thresholds: {{insult: 0.9, toxicity: 0.5}}\n",
    )
    for k, v in extra.items():
        text = text.replace(k, v)
    p = tmp_path / "tox.yaml"
    p.write_text(text)
    return p


def test_local_checkpoint_loads_and_scores_every_field(tiny, tmp_path: Path):
    ckpt, folder = tiny
    cfg = ToxicityConfig(model=str(folder), checkpoint=str(ckpt), config_dir=str(folder), thresholds={"insult": 0.9, "toxicity": 0.5})
    check = ToxicityCheck(cfg, CheckEnv())
    assert check.status.available, check.status.detail
    subjects = [Subject(Candidate(id=str(i), placement="p", theme=f"hot taco {i}", keywords=["soup", "snack"])) for i in range(3)]
    found = check.run_batch(subjects)
    assert [sum(1 for x in f if x.severity != "info") for f in found] == [3, 3, 3]  # theme + 2 keywords, insult only
    top = [x for x in found[0] if x.term == "max_score"]
    assert len(top) == 1 and top[0].category == "insult" and top[0].score >= 0.9  # the score calibration sweeps
    f = found[0][0]
    assert f.check == "toxicity" and f.term == "insult" and f.field == "theme" and 0.9 <= f.score <= 1.0
    assert f.severity == "block"


def test_model_is_loaded_once_per_process(tiny):
    ckpt, folder = tiny
    a = load_detoxify(str(folder), str(ckpt), str(folder), "cpu")
    b = load_detoxify(str(folder), str(ckpt), str(folder), "cpu")
    assert a is b


def test_gate_rejects_on_toxicity_findings(tiny, tmp_path: Path):
    ckpt, folder = tiny
    policy = load_policy(tiny_policy(tmp_path, ckpt, folder))
    p = write_jsonl(tmp_path / "in.jsonl", [cand("a", "Cozy soup season")])
    r = Gate(policy, Store(tmp_path / "j.db"), skip_llm=True).run(read_input(p))
    assert r.counts["rejected"] == 1
    assert r.check_status["toxicity"]["available"] is True


def test_missing_model_is_reported_loudly_and_the_default_policy_warns(tmp_path: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [cand("a", "Cozy soup season")])
    out = tmp_path / "v.json"
    res = runner.invoke(app, ["gate", str(p), "--db", str(tmp_path / "j.db"), "--json", str(out), "--skip-llm"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "UNAVAILABLE" in res.output and "toxicity" in res.output
    data = json.loads(out.read_text())
    assert data["checks"]["toxicity"]["available"] is False
    assert "checkpoint" in data["checks"]["toxicity"]["detail"]
    assert data["items"][0]["decision"] == "approved"  # term lists still ran; the gap is recorded
    run = Store(tmp_path / "j.db").get_run()
    assert run is not None and run.check_status["toxicity"]["available"] is False


def test_strict_policy_turns_a_missing_model_into_an_error(tmp_path: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [cand("a", "Cozy soup season")])
    out = tmp_path / "v.json"
    res = runner.invoke(app, ["gate", str(p), "--policy", "strict", "--db", str(tmp_path / "j.db"), "--json", str(out), "--skip-llm"])
    assert res.exit_code == 1
    assert "toxicity" in res.output and "unavailable" in res.output
    item = json.loads(out.read_text())["items"][0]
    assert item["decision"] == "needs_review"
    assert any(f["check"] == "toxicity" and f["severity"] == "review" for f in item["findings"])


def test_detoxify_not_installed_is_unavailable_with_a_hint(monkeypatch: pytest.MonkeyPatch):
    import sys

    monkeypatch.setitem(sys.modules, "detoxify", None)
    check = ToxicityCheck(ToxicityConfig(), CheckEnv())
    assert not check.status.available
    assert "pip install" in check.status.detail
