"""Fault tolerance with real parts: a work-horse killed mid-solve, Redis losing its queues."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.jobs import tasks
from scheduler.jobs.models import JobStatus
from scheduler.jobs.queue import NOTIFY, SOLVE, Runner, rq_job_id
from scheduler.jobs.service import is_retryable
from scheduler.migrate import upgrade
from scheduler.outbox.models import OutboxMessage, OutboxStatus
from scheduler.rosters import jobs as roster_jobs
from tests.city.conftest import Workers, children, wait_until
from tests.city.support import demo_street_job, job_row, roster_count
from tests.conftest import NOW
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.notify_support import published_roster


@pytest.fixture
def pg_sessions(pg_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(pg_url)
    upgrade(engine)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def test_a_work_horse_killed_mid_solve_leaves_a_retryable_job_and_no_roster(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers
) -> None:
    street_id, job_id = demo_street_job(pg_sessions, people=600, seconds=300)
    worker = workers.start(SOLVE)
    wait_until(lambda: children(worker.pid), 30, "the worker's scheduler process")
    before = children(worker.pid)
    runner = Runner(redis_url)
    tasks.submit_roster_job(runner, job_id=job_id, database_url=pg_url, solver_workers=1)
    # Wait until the solver is at work (a first roster found), then kill the work-horse.
    wait_until(lambda: job_row(pg_sessions, job_id).progress.get("solutions"), 120, "the solve's progress")
    horses = children(worker.pid) - before
    assert len(horses) == 1, workers.log()
    os.kill(horses.pop(), signal.SIGKILL)

    wait_until(lambda: job_row(pg_sessions, job_id).status is JobStatus.FAILED, 60, "the job row to fail")
    job = job_row(pg_sessions, job_id)
    assert is_retryable(job) and job.error is not None and job.error.startswith("worker_lost"), job.error
    assert roster_count(pg_sessions, street_id) == 0  # nothing half-written
    connection = Redis.from_url(redis_url)
    assert rq_job_id(job_id) in FailedJobRegistry(SOLVE, connection=connection).get_job_ids()

    # Run it again (from RQ's failed registry), with a short limit this time: it succeeds once.
    assert tasks.retry_job(runner, job_id=job_id, database_url=pg_url, params={"seconds": 3})
    wait_until(lambda: job_row(pg_sessions, job_id).status is JobStatus.SUCCEEDED, 180, "the retry")
    job = job_row(pg_sessions, job_id)
    assert job.params["attempt"] == 2 and job.params["seconds"] == 3
    assert roster_count(pg_sessions, street_id) == 1
    assert not tasks.retry_job(runner, job_id=job_id, database_url=pg_url)  # a finished job is not retried
    # And a duplicate delivery of the same job is idempotent.
    assert tasks.solve_roster(job_id=job_id, database_url=pg_url)["roster_id"] == job.result["roster_id"]
    assert roster_count(pg_sessions, street_id) == 1
    connection.close()
    runner.close()


def test_a_lost_worker_is_found_by_its_heartbeat_and_its_job_row_made_retryable(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers
) -> None:
    street_id, job_id = demo_street_job(pg_sessions, people=600, seconds=300)
    worker = workers.start(SOLVE)
    runner = Runner(redis_url)
    tasks.submit_roster_job(runner, job_id=job_id, database_url=pg_url, solver_workers=1)
    wait_until(lambda: job_row(pg_sessions, job_id).progress.get("solutions"), 120, "the solve's progress")
    horses = children(worker.pid)  # RQ puts each work-horse in a session of its own
    os.killpg(worker.pid, signal.SIGKILL)  # the worker, its scheduler and its work-horse: a lost machine
    for pid in horses:
        os.kill(pid, signal.SIGKILL)
    worker.wait(30)
    assert job_row(pg_sessions, job_id).status is JobStatus.RUNNING  # nobody left to say otherwise

    connection = Redis.from_url(redis_url)
    started = StartedJobRegistry(SOLVE, connection=connection)
    # RQ's worker heartbeat lapses (job monitoring interval + 60 s); then the sweep's clean-up fails
    # the abandoned job and its failure callback marks the row.
    wait_until(lambda: started.get_expired_job_ids(), 180, "the dead worker's heartbeat to lapse")
    tasks.sweep(database_url=pg_url, redis_url=redis_url)
    job = job_row(pg_sessions, job_id)
    assert job.status is JobStatus.FAILED and is_retryable(job), job.error
    assert roster_count(pg_sessions, street_id) == 0
    assert rq_job_id(job_id) in FailedJobRegistry(SOLVE, connection=connection).get_job_ids()
    connection.close()
    runner.close()


def test_redis_losing_its_queues_loses_no_message_and_no_job(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers, tmp_path: Path
) -> None:
    with transaction(pg_sessions) as s:
        street_id = published_roster(s, people=4, shifts=5, emails=False).street.street.id
        # A solve that was running when Redis went away.
        job = roster_jobs.start_generate_job(
            session=s, street_id=street_id, week_start=WEEK, now=NOW, actor="test", seconds=1
        )
        job.status, job.started_at = JobStatus.RUNNING, NOW
        lost_job = job.id
    runner = Runner(redis_url)
    runner.enqueue(NOTIFY, tasks.dispatch, database_url=pg_url)
    connection = Redis.from_url(redis_url)
    connection.flushdb()  # Redis restarted without persistence: the queued dispatch is gone
    assert Queue(NOTIFY, connection=connection).count == 0

    # The periodic sweep (gridroster cron) finds the work in the database again.
    runner.enqueue(NOTIFY, tasks.sweep, database_url=pg_url, redis_url=redis_url)
    workers.run_burst(NOTIFY)
    with pg_sessions() as s:
        statuses = list(s.scalars(select(OutboxMessage.status)))
        assert statuses and set(statuses) == {OutboxStatus.SENT}
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 5
    keys = [json.loads(line)["key"] for line in (tmp_path / "sms.jsonl").read_text("utf-8").splitlines()]
    assert len(keys) == 5 and len(set(keys)) == 5  # every offer sent once
    assert is_retryable(job_row(pg_sessions, lost_job))  # the orphaned solve can be run again

    # A second sweep sends nothing twice.
    runner.enqueue(NOTIFY, tasks.sweep, database_url=pg_url, redis_url=redis_url)
    workers.run_burst(NOTIFY)
    assert len((tmp_path / "sms.jsonl").read_text("utf-8").splitlines()) == 5
    connection.close()
    runner.close()


def test_the_sweep_sends_at_once_and_leaves_re_offers_to_the_solve_queue(
    pg_sessions: sessionmaker[Session], pg_url: str, redis_url: str, workers: Workers
) -> None:
    from rq.job import Job as RqJob

    from scheduler.clock import Clock
    from scheduler.notify.reoffer import rosters_to_replan
    from scheduler.rosters.models import AssignmentStatus, Roster

    with transaction(pg_sessions) as s:
        roster = published_roster(s, people=4, shifts=3, emails=False).roster
        roster.assignments[0].status = AssignmentStatus.DECLINED
        roster_id = roster.id
    with pg_sessions() as s:
        due = rosters_to_replan(session=s, now=Clock().now())  # [roster_id] until the week is over
    runner = Runner(redis_url)
    connection = Redis.from_url(redis_url)
    for _ in range(2):  # a second sweep while the re-offer waits does not queue another
        runner.enqueue(NOTIFY, tasks.sweep, database_url=pg_url, redis_url=redis_url)
        workers.run_burst(NOTIFY)
    assert roster_count(pg_sessions, roster.street_id) == 1  # the notify worker re-planned nothing
    with pg_sessions() as s:
        # ... and sent at once (the decliner's offer is dropped, not sent).
        assert set(s.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT, OutboxStatus.DROPPED}
    solve = Queue(SOLVE, connection=connection)
    assert [j.func_name for j in solve.jobs] == ["scheduler.jobs.tasks.reoffer"]
    workers.run_burst(SOLVE)
    result = RqJob.fetch(tasks.REOFFER_JOB_ID, connection=connection).return_value()
    assert result == {"reoffered": due}
    with pg_sessions() as s:
        replanned = list(s.scalars(select(Roster.id).where(Roster.based_on_id == roster_id)))
    assert len(replanned) == len(due)
    connection.close()
    runner.close()
