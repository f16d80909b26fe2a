"""Roster generation as a job: a row with status, progress as it improves, a stop flag, and the result.

The same ``run_generate_job`` runs in the web process's worker thread (the embedded default) or in
a queue worker: it takes ids, opens its own sessions and commits its own progress, so any web
process can show the progress bar and press stop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from optimizer.solution import Progress
from scheduler.clock import Clock
from scheduler.errors import Conflict, NotFound
from scheduler.jobs.models import Job, JobStatus
from scheduler.rosters import service as rosters

log = logging.getLogger(__name__)
KIND = "roster.generate"
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
STOP_POLL_SECONDS = 0.5
STALE_AFTER = timedelta(hours=1)


def job_seconds(job: Job) -> float | None:
    """The job's time limit; None: by the street's size. (Jobs queued before the limit could be
    None have a number or, the oldest, none: 10 s.)"""
    raw = job.params.get("seconds", 10)
    return None if raw is None else float(raw)


def start_generate_job(
    *,
    session: Session,
    street_id: int,
    week_start: date,
    now: datetime,
    actor: str,
    seconds: float | None,
) -> Job:
    """Queue one generation for a street's week; refuse a second while one is queued or running.
    ``seconds`` None: the time limit goes by the street's size (SolveParams.time_limit)."""
    rosters.get_street(session=session, street_id=street_id)
    # A job older than STALE_AFTER died with its process: it must not block the street for ever.
    running = session.scalar(
        select(Job)
        .where(Job.kind == KIND, Job.status.in_(ACTIVE), Job.created_at > now - STALE_AFTER)
        .where(Job.params["street_id"].as_integer() == street_id)
    )
    if running is not None:
        raise Conflict(
            "job_running",
            "这个街道已有一个排班任务在运行，请等它结束或先停止它",
            "a roster is already being generated for this street; wait or stop it first",
        )
    job = Job(
        kind=KIND,
        status=JobStatus.QUEUED,
        created_at=now,
        created_by=actor,
        params={"street_id": street_id, "week_start": week_start.isoformat(), "seconds": seconds},
        progress={},
        result={},
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or job.kind != KIND:
        raise NotFound("job_not_found", "找不到这个排班任务", "no such job")
    return job


def request_stop(*, session: Session, job_id: int) -> Job:
    """Ask the solve to stop; it keeps the best roster found so far."""
    job = get_job(session=session, job_id=job_id)
    if job.status in ACTIVE:
        job.stop_requested = True
        session.flush()
    return job


def run_generate_job(
    *,
    sessions: Callable[[], Session],
    job_id: int,
    clock: Clock,
    params: SolveParams | None = None,
    watch_stop: bool = True,
) -> None:
    """Run one queued job to the end: progress committed as it improves, the roster stored as a draft.

    ``watch_stop`` polls the stop flag from a second thread; turn it off only where sessions share one
    connection (tests running the job inline), which must not be used from two threads.
    """
    with sessions() as s, s.begin():
        job = get_job(session=s, job_id=job_id)
        if job.status is not JobStatus.QUEUED:
            return
        job.status, job.started_at = JobStatus.RUNNING, clock.now()
        street_id = int(job.params["street_id"])
        week_start = date.fromisoformat(job.params["week_start"])
        seconds = job_seconds(job)
        exclude_people = frozenset(int(p) for p in job.params.get("exclude_people", ()))
        actor = job.created_by
    stop = threading.Event()
    done = threading.Event()
    watcher = threading.Thread(target=_watch_stop, args=(sessions, job_id, stop, done), daemon=True)
    if watch_stop:
        watcher.start()

    def on_progress(p: Progress) -> None:
        _save_progress(
            sessions,
            job_id,
            {
                "objective": p.objective,
                "bound": p.bound,
                "gap": p.gap,
                "seconds": round(p.seconds, 1),
                "solutions": p.solutions,
                "limit": round(p.limit, 1),
            },
        )

    try:
        # Stamp the week in its own short transaction first. Why: SQLite allows one writer, and a
        # transaction that wrote before the solve would hold the lock for the whole solve, so the
        # progress updates (and every coordinator's save) would wait and fail with "database is locked".
        with sessions() as s, s.begin():
            rosters.stamp_week(session=s, street_id=street_id, week_start=week_start)
        with sessions() as s, s.begin():
            roster = rosters.generate_roster(
                session=s,
                street_id=street_id,
                week_start=week_start,
                now=clock.now(),
                params=params or SolveParams(seconds=seconds),
                actor=actor,
                on_progress=on_progress,
                stop=stop,
                exclude_people=exclude_people,
            )
            result = {
                "roster_id": roster.id,
                "filled": roster.filled,
                "required": roster.required,
                "unmet": len(roster.unmet),
                "objective": roster.objective,
                "bound": roster.bound,
                "gap": roster.gap,
                "solve_status": roster.solve_status,
                "stopped": stop.is_set(),
            }
    except Exception as exc:  # a failed solve must end its job, or the street stays blocked
        _finish(sessions, job_id, JobStatus.FAILED, clock, error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    finally:
        done.set()
        if watcher.is_alive():
            # Its connection must be back in the pool before the caller may dispose of the engine.
            watcher.join()
    status = JobStatus.CANCELLED if result["stopped"] else JobStatus.SUCCEEDED
    _finish(sessions, job_id, status, clock, result=result)


def _save_progress(sessions: Callable[[], Session], job_id: int, progress: dict[str, Any]) -> None:
    """Best effort: a progress row that cannot be written now must not abort the solve."""
    try:
        with sessions() as s, s.begin():
            s.execute(update(Job).where(Job.id == job_id).values(progress=progress))
    except OperationalError:
        log.warning("job %s: progress not saved (database busy)", job_id, exc_info=True)


def _finish(
    sessions: Callable[[], Session],
    job_id: int,
    status: JobStatus,
    clock: Clock,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    with sessions() as s, s.begin():
        values: dict[str, Any] = {"status": status, "finished_at": clock.now(), "error": error}
        if result is not None:
            values["result"] = result
        s.execute(update(Job).where(Job.id == job_id).values(**values))


def _watch_stop(
    sessions: Callable[[], Session], job_id: int, stop: threading.Event, done: threading.Event
) -> None:
    """Poll the stop flag: the stop button may be pressed in another process than the one solving."""
    while not done.wait(STOP_POLL_SECONDS):
        with sessions() as s:
            if s.scalar(select(Job.stop_requested).where(Job.id == job_id)):
                stop.set()
                return
