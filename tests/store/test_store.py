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


def test_a_store_made_by_an_older_release_gets_the_columns_it_lacks(tmp_path: Path):
    """A store created when only m001 existed (verdicts without the later columns) upgrades in place."""
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(
        """
        CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL);
        INSERT INTO _migrations VALUES ('m001_initial', '2026-01-01');
        CREATE TABLE runs (id TEXT PRIMARY KEY, run_key TEXT NOT NULL, status TEXT NOT NULL, input_path TEXT NOT NULL,
            input_sha256 TEXT NOT NULL, input_format TEXT NOT NULL, policy_id TEXT NOT NULL, policy_version TEXT NOT NULL,
            policy_hash TEXT NOT NULL, code_version TEXT NOT NULL, options_json TEXT NOT NULL, check_status_json TEXT NOT NULL,
            counts_json TEXT, ci_json TEXT, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP);
        CREATE TABLE candidates (content_hash TEXT PRIMARY KEY, candidate_id TEXT NOT NULL, placement TEXT NOT NULL,
            theme TEXT NOT NULL, keywords_json TEXT NOT NULL, first_seen_at TIMESTAMP NOT NULL);
        CREATE TABLE verdicts (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs (id), line INTEGER NOT NULL,
            candidate_id TEXT, content_hash TEXT, eval_key TEXT, decision TEXT NOT NULL, error TEXT, raw TEXT NOT NULL,
            policy_id TEXT NOT NULL, policy_version TEXT NOT NULL, policy_hash TEXT NOT NULL, code_version TEXT NOT NULL,
            checks_fingerprint TEXT NOT NULL, reused_from INTEGER, created_at TIMESTAMP NOT NULL, UNIQUE (run_id, line));
        INSERT INTO runs VALUES ('r1', 'k', 'complete', 'in.jsonl', 'h', 'jsonl', 'default', '1', 'ph', 'c', '{}', '{}',
            NULL, NULL, '2026-01-01 00:00:00', NULL);
        INSERT INTO verdicts (run_id, line, decision, raw, policy_id, policy_version, policy_hash, code_version,
            checks_fingerprint, created_at) VALUES ('r1', 1, 'approved', '{}', 'default', '1', 'ph', 'c', 'f', '2026-01-01');
        CREATE TABLE findings (id INTEGER PRIMARY KEY, verdict_id INTEGER NOT NULL REFERENCES verdicts (id),
            check_id TEXT NOT NULL, severity TEXT NOT NULL, category TEXT, message TEXT NOT NULL, field TEXT,
            span_start INTEGER, span_end INTEGER, text TEXT, term TEXT, score FLOAT);
        """
    )
    con.close()
    store = Store(db)
    assert store.applied == [name for name, _ in migrations.MIGRATIONS][1:]
    cols = {row[1] for row in sqlite3.connect(db).execute("PRAGMA table_info(verdicts)")}
    assert {"reusable", "machine_decision", "override_id"} <= cols
    (v,) = store.verdicts("r1")
    assert v.row.reusable == 1 and v.row.decision == "approved"  # the old row got the column's default
