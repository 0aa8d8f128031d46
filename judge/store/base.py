"""The connection to the store, its pragmas, and the helpers every table group uses.

WAL mode and a busy timeout let a reviewer read while a gate writes; each batch of
verdicts is one transaction, so a killed run loses at most the batch in flight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from judge.errors import StoreError
from judge.store import faults, migrations
from judge.store.schema import table

DEFAULT_DB = "judge.db"
IN_CHUNK = 500  # values per ``IN (?, ...)``: far below SQLite's bound-parameter limit


def now() -> datetime:
    return datetime.now(UTC)


def now_text() -> str:
    """The current time in SQLAlchemy's own SQLite datetime format (for raw inserts)."""
    return now().strftime("%Y-%m-%d %H:%M:%S.%f")


class StoreBase:
    """Opens (creating and migrating as needed) the SQLite store at ``path``."""

    def __init__(self, path: str | Path = DEFAULT_DB) -> None:
        self.path = Path(path)
        faults.check_store_file(self.path)
        self.engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": 30})
        event.listen(self.engine, "connect", _sqlite_pragmas)
        event.listen(self.engine, "handle_error", faults.translate(self.path))
        try:
            with self.engine.connect() as conn:
                # one process migrates at a time: a second one creating the same store waits, then finds it made
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                self.applied = migrations.apply(conn)
                conn.commit()
        except StoreError as e:
            raise StoreError(str(e) if str(e).startswith(str(self.path)) else f"{self.path}: {e}") from None
        except (DBAPIError, sqlite3.Error) as e:
            raise StoreError(faults.describe(self.path, getattr(e, "orig", e))) from None

    def _rows(self, sql: str, *args: Any) -> list[tuple]:
        """Every row of one read-only query, as tuples."""
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql, args).all()]

    def _scalar(self, sql: str, *args: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(sql, args).scalar()


def insert_rows(conn: Connection, table_name: str, columns: tuple[str, ...], rows: Sequence[tuple], prefix: str = "") -> None:
    """``executemany`` of value tuples in ``columns`` order: the hot write path.

    The statement is built from the schema's table, so a name that is not one of its
    columns fails loudly; the values go to the driver as they are.
    """
    if rows:
        conn.exec_driver_sql(insert_sql(table_name, columns, prefix), rows)


def insert_dicts(conn: Connection, table_name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows given as ``{column: value}`` dicts, all with the same keys (for the few, wide records)."""
    if rows:
        columns = tuple(rows[0])
        insert_rows(conn, table_name, columns, [tuple(r[c] for c in columns) for r in rows])


@cache
def insert_sql(table_name: str, keys: tuple[str, ...], prefix: str = "") -> str:
    t = table(table_name)
    unknown = [k for k in keys if k not in t.c]
    if unknown:
        raise KeyError(f"{table_name} has no column(s) {unknown}")
    verb = f"INSERT {prefix} INTO" if prefix else "INSERT INTO"
    return f"{verb} {t.name} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"


def in_chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Distinct values in chunks small enough for one ``IN (?, ...)``, with the placeholders."""
    uniq = list(dict.fromkeys(values))
    for lo in range(0, len(uniq), size):
        part = tuple(uniq[lo : lo + size])
        yield part, ",".join("?" * len(part))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # first: switching to WAL may wait for another process
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
