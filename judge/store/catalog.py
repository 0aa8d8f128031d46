"""The product catalog: idempotent upserts, the FTS5 (BM25) index, and what the cascade reads of it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import Engine

from judge.errors import StoreError
from judge.models import MERCH_WORDS, STOPWORDS
from judge.store.base import StoreBase, insert_sql, rows_of
from judge.store.types import Product

_FTS_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_PRODUCT_COLS = ("id", "title", "brand", "category", "aisle", "department", "popularity", "available", "extra_json")


def fts_query(text: str, any_word: bool = False) -> str:
    """A safe FTS5 query: every word quoted (no operators from user text); all words required,
    or any of them (minus stopwords) with ``any_word``."""
    words = _FTS_TOKEN.findall(text.lower())
    if any_word:
        words = [w for w in words if w not in STOPWORDS and w not in MERCH_WORDS and len(w) > 2] or words
        return " OR ".join(f'"{w}"' for w in words)
    return " ".join(f'"{w}"' for w in words)


class CatalogMixin(StoreBase):
    """The catalog lives in ``catalog_engine`` (a SQLite file: the store's own, or ``--catalog-db``).
    A store without one reads as an empty catalog, and refuses to load one."""

    def _catalog_rows(self, sql: str, *args: Any) -> list[tuple]:
        return [] if self.catalog_engine is None else rows_of(self.catalog_engine, sql, args)

    def _catalog_for_writing(self) -> Engine:
        if self.catalog_engine is None:
            raise StoreError(f"{self.name}: a PostgreSQL store keeps its catalog in a SQLite file: give --catalog-db FILE "
                             "(each worker reads that file)")
        return self.catalog_engine

    def load_products(self, products: Iterable[dict[str, Any]], batch: int = 5000) -> tuple[int, int]:
        """Upsert products by id in one transaction, then rebuild the full-text index.

        Returns (rows written, products in the catalog).
        """
        sql = insert_sql("products", _PRODUCT_COLS, "replace")
        loaded = 0
        pending: list[tuple] = []
        with self._catalog_for_writing().begin() as conn:
            for p in products:
                pending.append(tuple(p.get(c) for c in _PRODUCT_COLS))
                if len(pending) >= batch:
                    conn.exec_driver_sql(sql, pending)
                    loaded, pending = loaded + len(pending), []
            if pending:
                conn.exec_driver_sql(sql, pending)
                loaded += len(pending)
            conn.exec_driver_sql("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
            total = conn.exec_driver_sql("SELECT count(*) FROM products").scalar() or 0
        return loaded, total

    def search_products(self, keyword: str, k: int = 20, available_only: bool = True, any_word: bool = False) -> list[Product]:
        """Top-k products for a keyword by BM25 (title weighted above brand and category)."""
        query = fts_query(keyword, any_word)
        if not query:
            return []
        rows = self._catalog_rows(
            "SELECT p.id, p.title, p.brand, p.category, p.aisle, p.department, p.popularity,"
            " bm25(products_fts, 10.0, 3.0, 2.0, 1.0, 1.0) AS score FROM products_fts JOIN products p"
            " ON p.rowid = products_fts.rowid WHERE products_fts MATCH ?"
            + (" AND p.available = 1" if available_only else "")
            + " ORDER BY score LIMIT ?",
            query, k,
        )
        return [Product(*r) for r in rows]

    def group_titles(self, level: Literal["department", "aisle"], per: int) -> dict[str, list[str]]:
        """Up to ``per`` available product titles of each department (or aisle), in catalog order."""
        column = {"department": "department", "aisle": "aisle"}[level]
        out: dict[str, list[str]] = {}
        sql = (f"SELECT {column}, title FROM (SELECT {column}, title, ROW_NUMBER() OVER (PARTITION BY {column} "
               f"ORDER BY rowid) AS n FROM products WHERE available = 1 AND {column} IS NOT NULL) WHERE n <= ?")
        for group, title in self._catalog_rows(sql, per):
            out.setdefault(group, []).append(title)
        return out

    def product_groups(self) -> dict[str, tuple[str | None, str | None, str]]:
        """``product id -> (aisle, department, title)`` of every product."""
        return {i: (a, d, t) for i, a, d, t in self._catalog_rows("SELECT id, aisle, department, title FROM products")}

    def product_count(self) -> int:
        rows = self._catalog_rows("SELECT count(*) FROM products")
        return rows[0][0] if rows else 0

    def available_products(self) -> list[tuple[str, str | None, str | None, str | None]]:
        """``(title, aisle, department, brand)`` of every available product."""
        return self._catalog_rows("SELECT title, aisle, department, brand FROM products WHERE available = 1")

    def product_titles(self) -> list[tuple[str, str]]:
        """``(id, title)`` of every available product."""
        return self._catalog_rows("SELECT id, title FROM products WHERE available = 1 ORDER BY rowid")

    def aisle_departments(self) -> dict[str, str]:
        """The department of every aisle that has one."""
        return {a: d or "" for a, d in self._catalog_rows("SELECT DISTINCT aisle, department FROM products WHERE aisle IS NOT NULL")}

    def catalog_fingerprint(self) -> str:
        """Changes when the catalog changes (a digest of ids, titles, departments and availability)."""
        h = hashlib.sha256()
        if self.catalog_engine is None:
            return h.hexdigest()
        with self.catalog_engine.connect() as conn:
            for row in conn.exec_driver_sql("SELECT id, title, department, available FROM products ORDER BY rowid"):
                h.update("\x1f".join(str(x) for x in row).encode())
        return h.hexdigest()
