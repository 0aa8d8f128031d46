"""Code version recorded in every verdict's provenance."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

try:
    __version__ = metadata.version("storefront-judge")
except metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"


@cache
def code_version() -> str:
    """Package version plus a digest of the engine's source, so edits invalidate caches."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"
