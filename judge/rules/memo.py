"""A bounded memo of what a check read of each text: a run's keywords and themes repeat, so each is read once; a long
run's memo is cleared when full rather than grown without end."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING: Any = object()


class BoundedMemo(dict[K, V]):
    """A dict of readings, ``limit`` entries at most (cleared when full)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def read(self, key: K, compute: Callable[[], V]) -> V:
        """The reading kept for ``key``, or ``compute()`` kept now (None and falsy readings are kept too)."""
        found = self.get(key, _MISSING)
        if found is _MISSING:
            if len(self) >= self.limit:
                self.clear()
            found = self[key] = compute()
        return found
