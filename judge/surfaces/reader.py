"""Read candidates from JSONL or CSV, turning every bad record into a located error.

The file is read once: :func:`read_input` takes its bytes, hashes and counts them,
and returns an :class:`~judge.models.InputBatch` whose records are parsed lazily
as the gate consumes them. A bad record never stops the read: it is a
:class:`~judge.models.Record` with ``error`` set (naming the file and line) and the
following records go on. Only a file that cannot be read at all raises
:class:`~judge.errors.InputError`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from judge.config import validation_message
from judge.errors import InputError
from judge.models import Candidate, InputBatch, Record

MAX_RECORD_BYTES = 256 * 1024
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
CSV_SUFFIXES = {".csv"}


def input_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise InputError(f"{path}: unknown input format {suffix!r}; use .jsonl or .csv")


def read_input(path: Path, max_record_bytes: int = MAX_RECORD_BYTES) -> InputBatch:
    """Read ``path`` once: its hash, its record count (JSONL) and its records, parsed lazily."""
    fmt = input_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such input file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read input: {e.strerror or e}") from e
    count = sum(1 for line in data.split(b"\n") if line.strip()) if fmt == "jsonl" else None
    return InputBatch(str(path), fmt, hashlib.sha256(data).hexdigest(), count, _Parsed(str(path), fmt, data, max_record_bytes))


def read_records(path: Path, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Every non-blank record of ``path`` in order."""
    yield from read_input(path, max_record_bytes).records


class _Parsed:
    """The records of an input's bytes, parsed anew on each iteration."""

    def __init__(self, name: str, fmt: str, data: bytes, limit: int) -> None:
        self.name, self.fmt, self.data, self.limit = name, fmt, data, limit

    def __iter__(self) -> Iterator[Record]:
        if self.fmt == "jsonl":
            return _read_jsonl(io.BytesIO(self.data), self.name, self.limit)
        return _read_csv(io.BytesIO(self.data), self.name, self.limit)


def _candidate(path: str, line: int, raw: str, obj: object) -> Record:
    where = f"{path}:{line}"
    if not isinstance(obj, dict):
        return Record(line, raw, error=f"{where}: expected a JSON object, got {type(obj).__name__}")
    try:
        return Record(line, raw, candidate=Candidate.model_validate(obj))
    except ValidationError as e:
        return Record(line, raw, error=f"{where}: {validation_message(e, 5)}")


def _excerpt(data: bytes | str, limit: int = 200) -> str:
    if isinstance(data, bytes):
        data = data.decode("utf-8", errors="replace")
    return data[:limit]


def _read_jsonl(f: BinaryIO, path: str, limit: int) -> Iterator[Record]:
    line_no = 0
    while True:
        data = f.readline(limit + 1)
        if not data:
            return
        line_no += 1
        where = f"{path}:{line_no}"
        if len(data) > limit and not data.endswith(b"\n"):
            size = len(data)
            while True:  # skip the rest of an oversized line without holding it
                more = f.readline(1 << 20)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield Record(
                line_no,
                _excerpt(data),
                error=f"{where}: record is {size:,} bytes, over the {limit:,}-byte limit",
            )
            continue
        if not data.strip():
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            yield Record(line_no, _excerpt(data), error=f"{where}: invalid UTF-8 at byte {e.start}")
            continue
        if "\x00" in text:
            yield Record(line_no, _excerpt(text), error=f"{where}: NUL byte in record")
            continue
        text = text.rstrip("\r\n")
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield Record(line_no, _excerpt(text), error=f"{where}: malformed JSON: {e.msg} at column {e.colno}")
            continue
        yield _candidate(path, line_no, text, obj)


def _csv_row_to_obj(row: dict[str, str | None]) -> dict:
    obj: dict = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
    if "keywords" in obj:
        obj["keywords"] = [k.strip() for k in obj["keywords"].split("|") if k.strip()]
    for key in ("context", "generator"):
        if key in obj:
            obj[key] = json.loads(obj[key])
    return obj


def _read_csv(data: BinaryIO, path: str, limit: int) -> Iterator[Record]:
    with io.TextIOWrapper(data, encoding="utf-8", errors="surrogateescape", newline="") as f:
        reader = csv.DictReader(f)
        try:
            header = reader.fieldnames
        except csv.Error as e:
            raise InputError(f"{path}: unreadable CSV header: {e}") from e
        if not header:
            return
        line_no = reader.line_num
        while True:
            start = line_no + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                line_no = reader.line_num
                yield Record(start, "", error=f"{path}:{start}: malformed CSV: {e}")
                continue
            line_no = reader.line_num
            where = f"{path}:{start}"
            raw_buf = io.StringIO()
            csv.DictWriter(raw_buf, fieldnames=header, extrasaction="ignore").writerow(row)
            raw = raw_buf.getvalue().rstrip("\r\n")
            values = [v for v in row.values() if isinstance(v, str)]
            if any(any("\udc80" <= c <= "\udcff" for c in v) for v in values):
                yield Record(start, _excerpt(raw.encode("utf-8", "replace")), error=f"{where}: invalid UTF-8")
                continue
            if sum(len(v.encode("utf-8")) for v in values) > limit:
                yield Record(start, _excerpt(raw), error=f"{where}: record is over the {limit:,}-byte limit")
                continue
            if any("\x00" in v for v in values):
                yield Record(start, _excerpt(raw), error=f"{where}: NUL byte in record")
                continue
            if None in row:
                yield Record(start, _excerpt(raw), error=f"{where}: more fields than the header has")
                continue
            try:
                obj = _csv_row_to_obj(row)
            except json.JSONDecodeError as e:
                yield Record(start, _excerpt(raw), error=f"{where}: malformed JSON in a column: {e.msg}")
                continue
            yield _candidate(path, start, raw, obj)
