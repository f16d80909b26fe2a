"""Browser-test support: a live server on 127.0.0.1:0 over a seeded SQLite file, and Debian's Chromium."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from optimizer.params import SolveParams
from scheduler.accounts.models import Role
from scheduler.accounts.service import create_account
from scheduler.clock import FixedClock
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.migrate import upgrade
from tests.conftest import NOW, TODAY
from web import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# ECOSYSTEM §3.5: no sandbox in a container; no background calls out (this network refuses them).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "browser-test-password"


@dataclass(frozen=True)
class LiveServer:
    url: str
    street_id: int
    person_token: str
    person_name: str
    database_url: str

    def offered_person(self) -> tuple[str, str]:
        """(link token, name) of someone with an offered shift in a published roster."""
        from sqlalchemy import select

        from scheduler.people.models import Person
        from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus

        engine = make_engine(self.database_url)
        try:
            with make_session_factory(engine)() as session:
                row = session.execute(
                    select(Person.link_token, Person.name)
                    .join(Assignment, Assignment.person_id == Person.id)
                    .join(Roster)
                    .where(
                        Roster.status == RosterStatus.PUBLISHED, Assignment.status == AssignmentStatus.OFFERED
                    )
                    .limit(1)
                ).one()
                return row[0], row[1]
        finally:
            engine.dispose()


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("Chromium is not installed: apt-get install -y chromium fonts-wqy-microhei")
    return path


@contextmanager
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """Seed a small demo street into a fresh SQLite file and serve the real app on an ephemeral port."""
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        summary = seed_demo(session=session, size=DemoSize(people=60, grids=4, seed=1), today=TODAY)
        create_account(
            session=session,
            username="cuihu",
            password=PASSWORD,
            role=Role.STREET_COORDINATOR,
            scope_id=summary.street_id,
            display_name="翠湖街道协调员",
            now=NOW,
        )
        from sqlalchemy import select

        from scheduler.people.models import Category, Person

        person = session.scalar(
            select(Person).where(Person.category == Category.VOLUNTEER).order_by(Person.id)
        )
        assert person is not None
        token, name = person.link_token, person.name
    engine.dispose()
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "browser-test-secret",
            "DATABASE_URL": url,
            "CLOCK": FixedClock(NOW),
            "JOB_RUNNER": "thread",
            "SOLVE_PARAMS": SolveParams(seconds=3, workers=2),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", summary.street_id, token, name, url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["gridroster.engine"].dispose()
