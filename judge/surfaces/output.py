"""Where the surfaces write files: one place that creates the folder and writes UTF-8."""

from __future__ import annotations

from pathlib import Path


def write_output(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write(text)
    return path
