"""The layers of ARCHITECTURE.md, enforced: each package imports only from the layers below it,
only the store speaks SQL, and modules stay small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "judge"
FOUNDATION = {"judge.errors", "judge.models", "judge.version", "judge.resources", "judge.config", "judge.policy", "judge.redact"}
# what each layer may import, besides itself and the foundation
ALLOWED = {
    "foundation": set(),
    "rules": set(),
    "store": set(),
    "judges": {"store"},
    "cascade": {"rules", "store", "judges"},
    "surfaces": {"rules", "store", "judges", "cascade"},
    "cli": {"rules", "store", "judges", "cascade", "surfaces"},
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__main__.py" and p != PACKAGE / "__init__.py")


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("judge"):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("judge")}
    return out


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_module_imports_only_from_its_own_layer_and_those_below(path: Path):
    layer = _layer(_module(path))
    assert layer is not None, f"{path} belongs to no layer of ARCHITECTURE.md"
    allowed = ALLOWED[layer] | {layer, "foundation"}
    for imported in _imports(path):
        target = _layer(imported)
        assert target is None or target in allowed, f"{_module(path)} ({layer}) imports {imported} ({target})"


def test_only_the_store_speaks_sql():
    sql = re.compile(r"Session\(|\.engine\b|\btext\(|exec_driver_sql|\b(SELECT|INSERT|UPDATE|DELETE)\s+[\w*(]")
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in _sources() if "store" not in p.relative_to(PACKAGE).parts
        for i, line in enumerate(p.read_bytes().decode("utf-8").splitlines(), 1) if sql.search(line)
    ]
    assert offenders == []


def test_modules_stay_small_and_cli_functions_short():
    big = [str(p.relative_to(ROOT)) for p in _sources() if len(p.read_bytes().splitlines()) > 400]
    assert big == []
    long_fns = []
    for p in (PACKAGE / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(p.read_bytes())):
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > 60:
                long_fns.append(f"{p.name}:{node.name}")
    assert long_fns == []
