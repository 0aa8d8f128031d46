"""Product catalog and placement files: read through the hardened reader, every bad row a located error.

Catalog files as rows: CSV with a header, JSONL, a JSON array, or Instacart's public files.

- generic: ``id``, ``title`` and optionally ``brand``, ``category`` (a path such as ``pantry > spices``),
  ``aisle``, ``department``, ``popularity`` (or a ranker ``score``), ``available``; other columns are kept.
- ``instacart``: ``products.csv`` without a header (``product_id,product_name,aisle_id,department_id``),
  with ``aisles.csv`` and ``departments.csv`` beside it.

Bad rows come out as located errors, as they do for candidates (:mod:`judge.surfaces.reader`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from judge.cascade.generate import PlacementSpec
from judge.config import validation_message
from judge.errors import InputError
from judge.models import Row
from judge.surfaces.reader import read_rows

INSTACART_COLUMNS = ["product_id", "product_name", "aisle_id", "department_id"]


def catalog_format(path: Path, fmt: str = "auto") -> str:
    if fmt not in ("auto", "generic", "instacart"):
        raise InputError(f"unknown catalog format {fmt!r}; use auto, generic or instacart")
    if fmt == "auto":
        return "instacart" if path.name == "products.csv" and (path.parent / "aisles.csv").is_file() else "generic"
    return fmt


def read_catalog(path: Path, fmt: str = "auto") -> Iterator[Row]:
    """The catalog's rows, each an object in the generic columns or a located error."""
    if catalog_format(path, fmt) == "generic":
        yield from read_rows(path)
        return
    aisles, departments = _names(path.parent / "aisles.csv"), _names(path.parent / "departments.csv")
    for row in read_rows(path, header=INSTACART_COLUMNS):
        obj = row.obj
        if obj is None:
            yield row
        elif len(obj) != 4 or set(obj) != set(INSTACART_COLUMNS):
            yield Row(row.line, row.raw, error=f"{row.where}: expected 4 fields, got {len(obj)}")
        else:
            aisle, dept = aisles.get(obj["aisle_id"]), departments.get(obj["department_id"])
            yield Row(row.line, row.raw, {"id": obj["product_id"], "title": obj["product_name"], "aisle": aisle,
                                          "department": dept, "category": f"{dept or ''} > {aisle or ''}"})


def _names(path: Path) -> dict[str, str]:
    """``id -> name`` from one of Instacart's small lookup files (which have a header)."""
    if not path.is_file():
        raise InputError(f"{path}: missing (the instacart format needs aisles.csv and departments.csv beside products.csv)")
    names: dict[str, str] = {}
    for row in read_rows(path, header=["id", "name"]):
        if row.obj and "id" in row.obj and "name" in row.obj:
            names[row.obj["id"]] = row.obj["name"]
    return names


def read_placements(path: Path) -> tuple[list[PlacementSpec], list[str]]:
    """The placements of a JSONL (or JSON array, or CSV) file, and a located error for each bad one."""
    specs: list[PlacementSpec] = []
    errors: list[str] = []
    for row in read_rows(path):
        if row.obj is None:
            errors.append(row.error or f"{row.where}: unreadable placement")
            continue
        try:
            specs.append(PlacementSpec.model_validate(row.obj))
        except ValidationError as e:
            errors.append(f"{row.where}: invalid placement: {validation_message(e, 3)}")
    return specs, errors
