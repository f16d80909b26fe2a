"""Jobs on RQ: the same job functions run in-process (embedded) or on real `gridroster worker`s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy.orm import Session, sessionmaker

from scheduler.db import make_engine, make_session_factory
from scheduler.jobs import tasks
from scheduler.jobs.models import JobStatus
from scheduler.jobs.queue import NOTIFY, SOLVE, Runner
from scheduler.migrate import upgrade
from tests.city.conftest import Workers
from tests.city.support import job_row, roster_count, tiny_street_job


def _sessions(url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    yield from _sessions(db_url)


@pytest.fixture
def pg_sessions(pg_url: str) -> Iterator[sessionmaker[Session]]:
    yield from _sessions(pg_url)


def test_embedded_runs_the_job_function_here_and_a_rerun_changes_nothing(
    sessions: sessionmaker[Session], db_url: str
) -> None:
    street_id, job_id = tiny_street_job(sessions)
    runner = Runner(None)
    assert not runner.distributed
    assert tasks.submit_roster_job(runner, job_id=job_id, database_url=db_url, solver_workers=1) is None
    job = job_row(sessions, job_id)
    assert job.status is JobStatus.SUCCEEDED and job.result["filled"] == 6
    assert roster_count(sessions, street_id) == 1
    again = tasks.solve_roster(job_id=job_id, database_url=db_url, solver_workers=1)
    assert again["status"] == "succeeded" and again["roster_id"] == job.result["roster_id"]
    assert roster_count(sessions, street_id) == 1  # idempotent: no second roster


def test_unknown_queue_is_refused(redis_url: str) -> None:
    runner = Runner(redis_url)
    try:
        with pytest.raises(ValueError, match="unknown queue"):
            runner.enqueue("fast", tasks.dispatch)
    finally:
        runner.close()


def test_a_worker_on_the_solve_queue_runs_the_solve_and_stores_it_in_the_database(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers
) -> None:
    street_id, job_id = tiny_street_job(pg_sessions)
    runner = Runner(redis_url)
    rq_id = tasks.submit_roster_job(runner, job_id=job_id, database_url=pg_url, solver_workers=1)
    assert rq_id is not None
    assert job_row(pg_sessions, job_id).status is JobStatus.QUEUED  # nothing ran in this process
    workers.run_burst(SOLVE)
    job = job_row(pg_sessions, job_id)
    assert job.status is JobStatus.SUCCEEDED, workers.log()
    assert job.result["filled"] == 6 and job.progress  # progress written by the worker as it solved
    assert roster_count(pg_sessions, street_id) == 1
    runner.close()


def test_queues_are_separate_a_notify_worker_leaves_solves_alone(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers
) -> None:
    _, job_id = tiny_street_job(pg_sessions)
    runner = Runner(redis_url)
    tasks.submit_roster_job(runner, job_id=job_id, database_url=pg_url)
    dispatch_id = runner.enqueue(NOTIFY, tasks.dispatch, database_url=pg_url)
    workers.run_burst(NOTIFY)
    connection = Redis.from_url(redis_url)
    assert Queue(SOLVE, connection=connection).count == 1
    assert Queue(NOTIFY, connection=connection).count == 0
    assert dispatch_id is not None and Queue(NOTIFY, connection=connection).fetch_job(dispatch_id) is not None
    assert job_row(pg_sessions, job_id).status is JobStatus.QUEUED
    connection.close()
    runner.close()
