"""Where a store lives: a SQLite file (the embedded default) or a database server's SQLAlchemy URL.

``--db judge.db``, ``--db sqlite:///judge.db`` and ``--db postgresql+psycopg://user@host:5432/judge``
are all accepted. Messages name a store by :attr:`StoreLocation.shown`, which never holds a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from judge.errors import ConfigError
from judge.redact import redact_url

DIALECTS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class StoreLocation:
    url: URL
    path: Path | None  # the SQLite file; None for a server

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def shown(self) -> str:
        """The location as messages and provenance show it: a path, or the URL with its password hidden."""
        return str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)

    @property
    def is_server(self) -> bool:
        return self.path is None


def locate(db: str | Path) -> StoreLocation:
    """Parse a ``--db`` value: a path, or a URL whose dialect the store speaks (SQLite, PostgreSQL)."""
    text = str(db)
    if "://" not in text:
        path = Path(text)
        return StoreLocation(URL.create("sqlite", database=str(path)), path)
    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(f"--db: {redact_url(text)} is neither a file path nor a database URL") from None
    backend = url.get_backend_name()
    if backend not in DIALECTS:
        raise ConfigError(f"--db: the store runs on SQLite or PostgreSQL, not {backend!r} ({url.render_as_string()})")
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ConfigError("--db: a SQLite store needs a file (sqlite:///judge.db), not an in-memory database")
        return StoreLocation(URL.create("sqlite", database=url.database), Path(url.database))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, the `postgres` extra's driver
    return StoreLocation(url, None)


def shown(db: str | Path) -> str:
    """A ``--db`` value fit for a message, its password hidden, whether or not it parses."""
    try:
        return locate(db).shown
    except ConfigError:
        return redact_url(str(db)) or ""

