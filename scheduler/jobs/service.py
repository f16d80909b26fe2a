"""The job row as the truth about a background job, whichever process runs it (no commits here).

A job whose process died (an RQ work-horse killed, a worker lost with its machine) is marked failed
and *retryable*: nothing of it was stored, because a roster is written in one transaction that died
with the process, so running it again is safe. Every change is a conditional UPDATE, so two
processes that race (a worker's failure hook and the sweep) change a row once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from scheduler.jobs.models import Job, JobStatus

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
TERMINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
LOST = "worker_lost"


def is_retryable(job: Job) -> bool:
    return job.status is JobStatus.FAILED and bool(job.result.get("retryable"))


def mark_lost(*, session: Session, job_id: int, reason: str, now: datetime) -> bool:
    """A queued or running job's process is gone: failed, retryable. False if it had ended already."""
    stmt = (
        update(Job)
        .where(Job.id == job_id, Job.status.in_(ACTIVE))
        .values(
            status=JobStatus.FAILED,
            finished_at=now,
            error=f"{LOST}: {reason}"[:2000],
            result={"retryable": True},
        )
        .execution_options(synchronize_session=False)
    )
    rowcount: int = session.execute(stmt).rowcount  # type: ignore[attr-defined]
    return rowcount == 1


def reopen(*, session: Session, job_id: int, params: dict[str, Any] | None = None) -> bool:
    """Queue a retryable failed job again (optionally with changed parameters); False otherwise."""
    job = session.get(Job, job_id, with_for_update=True, populate_existing=True)
    if job is None or not is_retryable(job):
        return False
    values: dict[str, Any] = {
        "status": JobStatus.QUEUED,
        "error": None,
        "result": {},
        "progress": {},
        "started_at": None,
        "finished_at": None,
        "stop_requested": False,
        "params": {**job.params, **(params or {}), "attempt": int(job.params.get("attempt", 1)) + 1},
    }
    session.execute(
        update(Job).where(Job.id == job_id).values(**values).execution_options(synchronize_session=False)
    )
    session.expire(job)
    return True
