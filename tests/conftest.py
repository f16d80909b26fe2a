"""Shared fixtures: databases on SQLite and on a real PostgreSQL, one rolled-back transaction per test.

PostgreSQL comes from GRIDROSTER_TEST_POSTGRES_URL, which the README's test command sets after
starting a throwaway server (scripts/services.sh). Without it the PostgreSQL half of every database
test fails with a message saying how to start one: a database test never silently skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from scheduler.db import make_engine
from scheduler.migrate import upgrade

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BACKENDS = ("sqlite", "postgresql")
TODAY = date(2026, 11, 27)  # a Friday; next week is 2026-W49
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def postgres_url() -> str:
    url = os.environ.get("GRIDROSTER_TEST_POSTGRES_URL")
    if not url:
        pytest.fail(
            "GRIDROSTER_TEST_POSTGRES_URL is not set: start a throwaway server with "
            "`eval $(scripts/services.sh start)` or run the README's test command (scripts/test)"
        )
    return url


def reset_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def fresh_url(backend: str, tmp_path: Path) -> str:
    """A brand-new empty database of this backend (for tests that commit, like the CLI).

    On PostgreSQL it is a second database, ``<name>_fresh``, so committing tests never leave rows
    in the database the rolled-back ``session`` fixture shares.
    """
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'gridroster.db'}"
    base = make_url(postgres_url())
    fresh = base.set(database=f"{base.database}_fresh")
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": fresh.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{fresh.database}"'))
    finally:
        admin.dispose()
    url = fresh.render_as_string(hide_password=False)
    engine = make_engine(url)
    reset_postgres(engine)
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> str:
    """An empty database URL on each backend; the test owns it (commits are fine)."""
    return fresh_url(backend, tmp_path)


_ENGINES: dict[str, Engine] = {}


def migrated_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    if backend not in _ENGINES:
        if backend == "sqlite":
            engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'shared.db'}")
        else:
            engine = make_engine(postgres_url())
            reset_postgres(engine)
        upgrade(engine)
        _ENGINES[backend] = engine
    return _ENGINES[backend]


@pytest.fixture
def session(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A session on a migrated database inside an outer transaction that is rolled back afterwards.

    Service code may flush and even begin nested transactions; nothing survives the test.
    """
    engine = migrated_engine(backend, tmp_path_factory)
    with engine.connect() as connection:
        outer = connection.begin()
        s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield s
        finally:
            s.close()
            outer.rollback()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for engine in _ENGINES.values():
        engine.dispose()
