"""What can be wrong with a store file, said in one line: checked before SQLite opens it, and every
database error translated into a :class:`~judge.errors.StoreError` that says what to do."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from judge.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
EMPTY_GRACE_S = 3.0  # a store another process is creating is empty for a moment


def check_store_file(path: Path) -> None:
    """Refuse what SQLite would misread: a folder, an empty file, a file that is not a SQLite database."""
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a verdict store")
    if not path.exists():
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        return
    deadline = time.monotonic() + EMPTY_GRACE_S
    while _size(path) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    size = _size(path)
    if size == 0:
        raise StoreError(f"{path}: is an empty file (0 bytes), not a verdict store; a store that lost its contents? "
                         "Restore it from a backup, or remove it to start a new store")
    if _head(path) != SQLITE_MAGIC:
        raise StoreError(f"{path}: is not a SQLite database, so not a verdict store (damaged, or another file); "
                         "nothing was written to it")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise StoreError(f"{path}: cannot read the verdict store: {e.strerror or e}") from None


def describe(path: Path, error: BaseException) -> str:
    """One line: what a database error means for the user, and that nothing was lost."""
    text = str(error)
    low = text.lower()
    if "full" in low:
        return (f"{path}: the disk is full ({text}). The store is intact: committed batches are kept, and the same "
                "command resumes the run once there is space")
    if "readonly" in low or "read-only" in low:
        return f"{path}: the verdict store is read-only ({text}); give this user write access or choose another --db"
    if "locked" in low or "busy" in low:
        return f"{path}: the verdict store stayed locked by another process for over 30 s ({text}); try again"
    if "unable to open" in low:
        return f"{path}: cannot open the verdict store ({text}); does its folder exist and allow writing?"
    if "malformed" in low or "not a database" in low or "i/o error" in low or "corrupt" in low:
        return (f"{path}: the verdict store is damaged ({text}); restore it from a backup, or check it with "
                "`sqlite3 FILE 'PRAGMA integrity_check'`")
    return f"{path}: verdict store error: {text}"


def translate(path: Path) -> Any:
    """A ``handle_error`` listener: database errors (but constraint violations) become :class:`StoreError`."""

    def handle_error(context: Any) -> None:
        error = context.original_exception
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.IntegrityError):
            raise StoreError(describe(path, error)) from error

    return handle_error
