"""One lazily opened SQLAlchemy session per request, closed at teardown; views own the transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from scheduler.db import make_engine, make_session_factory

_KEY = "gridroster.session_factory"


def configure_database(app: Flask) -> None:
    """Bind a session factory: from the overrides (tests join an outer transaction) or from the URL."""
    factory: Callable[[], Session] | None = app.config.get("SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["gridroster.engine"] = engine
        factory = make_session_factory(engine)
    app.extensions[_KEY] = factory
    app.teardown_appcontext(close_session)


def db() -> Session:
    """This request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_KEY]()
    session: Session = g.db_session
    return session


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The request's one write transaction: commit on success, roll back on any error (STYLE rule 3)."""
    session = db()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def close_session(_exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
