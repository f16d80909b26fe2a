"""The roster job runner on a real database file: stop from another session keeps the best roster so far."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from optimizer.params import SolveParams
from scheduler.clock import FixedClock
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.errors import Conflict
from scheduler.jobs.models import Job, JobStatus
from scheduler.migrate import upgrade
from scheduler.rosters import jobs
from scheduler.rosters.models import Roster, RosterStatus
from tests.conftest import NOW, TODAY

WEEK = date(2026, 11, 30)


@pytest.mark.slow
def test_a_stop_pressed_elsewhere_ends_the_solve_and_keeps_the_best_roster(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        with transaction(sessions) as s:
            street_id = seed_demo(
                session=s, size=DemoSize(people=300, grids=20, seed=2), today=TODAY
            ).street_id
            job = jobs.start_generate_job(
                session=s, street_id=street_id, week_start=WEEK, now=NOW, actor="test", seconds=120
            )
            job_id = job.id
        with transaction(sessions) as s:  # the stop button, pressed from another session before the solve
            jobs.request_stop(session=s, job_id=job_id)
        jobs.run_generate_job(
            sessions=sessions,
            job_id=job_id,
            clock=FixedClock(NOW),
            params=SolveParams(seconds=120, workers=2),
        )
        with sessions() as s:
            finished = s.get(Job, job_id)
            assert finished is not None and finished.status is JobStatus.CANCELLED
            assert finished.result["stopped"] is True
            roster = s.get(Roster, finished.result["roster_id"])
            assert roster is not None and roster.status is RosterStatus.DRAFT and roster.filled > 0
    finally:
        engine.dispose()


def test_a_street_runs_one_generation_at_a_time(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        with transaction(sessions) as s:
            street_id = seed_demo(session=s, size=DemoSize(people=20, grids=2, seed=3), today=TODAY).street_id
            jobs.start_generate_job(
                session=s, street_id=street_id, week_start=WEEK, now=NOW, actor="a", seconds=5
            )
        with pytest.raises(Conflict), transaction(sessions) as s:
            jobs.start_generate_job(
                session=s, street_id=street_id, week_start=WEEK, now=NOW, actor="b", seconds=5
            )
        later = NOW + jobs.STALE_AFTER * 2  # a job whose process died long ago does not block the street
        with transaction(sessions) as s:
            jobs.start_generate_job(
                session=s, street_id=street_id, week_start=WEEK, now=later, actor="c", seconds=5
            )
        with sessions() as s:
            assert len(list(s.scalars(select(Job)))) == 2
    finally:
        engine.dispose()
