"""Exceptions raised by storefront-judge.

Bad *content* is never an exception: it is a :class:`judge.models.Finding`.
Exceptions are for things that stop the tool from judging at all.

Hierarchy::

    JudgeError
    ├── ConfigError            a policy, term list or option is invalid
    │   └── PolicyError        a policy file failed validation (names file and key)
    ├── InputError             an input file cannot be opened or read at all
    ├── StoreError             the store cannot be opened, read or written (damaged, read-only, full)
    │   └── RunInProgress      another live process is gating the same run
    ├── OutputError            an output file cannot be written, or would overwrite the store or the input
    ├── NotFoundError          a named run or candidate is not in the store
    └── CheckUnavailable       a check cannot run (e.g. no toxicity model);
                               the policy decides whether that is a warning or an error
"""

from __future__ import annotations


class JudgeError(Exception):
    """Base class of every error raised by storefront-judge."""


class ConfigError(JudgeError):
    """A configuration value, policy or data file is invalid."""


class PolicyError(ConfigError):
    """A policy file failed validation."""


class InputError(JudgeError):
    """An input file cannot be read at all (missing, a directory, unknown format)."""


class StoreError(JudgeError):
    """The verdict store cannot be opened, read or written; the message says why and what to do."""


class RunInProgress(StoreError):
    """Another live process is gating the run that this one would resume."""


class OutputError(JudgeError):
    """An output path is unusable: a folder, unwritable, or the store, the input or another output."""


class NotFoundError(JudgeError):
    """A run or candidate that a command names is not in the store."""


class CheckUnavailable(JudgeError):
    """A check cannot run in this environment (for example, no model could be loaded)."""
