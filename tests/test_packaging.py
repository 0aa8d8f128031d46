"""A non-editable install must carry policies/ and rubrics/ with it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, cand, write_jsonl

pytest.importorskip("hatchling", reason="install the 'dev' extra")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and unpack it as site-packages would hold it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("storefront_judge-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = "import sys; from judge.cli import main; sys.argv = ['judge', *sys.argv[1:]]; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_wheel_ships_data_folders(installed: Path):
    assert (installed / "judge" / "_data" / "policies" / "default.yaml").is_file()
    assert (installed / "judge" / "_data" / "policies" / "terms" / "garm.yaml").is_file()
    assert (installed / "judge" / "_data" / "rubrics").is_dir()
    assert not (installed / "cli.py").exists()  # nothing named `cli` at the top of site-packages
    (entry_points,) = installed.glob("storefront_judge-*.dist-info/entry_points.txt")
    assert "judge = judge.cli:main" in entry_points.read_text()


def test_installed_wheel_gates_with_shipped_policy_from_any_directory(installed: Path, tmp_path: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [cand("a", "Cozy soup season"), cand("b", "Sh1t-hot sauces")])
    res = run_installed(installed, tmp_path, "gate", str(p), "--db", str(tmp_path / "j.db"), "--json", str(tmp_path / "o.json"), "--skip-llm")
    assert res.returncode == 0, res.stderr + res.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "from judge.resources import data_dir; print(data_dir('policies'))"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(installed)}, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip().startswith(str(installed))
    import json

    items = {it["id"]: it["decision"] for it in json.loads((tmp_path / "o.json").read_text())["items"]}
    assert items == {"a": "approved", "b": "rejected"}
