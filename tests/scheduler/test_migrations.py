"""Migrations: an empty database upgrades to head, and the models match the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import scheduler.models as models
from scheduler.db import make_engine
from scheduler.migrate import current_revision, head_revision, upgrade


def test_migrations_upgrade_an_empty_database_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(models.Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_migrations_autogenerate_finds_no_difference_from_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, models.Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_migrations_upgrade_twice_is_a_no_op(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
