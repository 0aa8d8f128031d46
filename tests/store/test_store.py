from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import SQLModel

from judge import Store
from judge.store import migrations


def test_migrations_create_exactly_the_sqlmodel_schema(tmp_path: Path):
    db = tmp_path / "s.db"
    store = Store(db)
    assert store.applied == [name for name, _ in migrations.MIGRATIONS]
    con = sqlite3.connect(db)
    for table in SQLModel.metadata.sorted_tables:
        cols = {row[1] for row in con.execute(f"PRAGMA table_info({table.name})")}
        assert cols == {c.name for c in table.columns}, table.name


def test_migrations_are_recorded_and_run_once(tmp_path: Path):
    db = tmp_path / "s.db"
    Store(db)
    again = Store(db)
    assert again.applied == []
    names = [r[0] for r in sqlite3.connect(db).execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == sorted(n for n, _ in migrations.MIGRATIONS)


def test_store_uses_wal_and_a_busy_timeout(tmp_path: Path):
    store = Store(tmp_path / "s.db")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_migration_names_are_unique_and_ordered():
    names = [n for n, _ in migrations.MIGRATIONS]
    assert names == sorted(names) and len(set(names)) == len(names)
