"""Named, append-only schema migrations.

Each migration runs once, in order, and is recorded in ``_migrations``. Never edit,
rename or reorder a released migration; add a new one at the end.

A migration names the tables it creates and the columns it adds; their definitions
come from :mod:`judge.store.schema`, the schema's one source. Both steps are
idempotent: a table that exists is left alone, a column that exists is not added
again. So a new store, created with today's tables by ``m001``, meets later
migrations as no-ops, while an older store gets exactly the columns it lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text
from sqlalchemy.schema import CreateColumn

from judge.store.schema import PRODUCTS_FTS_DDL, table

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def create_tables(conn: Connection, *names: str) -> None:
    """Create each named table (with its indexes) as the schema defines it, unless it exists."""
    for name in names:
        table(name).create(conn, checkfirst=True)


def add_columns(conn: Connection, table_name: str, *columns: str) -> None:
    """Add the named columns of a schema table that the stored table lacks."""
    have = {c["name"] for c in inspect(conn).get_columns(table_name)}
    for name in columns:
        if name not in have:
            ddl = CreateColumn(table(table_name).c[name]).compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {table_name} ADD COLUMN {ddl}"))


def add_indexes(conn: Connection, table_name: str, *names: str) -> None:
    """Create the named indexes of a schema table that the stored table lacks."""
    for index in table(table_name).indexes:
        if index.name in names:
            index.create(conn, checkfirst=True)


@migration
def m001_initial(conn: Connection) -> None:
    """Runs, candidates, verdicts and their findings."""
    create_tables(conn, "runs", "candidates", "verdicts", "findings")


@migration
def m002_judge_calls(conn: Connection) -> None:
    """LLM judge calls (the cache and the audit trail), per-criterion judgements, reusable flag."""
    create_tables(conn, "judge_calls", "judgements")
    add_columns(conn, "verdicts", "reusable")


@migration
def m003_reviews(conn: Connection) -> None:
    """Human review decisions (sticky overrides, never deleted) and the verdict's machine decision."""
    create_tables(conn, "reviews")
    add_columns(conn, "verdicts", "machine_decision", "override_id")


@migration
def m004_labels_calibrations(conn: Connection) -> None:
    """Human labels per check or criterion, and stored calibration results."""
    create_tables(conn, "labels", "calibrations")


@migration
def m005_catalog(conn: Connection) -> None:
    """A product catalog with a full-text (BM25) index, for retrieval and catalog evidence.

    SQLite only: the index is FTS5, and a server-backed store keeps its catalog in a SQLite file of
    its own (``--catalog-db``), which each worker reads."""
    if conn.dialect.name != "sqlite":
        return
    create_tables(conn, "products")
    if "products_fts" not in inspect(conn).get_table_names():
        conn.execute(text(PRODUCTS_FTS_DDL))


@migration
def m006_run_owner(conn: Connection) -> None:
    """Which process gates a running run, and when it last committed: one gate per run at a time."""
    add_columns(conn, "runs", "owner", "heartbeat_at")


@migration
def m007_verdicts_run_candidate(conn: Connection) -> None:
    """An index on a run's candidate ids: finding duplicate ids stays a look-up however long the run."""
    add_indexes(conn, "verdicts", "ix_verdicts_run_candidate")


@migration
def m008_embeddings(conn: Connection) -> None:
    """Embeddings of texts by model and revision: a warm run encodes only the texts it has not seen."""
    create_tables(conn, "embeddings")


@migration
def m009_retrievals(conn: Connection) -> None:
    """Catalog search results by catalog version: a warm run looks them up instead of searching again."""
    create_tables(conn, "retrievals")


@migration
def m010_catalog_artifacts(conn: Connection) -> None:
    """What is derived from a catalog version (its vocabulary), built once and kept."""
    create_tables(conn, "catalog_artifacts")


@migration
def m011_run_blocks(conn: Connection) -> None:
    """Blocks of a run's input taken by worker processes (``judge gate --workers``)."""
    create_tables(conn, "run_blocks")


@migration
def m012_llm_batches(conn: Connection) -> None:
    """Jobs submitted to a provider's Batch API, so that a gate resumes polling them instead of submitting again."""
    create_tables(conn, "llm_batches", "llm_batch_requests")


def apply(conn: Connection) -> list[str]:
    """Apply pending migrations; return the names applied now (another application's database was
    refused before, by :func:`judge.store.faults.check_store_file`)."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"))
    done = {row[0] for row in conn.execute(text("SELECT name FROM _migrations"))}
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(
            text("INSERT INTO _migrations (name, applied_at) VALUES (:n, :t)"),
            {"n": name, "t": datetime.now(UTC).isoformat()},
        )
        applied.append(name)
    return applied
