"""Records out of a text stream, one at a time: JSON Lines, CSV and JSON arrays.

Every function here turns a bad record into a :class:`Row` with ``error`` set and goes on
to the next one; nothing in a record's bytes may raise. The streams are text decoded with
``surrogateescape`` (so invalid UTF-8 is found per record) and universal newlines (so
``\\r\\n`` and a lone ``\\r`` separate records as ``\\n`` does).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator
from typing import Any, TextIO

from judge.models import Row

MAX_DEPTH = 32  # nesting levels of arrays and objects in one record
_INVALID_BYTE = re.compile("[\udc80-\udcff]")  # how surrogateescape shows an invalid UTF-8 byte
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class BadRecord(ValueError):
    """Why one record cannot be read (a message, located by the caller)."""


def excerpt(text: str, limit: int = 200) -> str:
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _reject_constant(name: str) -> float:
    raise BadRecord(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise BadRecord(f"number {text[:20]} is out of range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)


def _depth(obj: Any) -> int:
    """Nesting depth of a parsed value, without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            stack += [(v, level + 1) for v in (value.values() if isinstance(value, dict) else value)]
    return deepest


def check_text(text: str, limit: int) -> None:
    """Raise :class:`BadRecord` for text that no record may hold: invalid UTF-8, NUL, over ``limit`` bytes."""
    if not text.isascii():
        bad = _INVALID_BYTE.search(text)
        if bad:
            raise BadRecord(f"invalid UTF-8 (byte 0x{ord(bad.group()) - 0xDC00:02x} at character {bad.start() + 1})")
    if "\x00" in text:
        raise BadRecord("NUL byte in record")
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogateescape"))
    if size > limit:
        raise BadRecord(f"record is {size:,} bytes, over the {limit:,}-byte limit")


def check_value(text: str, obj: Any) -> None:
    """Raise :class:`BadRecord` for a parsed value that later stages could not hash, store or print."""
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(obj) > MAX_DEPTH:
        raise BadRecord(f"nested more than {MAX_DEPTH} levels deep")
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as e:
            raise BadRecord(f"a \\u escape is a lone surrogate (U+{ord(e.object[e.start]):04X}), not a character") from None


