"""Data files as validated models: one YAML loader and one validation-error formatter.

Rubrics, policies, term lists and pattern files are YAML validated by pydantic
models with ``extra="forbid"``; a problem is a :class:`~judge.errors.ConfigError`
(or the ``error`` class given) that names the file and the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from judge.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def validation_message(err: ValidationError, limit: int = 1, sep: str = "; ") -> str:
    """``loc: what is wrong`` for the first ``limit`` errors of a validation."""
    parts = []
    for e in err.errors()[:limit]:
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        kind = "missing required field" if e["type"] == "missing" else e["msg"]
        parts.append(f"{loc}: {kind}")
    return sep.join(parts)


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same documents, parsed in C (policies, term lists)


def read_yaml(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, bytes]:
    """The parsed YAML of ``path`` and its bytes (for hashing)."""
    try:
        raw = path.read_bytes()
        return yaml.load(raw, Loader=_SAFE_LOADER), raw  # noqa: S506 (a safe loader: libyaml's when it is there)
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        raise error(f"{path}: not valid YAML: {e}") from None


def validate(path: Path, data: Any, model: type[M], what: str = "", error: type[ConfigError] = ConfigError, limit: int = 1) -> M:
    """``data`` (read from ``path``) as a ``model``; an error names the file and the keys."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        label = f"invalid {what}: " if what else ""
        if limit == 1:
            raise error(f"{path}: {label}{validation_message(e)}") from None
        lines = validation_message(e, limit, sep="\n  ")
        raise error(f"{path}: {label.rstrip(': ')}\n  {lines}") from None


def load_yaml(path: Path, model: type[M], what: str = "", error: type[ConfigError] = ConfigError) -> M:
    """Read and validate one YAML data file."""
    return validate(path, read_yaml(path, error)[0], model, what, error)
