"""`judge gate --ray local`: a run's workers as Ray tasks against a shared PostgreSQL store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cascade.test_workers import _gate_cmd, _query, _rows, _stored
from tests.conftest import ROOT, write_jsonl


def _need_ray() -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        if os.environ.get("REQUIRE_RAY") == "1":
            pytest.fail("REQUIRE_RAY=1 but Ray is not installed (the `ray` extra)")
        pytest.skip("Ray is not installed (the `ray` extra)")


def test_ray_tasks_store_exactly_the_rows_of_one_process(tmp_path: Path, no_toxicity_policy: Path, pg_url: str):
    _need_ray()
    p = write_jsonl(tmp_path / "in.jsonl", _rows(3000))
    one = tmp_path / "one.db"
    res = subprocess.run(_gate_cmd(p, no_toxicity_policy, one, "--batch-size", "50"), cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert res.returncode in (0, 1), res.stderr
    res = subprocess.run(_gate_cmd(p, no_toxicity_policy, pg_url, "--batch-size", "50", "--ray", "local", "--workers", "2"),
                         cwd=ROOT, capture_output=True, text=True, timeout=300, env=os.environ | {"RAY_AUTH_MODE": "disabled"})
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr, res.stderr
    assert _stored(pg_url) == _stored(one) and len(_stored(pg_url)["verdicts"]) == 3000
    assert _query(pg_url, "SELECT COUNT(*), COUNT(DISTINCT block) FROM run_blocks") == [(60, 60)]
    owners = {o.rsplit(":", 1)[1] for (o,) in _query(pg_url, "SELECT DISTINCT owner FROM run_blocks")}
    assert len(owners) >= 2  # the owner coordinates (it takes no block): two Ray tasks gated the blocks


def test_ray_without_the_extra_is_a_usage_error(tmp_path: Path, no_toxicity_policy: Path, monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from judge.cli import app

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    p = write_jsonl(tmp_path / "in.jsonl", _rows(3))
    res = CliRunner().invoke(app, ["gate", str(p), "--skip-llm", "--policy", str(no_toxicity_policy), "--db",
                                   str(tmp_path / "j.db"), "--ray", "local"])
    assert res.exit_code == 2 and "ray" in res.output.lower()
