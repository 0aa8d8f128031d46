from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def write_jsonl(path: Path, rows: list[dict | str | bytes]) -> Path:
    with path.open("wb") as f:
        for r in rows:
            if isinstance(r, dict):
                f.write(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n")
            elif isinstance(r, str):
                f.write(r.encode("utf-8") + b"\n")
            else:
                f.write(r + b"\n")
    return path


def cand(id: str, theme: str, keywords: list[str] | None = None, **extra) -> dict:
    return {"id": id, "placement": extra.pop("placement", "home-row"), "theme": theme,
            "keywords": keywords if keywords is not None else ["olive oil", "basmati rice"], **extra}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "judge.db"


@pytest.fixture
def no_toxicity_policy(tmp_path: Path) -> Path:
    """The default policy with toxicity disabled (deterministic, model-free)."""
    return write_no_toxicity_policy(tmp_path / "notox.yaml")


def write_no_toxicity_policy(p: Path) -> Path:
    """The default policy without toxicity, embeddings or rubrics, written to ``p``."""
    text = (ROOT / "policies" / "default.yaml").read_text()
    text = text.replace("lists: [terms/garm.yaml, terms/retail.yaml]", f"lists: [{ROOT}/policies/terms/garm.yaml, {ROOT}/policies/terms/retail.yaml]")
    text = text.replace("allow: [terms/allow.yaml, terms/allow_wordnet.yaml]",
                        f"allow: [{ROOT}/policies/terms/allow.yaml, {ROOT}/policies/terms/allow_wordnet.yaml]")
    text = text.replace("  toxicity:\n    enabled: true", "  toxicity:\n    enabled: false")
    text = text.replace("  coherence:\n    embeddings: auto", "  coherence:\n    embeddings: \"off\"")
    text = text.replace("  rubrics: [theme_quality, placement_relevance, keyword_coherence, brand_safety, page_cohesion]", "  rubrics: []")
    p.write_text(text)
    return p


# PostgreSQL: `.ci/run` starts a throwaway server (scripts/pg_throwaway.sh) and sets JUDGE_TEST_PG to its
# admin URL; each test gets a database of its own, dropped afterwards. Without a server the PostgreSQL
# cases skip, unless REQUIRE_PG=1 (as in CI), where a missing server is a failure.
PG_ADMIN = os.environ.get("JUDGE_TEST_PG")


def _pg_admin_or_skip() -> str:
    if not PG_ADMIN:
        if os.environ.get("REQUIRE_PG") == "1":
            pytest.fail("REQUIRE_PG=1 but JUDGE_TEST_PG is not set: start one with scripts/pg_throwaway.sh")
        pytest.skip("no PostgreSQL server (set JUDGE_TEST_PG, e.g. from scripts/pg_throwaway.sh)")
    return PG_ADMIN


@pytest.fixture
def pg_url() -> str:
    """A new, empty PostgreSQL database for this test: its SQLAlchemy URL."""
    import uuid

    import sqlalchemy

    admin_url = _pg_admin_or_skip()
    name = f"judge_test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sqlalchemy.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store on each backend: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "judge.db")
    return request.getfixturevalue("pg_url")
