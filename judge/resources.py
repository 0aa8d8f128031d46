"""Where the shipped data folders (``policies/``, ``rubrics/``) live.

In a source checkout or editable install they sit beside the ``judge`` package;
a wheel carries them inside it as ``judge/_data/``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_dir(name: str) -> Path:
    """Folder of shipped data: ``data_dir("policies")``, ``data_dir("rubrics")`` or ``data_dir("reports")``."""
    package = resources.files("judge")
    for candidate in (package / "_data" / name, package / ".." / name):
        if candidate.is_dir():
            return Path(str(candidate)).resolve()
    raise FileNotFoundError(f"shipped data folder {name!r} not found beside {package}")


def resolve_data_file(ref: str | Path, kind: str, base: Path | None = None) -> Path:
    """Resolve ``ref`` as a path (absolute, relative to ``base`` or the CWD) or a shipped name.

    ``resolve_data_file("strict", "policies")`` -> ``<policies>/strict.yaml``.
    """
    ref_path = Path(ref)
    tries: list[Path] = []
    if ref_path.is_absolute():
        tries.append(ref_path)
    else:
        if base is not None:
            tries.append(base / ref_path)
        tries.append(Path.cwd() / ref_path)
        shipped = data_dir(kind)
        tries.append(shipped / ref_path)
        if not ref_path.suffix:
            tries.append(shipped / f"{ref}.yaml")
    for path in tries:
        if path.is_file():
            return path
    raise FileNotFoundError(f"{ref}: not found (looked in {', '.join(str(p) for p in tries)})")
