"""Read candidates (and catalog rows) from JSONL, CSV or a JSON array, turning every bad record into a
located error.

:func:`read_input` streams the file once to hash and count it, and returns an
:class:`~judge.models.InputBatch` whose records are parsed lazily, in constant memory, as the
gate consumes them. A bad record never stops the read: it is a
:class:`~judge.models.Record` with ``error`` set (``FILE:LINE: reason``) and the following
records go on. Only a file that cannot be read at all raises :class:`~judge.errors.InputError`.
``-`` reads standard input (spooled to a temporary file, so it can be hashed and resumed).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from judge.config import validation_message
from judge.errors import InputError
from judge.models import Candidate, InputBatch, Record, Row
from judge.surfaces import parsing

MAX_RECORD_BYTES = 256 * 1024
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
STDIN = "-"
_CHUNK = 1 << 20


def input_format(path: Path) -> str:
    """``jsonl``, ``csv`` or ``json`` (a JSON array, or JSON Lines in a ``.json`` file) from the suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown input format {path.suffix!r}; use .jsonl, .json or .csv")
    return fmt


def read_input(path: Path | str, max_record_bytes: int = MAX_RECORD_BYTES, fmt: str | None = None) -> InputBatch:
    """Hash and count ``path`` in one streaming pass; its records are parsed when iterated."""
    source = _Source.open(path, fmt)
    digest, count = _scan(source)
    parsed = _Parsed(source, max_record_bytes, CANDIDATE_JSON_COLUMNS, _to_record)
    return InputBatch(source.name, source.fmt, digest, count, parsed, _csv_header(source) if source.fmt == "csv" else None)


def read_records(path: Path | str, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Every non-blank record of ``path`` in order."""
    yield from read_input(path, max_record_bytes).records


def read_rows(path: Path | str, header: list[str] | None = None, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Row]:
    """Every record of ``path`` as a ``{column: value}`` object, or a located error (catalog files).

    ``header`` names the columns of a CSV file that has no header row.
    """
    source = _Source.open(path, None)
    yield from _Parsed(source, max_record_bytes, (), _locate, header)


CANDIDATE_JSON_COLUMNS = ("context", "generator")


class _Source:
    """A readable file (standard input is spooled to a temporary one) and its format."""

    def __init__(self, path: Path, name: str, fmt: str) -> None:
        self.path, self.name, self.fmt = path, name, fmt

    @classmethod
    def open(cls, path: Path | str, fmt: str | None) -> _Source:
        if str(path) == STDIN:
            spooled = _spool_stdin()
            source = cls(spooled, "<stdin>", fmt or _sniff(spooled))
            weakref.finalize(source, spooled.unlink, missing_ok=True)
            return source
        path = Path(path)
        fmt = fmt or input_format(path)
        if not path.exists():
            raise InputError(f"{path}: no such input file")
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not an input file")
        if fmt == "json":
            fmt = _sniff(path)
        return cls(path, str(path), fmt)

    @contextmanager
    def decoded(self) -> Iterator[TextIO]:
        """The file as text: UTF-8 (a leading byte-order mark dropped), bad bytes kept as escapes."""
        newline = "" if self.fmt == "csv" else None
        try:
            with open(self.path, "rb") as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline=newline)
        except OSError as e:
            raise InputError(f"{self.name}: cannot read input: {e.strerror or e}") from e


def _spool_stdin() -> Path:
    fd, name = tempfile.mkstemp(prefix="judge-stdin-")
    with os.fdopen(fd, "wb") as f:
        shutil.copyfileobj(sys.stdin.buffer, f, _CHUNK)
    return Path(name)


def _sniff(path: Path) -> str:
    """``json`` for a JSON array, ``jsonl`` for JSON Lines, ``csv`` otherwise (from the first character)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError as e:
        raise InputError(f"{path}: cannot read input: {e.strerror or e}") from e
    return "json" if head.startswith(b"[") else "jsonl" if head.startswith(b"{") or not head else "csv"


def _scan(source: _Source) -> tuple[str, int | None]:
    """The file's sha256 and, for JSON Lines, how many non-blank lines it has (for progress)."""
    digest, count, tail = hashlib.sha256(), 0, b""
    try:
        with open(source.path, "rb") as f:
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                if source.fmt == "jsonl":
                    lines = (tail + chunk).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
                    tail = lines.pop()
                    count += sum(1 for line in lines if line.strip())
    except OSError as e:
        raise InputError(f"{source.name}: cannot read input: {e.strerror or e}") from e
    count += bool(tail.strip())
    return digest.hexdigest(), count if source.fmt == "jsonl" else None


def csv_header(path: Path | str) -> str | None:
    """The header row of a CSV file as CSV text (None when the file is gone or empty)."""
    try:
        return _csv_header(_Source(Path(path), str(path), "csv"))
    except InputError:
        return None


def _csv_header(source: _Source) -> str | None:
    """The header row as CSV text (kept with the run: an approved subset starts with it, even from stdin)."""
    with source.decoded() as f:
        row = next(csv.reader(f), None)
    if not row:
        return None
    buf = io.StringIO()
    csv.writer(buf).writerow(row)
    return buf.getvalue()


class _Parsed:
    """The records of a source, parsed anew on each iteration (the gate may iterate twice)."""

    def __init__(self, source: _Source, limit: int, json_columns: tuple[str, ...], convert: Callable,
                 header: list[str] | None = None) -> None:
        self.source, self.limit, self.json_columns, self.convert = source, limit, json_columns, convert
        self.header = header

    def __iter__(self) -> Iterator:
        with self.source.decoded() as f:
            for row in self._rows(f):
                yield self.convert(self.source, row)

    def _rows(self, f: TextIO) -> Iterator[Row]:
        if self.source.fmt == "jsonl":
            return parsing.jsonl_rows(f, self.limit)
        if self.source.fmt == "csv":
            return parsing.csv_rows(f, self.limit, self.json_columns, self.header)
        return parsing.json_array_rows(f.read(), self.limit)


def _locate(source: _Source, row: Row) -> Row:
    """The row with its file in ``where`` and in its error."""
    at = f"{source.name}:{row.where}"
    return Row(row.line, row.raw, row.obj, row.error and f"{at}: {row.error}", at)


def _to_record(source: _Source, row: Row) -> Record:
    where = f"{source.name}:{row.where}"
    if row.obj is None:
        return Record(row.line, row.raw, error=f"{where}: {row.error}")
    obj = _keywords_list(row.obj) if source.fmt == "csv" else row.obj
    try:
        return Record(row.line, row.raw, candidate=Candidate.model_validate(obj))
    except ValidationError as e:
        return Record(row.line, row.raw, error=f"{where}: {validation_message(e, 5)}")


def _keywords_list(obj: dict) -> dict:
    """CSV keywords are one cell separated by ``|``."""
    kw = obj.get("keywords")
    if isinstance(kw, str):
        return obj | {"keywords": [k.strip() for k in kw.split("|") if k.strip()]}
    return obj
