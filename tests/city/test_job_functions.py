"""The other job functions (re-plan, reminders, ledger, surge queue) run the same code in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from scheduler.clock import Clock, local_zone
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.jobs import tasks
from scheduler.jobs.queue import Runner
from scheduler.migrate import upgrade
from scheduler.rosters.models import Roster, RosterStatus
from tests.scheduler.notify_support import published_roster


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def test_replan_reminders_and_ledger_jobs(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    with transaction(sessions) as s:
        roster_id = published_roster(s, people=3, shifts=2, emails=False).roster.id
    out = tasks.replan_roster(roster_id=roster_id, database_url=db_url, seconds=1)
    with sessions() as s:
        draft = s.get_one(Roster, out["roster_id"])
        assert draft.status is RosterStatus.DRAFT and draft.based_on_id == roster_id
    assert tasks.reminders(database_url=db_url) == {"reminders": 0}  # nothing confirmed yet
    today = Clock().now().astimezone(local_zone()).date().isoformat()
    written = tasks.ledger(period="day", day=today, out=str(tmp_path / "day.csv"), database_url=db_url)
    assert written["bytes"] > 0 and (tmp_path / "day.csv").stat().st_size == written["bytes"]


def test_the_surge_queue_runs_a_surge_job_in_process_when_embedded() -> None:
    seen: list[int] = []

    def call_out(call_id: int) -> None:
        seen.append(call_id)

    assert tasks.enqueue_surge(Runner(None), call_out, call_id=7) is None
    assert seen == [7]
