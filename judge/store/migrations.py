"""Named, append-only schema migrations for the SQLite store.

Each migration runs once, in order, and is recorded in ``_migrations``. Never edit
or reorder a released migration; add a new one at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, text

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def _exec(conn: Connection, script: str) -> None:
    for stmt in script.split(";"):
        if stmt.strip():
            conn.execute(text(stmt))


@migration
def m001_initial(conn: Connection) -> None:
    _exec(
        conn,
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            run_key TEXT NOT NULL,
            status TEXT NOT NULL,
            input_path TEXT NOT NULL,
            input_sha256 TEXT NOT NULL,
            input_format TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            policy_hash TEXT NOT NULL,
            code_version TEXT NOT NULL,
            options_json TEXT NOT NULL,
            check_status_json TEXT NOT NULL,
            counts_json TEXT,
            ci_json TEXT,
            started_at TIMESTAMP NOT NULL,
            finished_at TIMESTAMP
        );
        CREATE INDEX ix_runs_run_key ON runs (run_key);
        CREATE TABLE candidates (
            content_hash TEXT PRIMARY KEY,
            candidate_id TEXT NOT NULL,
            placement TEXT NOT NULL,
            theme TEXT NOT NULL,
            keywords_json TEXT NOT NULL,
            first_seen_at TIMESTAMP NOT NULL
        );
        CREATE TABLE verdicts (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs (id),
            line INTEGER NOT NULL,
            candidate_id TEXT,
            content_hash TEXT,
            eval_key TEXT,
            decision TEXT NOT NULL,
            error TEXT,
            raw TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            policy_hash TEXT NOT NULL,
            code_version TEXT NOT NULL,
            checks_fingerprint TEXT NOT NULL,
            reused_from INTEGER,
            created_at TIMESTAMP NOT NULL,
            UNIQUE (run_id, line)
        );
        CREATE INDEX ix_verdicts_eval_key ON verdicts (eval_key);
        CREATE INDEX ix_verdicts_content_hash ON verdicts (content_hash);
        CREATE INDEX ix_verdicts_candidate_id ON verdicts (candidate_id);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            verdict_id INTEGER NOT NULL REFERENCES verdicts (id),
            check_id TEXT NOT NULL,
            severity TEXT NOT NULL,
            category TEXT,
            message TEXT NOT NULL,
            field TEXT,
            span_start INTEGER,
            span_end INTEGER,
            text TEXT,
            term TEXT,
            score FLOAT
        );
        CREATE INDEX ix_findings_verdict_id ON findings (verdict_id);
        CREATE INDEX ix_findings_check_id ON findings (check_id)
        """,
    )


def apply(conn: Connection) -> list[str]:
    """Apply pending migrations; return the names applied now."""
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


@migration
def m002_judge_calls(conn: Connection) -> None:
    """LLM judge calls (the cache and the audit trail), per-criterion judgements, reusable flag."""
    _exec(
        conn,
        """
        CREATE TABLE judge_calls (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs (id),
            line INTEGER,
            content_hash TEXT NOT NULL,
            rubric_id TEXT NOT NULL,
            rubric_version TEXT NOT NULL,
            template_hash TEXT NOT NULL,
            schema_hash TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            prompt TEXT,
            model TEXT NOT NULL,
            base_url TEXT NOT NULL,
            mode TEXT NOT NULL,
            sample INTEGER NOT NULL,
            cache_key TEXT NOT NULL,
            status TEXT NOT NULL,
            raw TEXT,
            parsed_json TEXT,
            error TEXT,
            latency_ms FLOAT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            cost FLOAT NOT NULL,
            attempts INTEGER NOT NULL,
            cached_from INTEGER,
            created_at TIMESTAMP NOT NULL
        );
        CREATE INDEX ix_judge_calls_cache_key ON judge_calls (cache_key);
        CREATE INDEX ix_judge_calls_run_line ON judge_calls (run_id, line);
        CREATE TABLE judgements (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs (id),
            line INTEGER NOT NULL,
            rubric_id TEXT NOT NULL,
            rubric_version TEXT NOT NULL,
            criterion_id TEXT NOT NULL,
            outcome TEXT NOT NULL,
            votes INTEGER NOT NULL,
            agreement FLOAT,
            reason TEXT
        );
        CREATE INDEX ix_judgements_run_line ON judgements (run_id, line);
        ALTER TABLE verdicts ADD COLUMN reusable INTEGER NOT NULL DEFAULT 1
        """,
    )


@migration
def m003_reviews(conn: Connection) -> None:
    """Human review decisions (sticky overrides, never deleted) and the verdict's machine decision."""
    _exec(
        conn,
        """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL,
            policy_id TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            candidate_id TEXT,
            run_id TEXT,
            decision TEXT NOT NULL,
            reason TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE INDEX ix_reviews_key ON reviews (content_hash, policy_id, policy_version);
        ALTER TABLE verdicts ADD COLUMN machine_decision TEXT;
        ALTER TABLE verdicts ADD COLUMN override_id INTEGER
        """,
    )


@migration
def m004_labels_calibrations(conn: Connection) -> None:
    """Human labels per check or criterion, and stored calibration results."""
    _exec(
        conn,
        """
        CREATE TABLE labels (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL,
            candidate_id TEXT,
            target TEXT NOT NULL,
            label TEXT NOT NULL,
            labeller TEXT NOT NULL,
            note TEXT,
            source TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE INDEX ix_labels_content_hash ON labels (content_hash);
        CREATE TABLE calibrations (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            target TEXT NOT NULL,
            version TEXT,
            n INTEGER NOT NULL,
            kappa FLOAT,
            kappa_low FLOAT,
            kappa_high FLOAT,
            result_json TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        );
        CREATE INDEX ix_calibrations_target ON calibrations (target)
        """,
    )


@migration
def m005_catalog(conn: Connection) -> None:
    """A product catalog with a full-text (BM25) index, for retrieval and catalog evidence."""
    _exec(
        conn,
        """
        CREATE TABLE products (
            id TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            brand TEXT,
            category TEXT,
            aisle TEXT,
            department TEXT,
            popularity FLOAT,
            available INTEGER NOT NULL DEFAULT 1,
            extra_json TEXT
        );
        CREATE VIRTUAL TABLE products_fts USING fts5(
            title, brand, category, aisle, department,
            content='products', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
        )
        """,
    )
