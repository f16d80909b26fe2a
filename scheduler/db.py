"""Database plumbing: declarative base, aware timestamps, engine and session factories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware in Python and stored as UTC.

    Why: SQLite drops the offset of a stored datetime, so a naive value read back could be taken
    for local time. We refuse naive input and hand back UTC-aware values on every engine.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def default_instance_path() -> Path:
    return Path(os.environ.get("GRIDROSTER_INSTANCE_PATH") or Path.cwd() / "instance")


def default_database_url() -> str:
    url = os.environ.get("GRIDROSTER_DATABASE_URL")
    if url:
        return url
    path = default_instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'gridroster.db'}"


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout (many writers)."""
    url = url or default_database_url()
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    elif "poolclass" not in kwargs:
        # Production PostgreSQL under many processes (web, RQ work-horses): each process keeps a small
        # pool (GRIDROSTER_DB_POOL_SIZE + GRIDROSTER_DB_MAX_OVERFLOW connections at most), checks a
        # connection before use (a server restart or a failover drops them) and renews it every 30 min.
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", int(os.environ.get("GRIDROSTER_DB_POOL_SIZE", "5")))
        kwargs.setdefault("max_overflow", int(os.environ.get("GRIDROSTER_DB_MAX_OVERFLOW", "5")))
        kwargs.setdefault("pool_recycle", 1800)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def own_sessions(url: str | None = None) -> Iterator[sessionmaker[Session]]:
    """Sessions on an engine of one's own, disposed of at the end: a background job's database."""
    engine = make_engine(url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (STYLE rule 3)."""
    with factory() as session, session.begin():
        yield session
