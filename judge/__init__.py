"""storefront-judge: decide automatically what generated storefront content may be published."""

from judge.cascade.gate import CIResult, Gate, RunResult
from judge.errors import (
    CheckUnavailable,
    ConfigError,
    InputError,
    JudgeError,
    NotFoundError,
    PolicyError,
    StoreError,
)
from judge.judges.providers import LLMSettings
from judge.judges.rubric import Rubric, load_rubric
from judge.models import (
    Candidate,
    Decision,
    Finding,
    Placement,
    PlacementBrief,
    Severity,
    decide,
)
from judge.policy import Policy, load_policy
from judge.rules.normalize import NormalizedText, normalize
from judge.store import DEFAULT_DB, Store
from judge.surfaces.reader import Record, read_records
from judge.version import __version__, code_version

__all__ = [
    "DEFAULT_DB",
    "CIResult",
    "Candidate",
    "CheckUnavailable",
    "ConfigError",
    "Decision",
    "Finding",
    "Gate",
    "InputError",
    "JudgeError",
    "LLMSettings",
    "NotFoundError",
    "NormalizedText",
    "Placement",
    "PlacementBrief",
    "Policy",
    "PolicyError",
    "Record",
    "Rubric",
    "RunResult",
    "Severity",
    "Store",
    "StoreError",
    "__version__",
    "code_version",
    "decide",
    "load_policy",
    "load_rubric",
    "normalize",
    "read_records",
]
