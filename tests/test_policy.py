from __future__ import annotations

from pathlib import Path

import pytest

from judge import Candidate, PolicyError, load_policy
from judge.models import Severity
from judge.resources import data_dir


@pytest.mark.parametrize("name", ["default", "strict"])
def test_shipped_policies_load(name: str):
    p = load_policy(name)
    assert p.id == name and p.version
    assert p.unscored in ("needs_review", "rejected")


def test_every_shipped_policy_file_is_valid():
    for path in data_dir("policies").glob("*.yaml"):
        if path.name != "patterns.yaml":
            load_policy(path)


def test_unknown_key_names_file_and_key(tmp_path: Path):
    bad = tmp_path / "p.yaml"
    bad.write_text("id: x\nversion: '1'\nci:\n  max_rejected_shares: 0.1\n")
    with pytest.raises(PolicyError) as e:
        load_policy(bad)
    assert str(bad) in str(e.value) and "ci.max_rejected_shares" in str(e.value)


def test_wrong_type_is_explained(tmp_path: Path):
    bad = tmp_path / "p.yaml"
    bad.write_text("id: x\nversion: '1'\nchecks:\n  format:\n    theme_max_chars: lots\n")
    with pytest.raises(PolicyError, match="checks.format.theme_max_chars"):
        load_policy(bad)


def test_unscored_can_never_mean_approved(tmp_path: Path):
    bad = tmp_path / "p.yaml"
    bad.write_text("id: x\nversion: '1'\nunscored: approved\n")
    with pytest.raises(PolicyError, match="unscored"):
        load_policy(bad)


def test_invalid_override_is_rejected_at_load_time(tmp_path: Path):
    bad = tmp_path / "p.yaml"
    bad.write_text(
        "id: x\nversion: '1'\noverrides:\n  - name: kids\n    when: {audience: kids}\n"
        "    checks: {terms: {severity: {alcohol: forbidden}}}\n"
    )
    with pytest.raises(PolicyError, match="override 'kids'"):
        load_policy(bad)


def test_overrides_merge_per_candidate():
    p = load_policy("default")
    kid = Candidate(id="1", placement="x", theme="t", keywords=[], context={"audience": "Kids"})
    adult = Candidate(id="2", placement="x", theme="t", keywords=[])
    assert p.checks_for(p.override_key(kid)).terms.severity["alcohol"] == Severity.BLOCK
    assert "alcohol" not in p.checks_for(p.override_key(adult)).terms.severity


def test_missing_policy_is_a_policy_error():
    with pytest.raises(PolicyError, match="not found"):
        load_policy("no-such-policy")
