"""Where background jobs run: RQ queues over Redis (city scale), or this process (the embedded default).

The choice is configuration: with GRIDROSTER_REDIS_URL set a job function is enqueued on its queue
and a `gridroster worker` runs it in a forked work-horse; without it the same function runs here
and now. Solves, surge calls, notifications and ledgers have queues of their own, so a long solve
never delays an SMS or a call-out. Job functions take plain arguments (ids, URLs) and open their own
database sessions; what they did is stored in the database (the job row, the outbox), never only
in Redis, so losing Redis loses no work (see tasks.sweep).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from redis import Redis
from rq import Callback, Queue, Retry, Worker
from rq.job import Job as RqJob

from scheduler.clock import Clock
from scheduler.db import own_sessions, transaction
from scheduler.jobs.service import mark_lost

log = logging.getLogger(__name__)

SOLVE, SURGE, NOTIFY, LEDGER = "solve", "surge", "notify", "ledger"
QUEUES = (SOLVE, SURGE, NOTIFY, LEDGER)
# How long RQ keeps a failed job in its FailedJobRegistry (for `rq info`, requeue and the sweep).
FAILURE_TTL = 7 * 24 * 3600
RESULT_TTL = 24 * 3600


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """``timeout``: RQ's hard limit, after which the work-horse is killed (solves also have their
    own time limit well below it). ``retries``: RQ Retry attempts after a failure or a lost worker."""

    timeout: int
    retries: int = 0
    retry_interval: int = 0


POLICIES: Mapping[str, QueuePolicy] = {
    # A solve whose work-horse died is left failed-and-retryable and retried on request
    # (retry_job): what killed it (memory) would likely kill an automatic retry too.
    SOLVE: QueuePolicy(timeout=2 * 3600),
    SURGE: QueuePolicy(timeout=600, retries=2, retry_interval=5),
    NOTIFY: QueuePolicy(timeout=900, retries=3, retry_interval=30),
    LEDGER: QueuePolicy(timeout=1800, retries=2, retry_interval=60),
}


def redis_url_from_env(env: Mapping[str, str] = os.environ) -> str | None:
    return env.get("GRIDROSTER_REDIS_URL") or None


def rq_job_id(db_job: int) -> str:
    """The RQ job of a job row has a fixed id, so a retry or a sweep finds it again."""
    return f"gridroster-job-{db_job}"


class Runner:
    """Enqueue job functions: on RQ when a Redis URL is given, else run them in this process."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.redis: Redis | None = Redis.from_url(redis_url) if redis_url else None

    @property
    def distributed(self) -> bool:
        return self.redis is not None

    def queue(self, name: str) -> Queue:
        if name not in POLICIES:
            raise ValueError(f"unknown queue {name!r}; queues: {', '.join(QUEUES)}")
        if self.redis is None:
            raise RuntimeError("no Redis configured (GRIDROSTER_REDIS_URL)")
        return Queue(name, connection=self.redis)

    def enqueue(
        self,
        queue: str,
        func: Callable[..., Any],
        *,
        db_job: int | None = None,
        rq_id: str | None = None,
        timeout: int | None = None,
        **kwargs: Any,
    ) -> str | None:
        """Run ``func(**kwargs)`` on ``queue``; returns the RQ job id (None when it ran in-process).
        The RQ job id is fixed for a job row (``db_job``) or given (``rq_id``), else RQ's own."""
        policy = POLICIES.get(queue)
        if policy is None:
            raise ValueError(f"unknown queue {queue!r}; queues: {', '.join(QUEUES)}")
        if self.redis is None:
            func(**kwargs)
            return None
        job = self.queue(queue).enqueue_call(
            func,
            kwargs=kwargs,
            timeout=timeout or policy.timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            job_id=rq_job_id(db_job) if db_job is not None else rq_id,
            meta={"db_job": db_job} if db_job is not None else {},
            retry=Retry(max=policy.retries, interval=policy.retry_interval) if policy.retries else None,
            on_failure=Callback(on_failure),
        )
        return job.id

    def close(self) -> None:
        if self.redis is not None:
            self.redis.close()


def make_worker(redis_url: str, queues: list[str], *, name: str | None = None) -> Worker:
    """An RQ worker (one forked work-horse per job) that marks the job row of a killed horse."""
    for q in queues:
        if q not in POLICIES:
            raise ValueError(f"unknown queue {q!r}; queues: {', '.join(QUEUES)}")
    connection = Redis.from_url(redis_url)
    return Worker(
        [Queue(q, connection=connection) for q in queues],
        connection=connection,
        name=name,
        work_horse_killed_handler=on_horse_killed,
    )


def on_horse_killed(job: RqJob, retpid: int, ret_val: int, rusage: Any) -> None:
    """The worker saw its work-horse die (killed, out of memory): the job row becomes retryable.

    RQ calls this before it moves the job to its FailedJobRegistry (or retries it).
    """
    _mark_row_lost(job, f"work-horse {retpid} ended with status {ret_val}")


def on_failure(
    job: RqJob,
    connection: Redis,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    tb: TracebackType | None,
) -> None:
    """RQ's failure callback: after an exception (the job already wrote its row as failed: no change)
    and for a job abandoned by a dead worker (StartedJobRegistry cleanup): the row becomes retryable."""
    _mark_row_lost(job, f"{exc_type.__name__ if exc_type else 'failure'} in RQ job {job.id}")


def _mark_row_lost(job: RqJob, reason: str) -> None:
    db_job = (job.meta or {}).get("db_job")
    if db_job is None:
        return
    with own_sessions(job.kwargs.get("database_url")) as sessions, transaction(sessions) as session:
        if mark_lost(session=session, job_id=int(db_job), reason=reason, now=Clock().now()):
            log.warning("job %s: %s; marked failed and retryable", db_job, reason)
