"""What can be wrong with a store, said in one line: a SQLite file is checked before SQLite opens it,
a database of another application is refused, and every database error (SQLite's, or a PostgreSQL
server's) is translated into a :class:`~judge.errors.StoreError` that says what to do."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from judge.errors import StoreError
from judge.redact import redact_text

SQLITE_MAGIC = b"SQLite format 3\x00"
EMPTY_GRACE_S = 5.0  # a store another process is creating is empty for a moment (longer on a busy machine)


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
    head = _head(path)
    if head[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        raise StoreError(f"{path}: is not a SQLite database, so not a verdict store (damaged, or another file); "
                         "nothing was written to it")
    expected = _expected_size(head)
    if expected and size < expected:
        raise StoreError(f"{path}: the verdict store is truncated ({size:,} bytes, its header says {expected:,}); "
                         "restore it from a backup. Nothing was written to it")
    _refuse_foreign(path)


def _refuse_foreign(path: Path) -> None:
    """A database with tables but none of ours is somebody else's: looked at read-only, never changed."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.Error as e:
        raise StoreError(describe(str(path), e)) from None
    refuse_foreign(str(path), names)


def refuse_foreign(shown: str, names: Iterable[str]) -> None:
    """Tables, but none of ours: somebody else's database, which the store never changes."""
    names = set(names)
    if names and not names & {"_migrations", "runs"}:
        listed = ", ".join(sorted(names)[:5])
        raise StoreError(f"{shown}: it holds other tables ({listed}) and is not a verdict store; nothing was written to "
                         "it. Choose another --db")


def _expected_size(head: bytes) -> int | None:
    """The size the database header promises, when the header says it is current (SQLite file format, 1.3)."""
    if len(head) < 100:
        return None
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages, changes, valid_for = (int.from_bytes(head[i : i + 4], "big") for i in (28, 24, 92))
    return pages * page_size if pages and changes == valid_for else None


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a readable file that starts as a SQLite database does."""
    try:
        return path.is_file() and _head(path)[: len(SQLITE_MAGIC)] == SQLITE_MAGIC
    except StoreError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(100)
    except OSError as e:
        raise StoreError(f"{path}: cannot read the verdict store: {e.strerror or e}") from None


def describe(path: str, error: BaseException) -> str:
    """One line: what a database error means for the user, and that nothing was lost."""
    text = redact_text(" ".join(str(error).split()))
    low = text.lower()
    server = _server_problem(low)
    if server:
        return f"{path}: {server} ({text}). Nothing was written by this command"
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


def _server_problem(low: str) -> str | None:
    if "connection refused" in low or "could not connect" in low or "connection timeout" in low or "timeout expired" in low:
        return "cannot reach the PostgreSQL server; is it running, and are host and port right?"
    if "password authentication failed" in low or "no password supplied" in low:
        return "the PostgreSQL server refused these credentials"
    if "database" in low and "does not exist" in low:
        return "no such database on the PostgreSQL server; create it first (createdb NAME)"
    if "too many clients" in low or "too many connections" in low:
        return "the PostgreSQL server has no free connection (max_connections); try again with fewer workers"
    if "server closed the connection" in low or "terminating connection" in low or "connection is lost" in low:
        return "the PostgreSQL server closed the connection mid-command; committed batches are kept, run the command again"
    return None


def translate(path: str) -> Any:
    """A ``handle_error`` listener: database errors (but constraint violations and SQL the store got wrong)
    become :class:`StoreError`: any SQLite error, and a server's operational and connection errors."""

    def handle_error(context: Any) -> None:
        error = context.original_exception
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.IntegrityError):
            raise StoreError(describe(path, error)) from error
        if isinstance(context.sqlalchemy_exception, OperationalError | InterfaceError):
            raise StoreError(describe(path, error)) from error

    return handle_error
