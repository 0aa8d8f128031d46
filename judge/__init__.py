"""storefront-judge: decide automatically what generated storefront content may be published."""

from .errors import CheckUnavailable, ConfigError, InputError, JudgeError, PolicyError, StoreError
from .gate import CIResult, Gate, RunResult
from .models import Candidate, Decision, Finding, Placement, PlacementContext, Severity, Verdict, decide
from .normalize import NormalizedText, normalize
from .policy import Policy, load_policy
from .providers import LLMSettings
from .rubric import Rubric, load_rubric
from .reader import Record, read_records
from .store import DEFAULT_DB, Store
from .version import __version__, code_version

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
    "NormalizedText",
    "Placement",
    "PlacementContext",
    "Policy",
    "PolicyError",
    "Record",
    "Rubric",
    "RunResult",
    "Severity",
    "Store",
    "StoreError",
    "Verdict",
    "__version__",
    "code_version",
    "decide",
    "load_policy",
    "load_rubric",
    "normalize",
    "read_records",
]
