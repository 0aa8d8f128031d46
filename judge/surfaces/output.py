"""Where the surfaces write files: checked before any work, written whole or not at all.

:func:`check_outputs` refuses, before a run starts, an output path that is a folder, the store
(or its WAL files), the input, another output of the same command, or any SQLite database.
:func:`open_output` writes a temporary file beside the target and renames it over the target
at the end, so a failed write (a full disk, ``/dev/full``) never leaves half a file and never
touches what was there; special files (a pipe, ``/dev/stdout``) are written directly. Every
failure is an :class:`~judge.errors.OutputError` that names the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from judge.errors import OutputError
from judge.store.faults import is_sqlite_file

STORE_SIDECARS = ("", "-wal", "-shm", "-journal")


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    """The resolved path, and the file's device and inode when it exists (hard links, bind mounts)."""
    try:
        st = path.stat()
        inode: tuple[int, int] | None = (st.st_dev, st.st_ino)
    except OSError:
        inode = None
    return os.path.realpath(path), inode


def check_outputs(outputs: Mapping[str, Path | None], protected: Mapping[str, Path | None]) -> None:
    """Refuse unusable output paths before any work is done; ``protected`` maps names ("the store") to paths."""
    guarded: dict[object, str] = {}
    for name, path in protected.items():
        if path is None:
            continue
        for suffix in STORE_SIDECARS if name == "the store" else ("",):
            real, inode = _identity(Path(f"{path}{suffix}"))
            guarded[real] = name
            if inode:
                guarded[inode] = name
    for option, path in outputs.items():
        if path is None:
            continue
        if str(path) in ("", "."):
            raise OutputError(f"{option}: the path is empty")
        if path.is_dir():
            raise OutputError(f"{option} {path}: is a directory; give a file name")
        real, inode = _identity(path)
        clash = guarded.get(real) or (guarded.get(inode) if inode else None)
        if clash:
            raise OutputError(f"{option} {path}: is {clash}; an output never overwrites {clash}")
        if is_sqlite_file(path):
            raise OutputError(f"{option} {path}: is a SQLite database; an output never overwrites one")
        guarded[real] = f"the {option} output"
        if inode:
            guarded[inode] = f"the {option} output"


@contextmanager
def open_output(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A UTF-8 text file that appears whole at ``path`` when the block ends, or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and not path.is_file():  # a device or a pipe: nothing to replace
            with path.open("w", encoding="utf-8", newline=newline) as f:
                yield f
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
                yield f
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None


def write_output(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (see :func:`open_output`)."""
    with open_output(path) as f:
        f.write(text)
    return path