def loads(text: str) -> Any:
    """``json.loads`` that raises only :class:`BadRecord`, and refuses what we cannot carry."""
    try:
        obj, end = _DECODER.raw_decode(text, _skip_space(text, 0))
    except RecursionError:
        raise BadRecord(f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as e:
        raise BadRecord(f"malformed JSON: {e.msg} at column {e.colno}") from None
    except BadRecord:
        raise
    except ValueError as e:  # e.g. an integer over the interpreter's 4,300-digit limit
        raise BadRecord(f"malformed JSON: {str(e).split(';')[0]}") from None
    if _skip_space(text, end) != len(text):
        raise BadRecord(f"malformed JSON: extra data at column {end + 1}")
    check_value(text, obj)
    return obj


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _object_row(line: int, text: str, limit: int) -> Row:
    try:
        check_text(text, limit)
        obj = loads(text)
    except BadRecord as e:
        return Row(line, excerpt(text), error=str(e))
    if not isinstance(obj, dict):
        return Row(line, excerpt(text), error=f"expected a JSON object, got {type(obj).__name__}")
    return Row(line, text, obj)


def jsonl_rows(f: TextIO, limit: int) -> Iterator[Row]:
    """One JSON object per line; blank lines are skipped, an oversized line is skipped unread."""
    line = 0
    while True:
        text = f.readline(limit + 1)
        if not text:
            return
        line += 1
        if len(text) > limit and not text.endswith("\n"):
            size = len(text) + _skip_line(f)
            yield Row(line, excerpt(text), error=f"record is {size:,}+ characters, over the {limit:,}-byte limit")
            continue
        text = text.rstrip("\n").lstrip("\ufeff")  # a byte-order mark where files were concatenated
        if text.strip():
            yield _object_row(line, text, limit)


def _skip_line(f: TextIO) -> int:
    size = 0
    while True:
        more = f.readline(1 << 20)
        size += len(more)
        if not more or more.endswith("\n"):
            return size


def json_array_rows(text: str, limit: int) -> Iterator[Row]:
    """The objects of one JSON array, each located by the line it starts on.

    A malformed element ends the read (a JSON array cannot be resynchronised); what came
    before it is kept and the error says where it stopped.
    """
    i = _skip_space(text, 0)
    if not text.startswith("[", i):
        yield Row(1, excerpt(text[i:]), error="expected a JSON array of records")
        return
    pos, line, index = 0, 1, 0
    i = _skip_space(text, i + 1)
    while i < len(text) and text[i] != "]":
        line, pos, index = line + text.count("\n", pos, i), i, index + 1
        at = f"{line} (record {index})"
        try:
            obj, end = _DECODER.raw_decode(text, i)
        except (ValueError, RecursionError) as e:
            reason = e.msg if isinstance(e, json.JSONDecodeError) else str(e).split(";")[0] or "nested too deeply"
            yield Row(index, excerpt(text[i:]), error=f"malformed JSON: {reason}; the rest of the array is not read", at=at)
            return
        row = _element_row(index, text[i:end], obj, limit)
        yield Row(row.line, row.raw, row.obj, row.error, at)
        i = _skip_space(text, end)
        if text.startswith(",", i):
            i = _skip_space(text, i + 1)
        elif not text.startswith("]", i):
            at = f"{line + text.count(chr(10), pos, i)} (after record {index})"
            yield Row(index + 1, excerpt(text[i:]), error="malformed JSON: expected ',' or ']'", at=at)
            return


def _element_row(line: int, raw: str, obj: Any, limit: int) -> Row:
    try:
        check_text(raw, limit)
        check_value(raw, obj)
    except BadRecord as e:
        return Row(line, excerpt(raw), error=str(e))
    if not isinstance(obj, dict):
        return Row(line, excerpt(raw), error=f"expected a JSON object, got {type(obj).__name__}")
    return Row(line, raw, obj)


def csv_rows(f: TextIO, limit: int, json_columns: tuple[str, ...] = (), header: list[str] | None = None) -> Iterator[Row]:
    """Rows of a CSV file, as ``{column: value}`` (empty cells left out).

    The first row is the header unless ``header`` is given. ``json_columns`` hold JSON text
    and are parsed. A row's line is the physical line it starts on; rows spanning lines
    (quoted newlines) count every line.
    """
    csv.field_size_limit(max(csv.field_size_limit(), limit + 1))
    reader = csv.reader(f)
    last = 0  # the last physical line consumed
    while True:
        start = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            last = max(reader.line_num, start)
            yield Row(start, "", error=f"malformed CSV: {e}")
            continue
        last = max(reader.line_num, start)
        if not cells:
            continue
        if header is None:
            header = [h.strip() for h in cells]
            continue
        yield _csv_row(start, header, cells, limit, json_columns)


def _csv_row(line: int, header: list[str], cells: list[str], limit: int, json_columns: tuple[str, ...]) -> Row:
    raw = _csv_line(cells)
    try:
        check_text(raw, limit)
        if len(cells) > len(header):
            raise BadRecord(f"{len(cells)} fields, but the header has {len(header)}")
        obj: dict[str, Any] = {k: v for k, v in zip(header, cells, strict=False) if v != ""}
        for key in json_columns:
            if key in obj:
                try:
                    obj[key] = loads(obj[key])
                except BadRecord as e:
                    raise BadRecord(f"column {key}: {e}") from None
    except BadRecord as e:
        return Row(line, excerpt(raw), error=str(e))
    return Row(line, raw, obj)


def _csv_line(cells: list[str]) -> str:
    """The row as one CSV line (quoted as needed), the record's raw text."""
    return ",".join(c if not any(ch in c for ch in ',"\r\n') else '"' + c.replace('"', '""') + '"' for c in cells)
