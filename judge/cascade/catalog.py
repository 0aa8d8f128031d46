"""The product catalog: load (idempotent, bad rows reported), full-text index, BM25 retrieval.

Formats:
- CSV with a header or JSONL: ``id``, ``title`` and optionally ``brand``, ``category`` (a path such as
  ``pantry > spices``), ``aisle``, ``department``, ``popularity`` (or a ranker ``score``), ``available``;
  other columns are kept as ``extra_json``.
- ``instacart``: the public Instacart files (``products.csv`` without a header:
  ``product_id,product_name,aisle_id,department_id``, with ``aisles.csv`` and ``departments.csv`` beside it).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.errors import InputError
from judge.store import Store

KNOWN = ("id", "title", "brand", "category", "aisle", "department", "popularity", "available")
_FTS_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass
class LoadResult:
    loaded: int
    errors: list[str]
    total: int


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    brand: str | None
    category: str | None
    aisle: str | None
    department: str | None
    popularity: float | None
    bm25: float  # lower is better (SQLite's convention)


def _rows_generic(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        with path.open("rb") as f:
            for i, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as e:
                    yield i, None, f"{path}:{i}: unreadable row: {e}"
                    continue
                yield (i, obj, None) if isinstance(obj, dict) else (i, None, f"{path}:{i}: expected a JSON object")
        return
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            yield reader.line_num, dict(row), None


def _rows_instacart(path: Path) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    def table(name: str) -> dict[str, str]:
        p = path.parent / name
        if not p.is_file():
            raise InputError(f"{p}: missing (the instacart format needs aisles.csv and departments.csv beside products.csv)")
        with p.open(encoding="utf-8", errors="replace", newline="") as f:
            return {r[0]: r[1] for r in csv.reader(f) if len(r) >= 2}

    aisles, departments = table("aisles.csv"), table("departments.csv")
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f)
        for row in reader:
            line = reader.line_num
            if len(row) != 4:
                yield line, None, f"{path}:{line}: expected 4 fields, got {len(row)}"
                continue
            pid, name, aisle_id, dept_id = row
            yield line, {"id": pid, "title": name, "aisle": aisles.get(aisle_id), "department": departments.get(dept_id),
                         "category": f"{departments.get(dept_id, '')} > {aisles.get(aisle_id, '')}"}, None


def _clean(obj: dict[str, Any]) -> tuple[tuple, str | None]:
    pid = str(obj.get("id") or obj.get("product_id") or "").strip()
    title = str(obj.get("title") or obj.get("name") or obj.get("product_name") or "").strip()
    if not pid:
        return (), "missing id"
    if not title:
        return (), "missing title"
    if len(title) > 1000:
        return (), "title over 1,000 characters"
    pop = obj.get("popularity", obj.get("score"))
    try:
        popularity = float(pop) if pop not in (None, "") else None
    except (TypeError, ValueError):
        return (), f"popularity {pop!r} is not a number"
    available = str(obj.get("available", "1")).strip().lower() not in ("0", "false", "no", "")
    extra = {k: v for k, v in obj.items() if k not in KNOWN and k not in ("product_id", "name", "product_name", "score")}
    return (
        pid, title, obj.get("brand") or None, obj.get("category") or None, obj.get("aisle") or None,
        obj.get("department") or None, popularity, int(available), json.dumps(extra, ensure_ascii=False) if extra else None,
    ), None


def load(store: Store, path: Path, fmt: str = "auto", batch: int = 5000) -> LoadResult:
    """Upsert products by id (loading the same file twice changes nothing), then rebuild the index."""
    if not path.is_file():
        raise InputError(f"{path}: no such catalog file")
    if fmt == "auto":
        fmt = "instacart" if path.name == "products.csv" and (path.parent / "aisles.csv").is_file() else "generic"
    rows = _rows_instacart(path) if fmt == "instacart" else _rows_generic(path)
    errors: list[str] = []
    pending: list[tuple] = []
    loaded = 0
    sql = (
        "INSERT INTO products (id, title, brand, category, aisle, department, popularity, available, extra_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET title = excluded.title,"
        " brand = excluded.brand, category = excluded.category, aisle = excluded.aisle,"
        " department = excluded.department, popularity = excluded.popularity, available = excluded.available,"
        " extra_json = excluded.extra_json"
    )
    with store.engine.begin() as conn:
        for line, obj, error in rows:
            if error:
                errors.append(error)
                continue
            assert obj is not None
            values, problem = _clean(obj)
            if problem:
                errors.append(f"{path}:{line}: {problem}")
                continue
            pending.append(values)
            if len(pending) >= batch:
                conn.exec_driver_sql(sql, pending)
                loaded += len(pending)
                pending = []
        if pending:
            conn.exec_driver_sql(sql, pending)
            loaded += len(pending)
        conn.exec_driver_sql("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
        total = conn.exec_driver_sql("SELECT count(*) FROM products").scalar() or 0
    return LoadResult(loaded, errors, total)


def fts_query(text: str, any_word: bool = False) -> str:
    """A safe FTS5 query: every word quoted (no operators from user text); all words required,
    or any of them (minus stopwords) with ``any_word``."""
    words = _FTS_TOKEN.findall(text.lower())
    if any_word:
        words = [w for w in words if w not in STOPWORDS and w not in MERCH_WORDS and len(w) > 2] or words
        return " OR ".join(f'"{w}"' for w in words)
    return " ".join(f'"{w}"' for w in words)


def search(store: Store, keyword: str, k: int = 20, available_only: bool = True, any_word: bool = False) -> list[Product]:
    """Top-k products for a keyword by BM25 (title weighted above brand and category)."""
    query = fts_query(keyword, any_word)
    if not query:
        return []
    sql = (
        "SELECT p.id, p.title, p.brand, p.category, p.aisle, p.department, p.popularity,"
        " bm25(products_fts, 10.0, 3.0, 2.0, 1.0, 1.0) AS score FROM products_fts JOIN products p"
        " ON p.rowid = products_fts.rowid WHERE products_fts MATCH ?"
        + (" AND p.available = 1" if available_only else "")
        + " ORDER BY score LIMIT ?"
    )
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(sql, (query, k)).all()
    return [Product(*r) for r in rows]


def retrieve(store: Store, keywords: list[str], k: int = 20) -> dict[str, list[Product]]:
    """Per keyword, its top-k; the union is de-duplicated by the caller as it needs."""
    return {kw: search(store, kw, k) for kw in keywords}


def size(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM products").scalar() or 0


STOPWORDS = frozenset(
    "a an and or of the with for in on to by from at as is oz fl lb lbs ct pk pack count g kg ml l free "
    "original classic new size family value each per".split()
)
# Words of merchandising copy that say nothing about products ("Weeknight pasta favorites").
MERCH_WORDS = frozenset(
    "favorites favourites favorite stock up finds fresh picks made easy weeknight night season seasonal ideas "
    "essentials must haves best top great everyday day days time go whole".split()
)
PLACEHOLDER_TAXONOMY = frozenset({"missing", "other"})  # Instacart's catch-all aisle and department


def vocabulary(store: Store, min_count: int = 3, max_n: int = 3, limit: int = 20_000) -> list[tuple[str, int, str, float]]:
    """Keyword vocabulary from the catalog: frequent title n-grams (brand names removed) plus aisle
    and department names.

    Returns ``(keyword, count, aisle, share)`` sorted by count, where ``aisle`` is where the keyword is most
    frequent and ``share`` the part of its occurrences found there (how specific it is to that aisle).
    """
    from collections import Counter, defaultdict

    counts: Counter[str] = Counter()
    where: dict[str, Counter[str]] = defaultdict(Counter)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT title, aisle, department, brand FROM products WHERE available = 1").all()
    for title, aisle, department, brand in rows:
        brand_words = set(_FTS_TOKEN.findall((brand or "").lower()))
        words = [w for w in _FTS_TOKEN.findall(title.lower()) if not w.isdigit() and w not in brand_words]
        seen: set[str] = set()
        for n in range(1, max_n + 1):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS or any(len(w) < 3 for w in gram):
                    continue
                seen.add(" ".join(gram))
        for g in seen:
            counts[g] += 1
            where[g][aisle or ""] += 1
        for name in (aisle, department):
            if name:
                where[name][aisle or ""] += 1
    def top(g: str) -> tuple[str, float]:
        aisle, n = where[g].most_common(1)[0]
        return aisle, n / max(sum(where[g].values()), 1)

    out = [(g, c, *top(g)) for g, c in counts.items() if c >= min_count]
    names = ({r[1] for r in rows if r[1]} | {r[2] for r in rows if r[2]}) - PLACEHOLDER_TAXONOMY
    out += [(name, sum(where[name].values()), *top(name)) for name in names if name not in counts]
    out.sort(key=lambda r: (-r[1], r[0]))
    return out[:limit]


def fingerprint(store: Store) -> str:
    """Changes when the catalog changes (count and a digest of ids, titles and departments)."""
    import hashlib

    h = hashlib.sha256()
    with store.engine.connect() as conn:
        for row in conn.exec_driver_sql("SELECT id, title, department, available FROM products ORDER BY rowid"):
            h.update("\x1f".join(str(x) for x in row).encode())
    return h.hexdigest()
