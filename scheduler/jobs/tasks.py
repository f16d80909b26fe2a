"""The job functions RQ workers run (and the embedded default calls directly): plain arguments, their
own engine, the database as the record of what they did.

Each is safe to run again: a roster job that finished returns its stored result, one whose process
died is failed-and-retryable and starts over (its roster was never half-written: it is stored in one
transaction), and the notification passes claim each outbox row once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from rq.exceptions import NoSuchJobError
from rq.job import Job as RqJob
from rq.job import JobStatus as RqStatus
from rq.registry import StartedJobRegistry
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from optimizer.params import SolveParams
from scheduler.clock import Clock
from scheduler.db import own_sessions, transaction
from scheduler.errors import NotFound
from scheduler.jobs import queue as jobqueue
from scheduler.jobs.models import Job, JobStatus
from scheduler.jobs.service import ACTIVE, is_retryable, mark_lost, reopen
from scheduler.rosters.jobs import KIND as ROSTER_KIND
from scheduler.rosters.jobs import job_seconds, run_generate_job

log = logging.getLogger(__name__)
# A queued job row whose RQ job is missing for this long was lost with Redis: enqueued again.
REQUEUE_AFTER = timedelta(minutes=1)



def solve_roster(job_id: int, database_url: str | None = None, solver_workers: int = 0) -> dict[str, Any]:
    """Run one roster job row ("roster.generate"); idempotent: a finished job returns its result."""
    with own_sessions(database_url) as sessions:
        with transaction(sessions) as session:
            job = session.get(Job, job_id)
            if job is None:
                raise NotFound("job_not_found", "找不到这个任务", f"no job {job_id}")
            if is_retryable(job):  # an RQ retry after the previous attempt's process died
                reopen(session=session, job_id=job_id)
            seconds = job_seconds(job)
        run_generate_job(
            sessions=sessions,
            job_id=job_id,
            clock=Clock(),
            params=SolveParams(seconds=seconds, workers=solver_workers),
        )
        with transaction(sessions) as session:
            job = session.get(Job, job_id)
            assert job is not None
            return {"status": job.status.value, **job.result}


def replan_roster(roster_id: int, database_url: str | None = None, seconds: float = 10.0) -> dict[str, Any]:
    """A new draft from a published roster (as few changes as possible)."""
    from scheduler.rosters import service as rosters

    with own_sessions(database_url) as sessions, transaction(sessions) as session:
        roster = rosters.replan(
            session=session, roster_id=roster_id, now=Clock().now(), params=SolveParams(seconds=seconds)
        )
        return {"roster_id": roster.id, "filled": roster.filled, "required": roster.required}


def dispatch(database_url: str | None = None, replan: bool = True) -> dict[str, Any]:
    """One notification pass: expire, re-offer (unless ``replan`` is False), remind, then send every
    due outbox message."""
    from scheduler.notify.jobs import dispatch_job

    return dispatch_job(database_url, replan=replan)


def reoffer(database_url: str | None = None) -> dict[str, Any]:
    """Re-plan the declined shifts of published rosters (a solve each): the solve queue's share of a
    notification pass, so notifications never wait for the solver."""
    from scheduler.notify.jobs import reoffer_job

    return reoffer_job(database_url)


REOFFER_JOB_ID = "gridroster-reoffer"


def enqueue_reoffer(runner: jobqueue.Runner, database_url: str | None) -> str | None:
    """Put one re-offer pass on the solve queue unless one is already waiting or running there."""
    assert runner.redis is not None
    if RqJob.exists(REOFFER_JOB_ID, connection=runner.redis):
        status = RqJob.fetch(REOFFER_JOB_ID, connection=runner.redis).get_status()
        if status in (RqStatus.QUEUED, RqStatus.STARTED, RqStatus.SCHEDULED, RqStatus.DEFERRED):
            return None
    return runner.enqueue(jobqueue.SOLVE, reoffer, rq_id=REOFFER_JOB_ID, database_url=database_url)


def reminders(database_url: str | None = None) -> dict[str, Any]:
    """Queue reminders for confirmed shifts starting soon (idempotent: one per shift and person)."""
    import os

    from scheduler.notify.flows import schedule_reminders
    from scheduler.notify.settings import settings_from_env

    with own_sessions(database_url) as sessions, transaction(sessions) as session:
        settings = settings_from_env(os.environ)
        queued = schedule_reminders(session=session, now=Clock().now(), settings=settings)
    return {"reminders": queued}


def ledger(
    period: str, day: str, out: str, database_url: str | None = None, street_id: int | None = None
) -> dict[str, Any]:
    """Write the ledger of a day, week or month to ``out`` (format from its suffix)."""
    from pathlib import Path

    from scheduler.ledgers import export
    from scheduler.ledgers import service as ledgers
    from scheduler.ledgers.periods import parse_date

    path = Path(out)
    fmt = export.parse_format(path.suffix.lstrip(".") or "?")
    with own_sessions(database_url) as sessions, transaction(sessions) as session:
        built = ledgers.build_ledger(
            session=session, kind=period, day=parse_date(day), now=Clock().now(), street_id=street_id
        )
        size = export.write(built, fmt, path)
    return {"out": str(path), "bytes": size}


def submit_roster_job(
    runner: jobqueue.Runner, *, job_id: int, database_url: str | None, solver_workers: int = 0
) -> str | None:
    """Put a queued roster job row on the solve queue (or run it here, embedded)."""
    return runner.enqueue(
        jobqueue.SOLVE,
        solve_roster,
        db_job=job_id,
        job_id=job_id,
        database_url=database_url,
        solver_workers=solver_workers,
    )


def retry_job(
    runner: jobqueue.Runner,
    *,
    job_id: int,
    database_url: str | None,
    params: dict[str, Any] | None = None,
    solver_workers: int = 0,
) -> bool:
    """Run a failed-and-retryable roster job again; False if it is not retryable.

    On RQ the failed job is requeued from its FailedJobRegistry when it is still there, else enqueued
    afresh (Redis may have lost it).
    """
    with own_sessions(database_url) as sessions, transaction(sessions) as session:
        if not reopen(session=session, job_id=job_id, params=params):
            return False
    if runner.redis is not None:
        try:
            rq_job = RqJob.fetch(jobqueue.rq_job_id(job_id), connection=runner.redis)
        except NoSuchJobError:
            rq_job = None
        if rq_job is not None and rq_job.get_status() in (RqStatus.FAILED, RqStatus.STOPPED):
            rq_job.requeue()
            return True
    submit_roster_job(runner, job_id=job_id, database_url=database_url, solver_workers=solver_workers)
    return True


def sweep(database_url: str | None = None, redis_url: str | None = None) -> dict[str, Any]:
    """Make the database the truth again after lost workers or a Redis restart; run it periodically.

    1. RQ's own clean-up of each queue's StartedJobRegistry: jobs of workers whose heartbeat ran out
       are failed (or retried), and their failure callback marks the job row retryable.
    2. Job rows still running whose RQ job no longer exists are marked retryable; queued rows whose
       RQ job is gone are enqueued again.
    3. A re-offer pass is put on the solve queue (once: not while one waits or runs there).
    4. A dispatch pass: every unsent outbox row is found in the database and sent (nothing lost).
    """
    runner = jobqueue.Runner(redis_url or jobqueue.redis_url_from_env())
    report: dict[str, Any] = {"lost": [], "requeued": []}
    try:
        if runner.redis is not None:
            for name in jobqueue.QUEUES:
                StartedJobRegistry(name, connection=runner.redis).cleanup()
            with own_sessions(database_url) as sessions:
                report |= _reconcile_rows(runner, sessions, database_url)
        # The re-offers (solves) go to the solve queue; this pass only sends.
        report["reoffer"] = enqueue_reoffer(runner, database_url) if runner.redis is not None else None
    finally:
        runner.close()
    report["dispatch"] = dispatch(database_url, replan=runner.redis is None)
    return report


def _reconcile_rows(
    runner: jobqueue.Runner, sessions: sessionmaker[Session], database_url: str | None
) -> dict[str, list[int]]:
    assert runner.redis is not None
    clock = Clock()
    lost: list[int] = []
    requeued: list[int] = []
    with transaction(sessions) as session:
        rows = list(
            session.execute(
                select(Job.id, Job.status, Job.created_at)
                .where(Job.kind == ROSTER_KIND, Job.status.in_(ACTIVE))
            )
        )
    for job_id, status, created_at in rows:
        if RqJob.exists(jobqueue.rq_job_id(job_id), connection=runner.redis):
            continue
        if status is JobStatus.RUNNING:
            with transaction(sessions) as session:
                if mark_lost(session=session, job_id=job_id, reason="RQ job lost (Redis)", now=clock.now()):
                    lost.append(job_id)
        elif clock.now() - created_at > REQUEUE_AFTER:
            submit_roster_job(runner, job_id=job_id, database_url=database_url)
            requeued.append(job_id)
    return {"lost": lost, "requeued": requeued}


def enqueue_surge(runner: jobqueue.Runner, func: Callable[..., Any], **kwargs: Any) -> str | None:
    """Put a surge job (a call-out, its assignment) on the surge queue, which solves never hold up."""
    return runner.enqueue(jobqueue.SURGE, func, **kwargs)
