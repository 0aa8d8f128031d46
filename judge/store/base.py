"""The connection to the store, its pragmas, and the helpers every table group uses.

The store runs on SQLite (a file: the embedded default) or PostgreSQL (a URL: many workers, many
machines). The table groups write plain SQL with ``?`` placeholders that both dialects read alike;
what they spell differently is here (``DIALECT_SQL``, upserts in :func:`insert_sql`, the migration
lock) and nowhere else. On SQLite, WAL mode and a busy timeout let a reviewer read while a gate
writes; each batch of verdicts is one transaction, so a killed run loses at most the batch in flight.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlmodel import create_engine

from judge.errors import ConfigError, StoreError
from judge.store import faults, migrations
from judge.store.location import StoreLocation, locate
from judge.store.schema import table

DEFAULT_DB = "judge.db"
BUSY_TIMEOUT_S = 30  # how long a SQLite writer waits for another process's write to end
IN_CHUNK = 500  # values per ``IN (?, ...)``: far below SQLite's bound-parameter limit


def now() -> datetime:
    return datetime.now(UTC)


def now_text() -> str:
    """The current time in SQLAlchemy's own SQLite datetime format (for raw inserts)."""
    return now().strftime("%Y-%m-%d %H:%M:%S.%f")


class StoreBase:
    """Opens (creating and migrating as needed) the store at ``db``: a SQLite file or a PostgreSQL URL.

    The product catalog (its BM25 index is SQLite's FTS5) lives in ``catalog_db`` when given, else in
    the store itself when that is a SQLite file; a server-backed store without ``catalog_db`` has none.
    """

    def __init__(self, db: str | Path = DEFAULT_DB, catalog_db: str | Path | None = None) -> None:
        self.location = locate(db)
        self.name = self.location.shown
        self.path = self.location.path  # the SQLite file; None on a server
        self.dialect = self.location.dialect
        self.engine, self.applied = open_engine(self.location)
        self.catalog_engine = self._open_catalog(catalog_db)

    def _open_catalog(self, catalog_db: str | Path | None) -> Engine | None:
        if catalog_db is None:
            return None if self.location.is_server else self.engine
        where = locate(catalog_db)
        if where.is_server:
            raise ConfigError(f"--catalog-db: the catalog's full-text index is SQLite's: give a file, not {where.shown}")
        if self.path is not None and where.path is not None and _same_file(where.path, self.path):
            return self.engine
        return open_engine(where)[0]

    def _rows(self, sql: str, *args: Any) -> list[tuple]:
        """Every row of one read-only query, as tuples (``?`` placeholders, on either dialect)."""
        return rows_of(self.engine, sql, args)

    def _scalar(self, sql: str, *args: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql(sql, args).scalar()

    def _sql(self, name: str, *args: str) -> str:
        """A fragment whose spelling differs between the dialects (see ``DIALECT_SQL``)."""
        return DIALECT_SQL[name][self.dialect].format(*args)


def rows_of(engine: Engine, sql: str, args: Sequence[Any] = ()) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, tuple(args)).all()]


# What SQLite and PostgreSQL spell differently; everything else in the store is SQL both read alike.
DIALECT_SQL = {
    "concat_distinct": {"sqlite": "group_concat(DISTINCT {0})", "postgresql": "string_agg(DISTINCT {0}, ',')"},
}


def open_engine(where: StoreLocation) -> tuple[Engine, list[str]]:
    """An engine on the store at ``where``, migrated; the names of the migrations applied now."""
    if where.is_server:
        engine = create_engine(where.url, pool_pre_ping=True, pool_size=2, max_overflow=4,
                               connect_args={"options": "-c timezone=UTC", "connect_timeout": 15})
        event.listen(engine, "before_cursor_execute", _qmark_to_format, retval=True)
        lock = f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
    else:
        assert where.path is not None
        faults.check_store_file(where.path)
        engine = create_engine(where.url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        lock = "BEGIN IMMEDIATE"
    event.listen(engine, "handle_error", faults.translate(where.shown))
    try:
        with engine.connect() as conn:
            # one process migrates at a time: a second one creating the same store waits, then finds it made
            conn.exec_driver_sql(lock)
            faults.refuse_foreign(where.shown, inspect(conn).get_table_names())
            applied = migrations.apply(conn)
            conn.commit()
    except StoreError as e:
        raise StoreError(str(e) if str(e).startswith(where.shown) else f"{where.shown}: {e}") from None
    except (DBAPIError, sqlite3.Error) as e:
        raise StoreError(faults.describe(where.shown, getattr(e, "orig", e))) from None
    return engine, applied


MIGRATION_LOCK = 0x6A756467  # "judg": the advisory lock that serialises migrations on a server


def _qmark_to_format(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> tuple:
    """The store's hand-written SQL uses ``?``; psycopg wants ``%s`` (and a literal ``%`` doubled).
    Statements that SQLAlchemy compiled already speak the driver's style and are left alone."""
    if context is not None and context.compiled is None:
        statement = statement.replace("%", "%%").replace("?", "%s")
    return statement, parameters


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


OnConflict = Literal["error", "ignore", "replace"]


def insert_rows(
    conn: Connection, table_name: str, columns: tuple[str, ...], rows: Sequence[tuple], on_conflict: OnConflict = "error"
) -> None:
    """``executemany`` of value tuples in ``columns`` order: the hot write path.

    The statement is built from the schema's table, so a name that is not one of its
    columns fails loudly; the values go to the driver as they are.
    """
    if not rows:
        return
    if conn.dialect.name == "sqlite" or on_conflict != "error":  # psycopg pipelines an executemany: fast enough
        conn.exec_driver_sql(insert_sql(table_name, columns, on_conflict), rows)
        return
    # plain inserts on a server: COPY streams the rows in one command, several times faster than an executemany
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table(table_name).name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_dicts(conn: Connection, table_name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows given as ``{column: value}`` dicts, all with the same keys (for the few, wide records)."""
    if rows:
        columns = tuple(rows[0])
        insert_rows(conn, table_name, columns, [tuple(r[c] for c in columns) for r in rows])


@cache
def insert_sql(table_name: str, keys: tuple[str, ...], on_conflict: OnConflict = "error") -> str:
    """``INSERT`` of ``keys``; a row whose key is taken is skipped (``ignore``) or overwrites it (``replace``),
    in the ``ON CONFLICT`` form that SQLite and PostgreSQL share."""
    t = table(table_name)
    unknown = [k for k in keys if k not in t.c]
    if unknown:
        raise KeyError(f"{table_name} has no column(s) {unknown}")
    sql = f"INSERT INTO {t.name} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
    if on_conflict == "ignore":
        return sql + " ON CONFLICT DO NOTHING"
    if on_conflict == "replace":
        key = [c.name for c in t.primary_key.columns] or [c.name for c in t.columns if c.unique]
        update = ", ".join(f"{k} = excluded.{k}" for k in keys if k not in key)
        return sql + f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update}"
    return sql


def in_chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Distinct values in chunks small enough for one ``IN (?, ...)``, with the placeholders."""
    uniq = list(dict.fromkeys(values))
    for lo in range(0, len(uniq), size):
        part = tuple(uniq[lo : lo + size])
        yield part, ",".join("?" * len(part))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    _switch_to_wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _switch_to_wal(cur: sqlite3.Cursor) -> None:
    """``PRAGMA journal_mode=WAL``, retried: while another process creates or converts the same new file,
    SQLite refuses the switch at once with "database is locked", without waiting on the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.1))
