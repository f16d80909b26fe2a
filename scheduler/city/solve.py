"""A partitioned city solve: one roster job per street on the solve queue, then the join.

Each part is an ordinary roster job row ("roster.generate", with the street-less people other
streets have in ``exclude_people``), so progress, stop and failure work as for one street, and
each street gets its own draft roster. The join waits on the job rows in the database (not on
Redis) and checks the joined week: nobody may be on two overlapping shifts of the city.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from optimizer.solution import gap
from scheduler.city.partition import plan_city
from scheduler.db import transaction
from scheduler.errors import DomainError
from scheduler.jobs.models import Job, JobStatus
from scheduler.jobs.queue import Runner
from scheduler.jobs.service import TERMINAL
from scheduler.jobs.tasks import submit_roster_job
from scheduler.rosters import jobs as roster_jobs
from scheduler.rosters.models import Assignment, Roster, Shift
from scheduler.rosters.planning import LIVE

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class CityResult:
    streets: int
    job_ids: tuple[int, ...]
    roster_ids: tuple[int, ...]
    failed: tuple[int, ...]  # job ids that did not finish with a roster
    filled: int
    required: int
    objective: int
    bound: int
    double_bookings: int
    seconds: float

    @property
    def gap(self) -> float:
        return gap(self.objective, self.bound)

    def as_dict(self) -> dict[str, Any]:
        return {
            "streets": self.streets,
            "jobs": list(self.job_ids),
            "rosters": list(self.roster_ids),
            "failed": list(self.failed),
            "filled": self.filled,
            "required": self.required,
            "objective": self.objective,
            "bound": self.bound,
            "gap": round(self.gap, 4),
            "double_bookings": self.double_bookings,
            "seconds": round(self.seconds, 1),
        }


def start_city_jobs(
    *,
    session: Session,
    week_start: date,
    now: datetime,
    seconds: float,
    actor: str = "system",
    district_id: int | None = None,
) -> list[int]:
    """Plan the split and queue one roster job row per street (not yet on a queue)."""
    plan = plan_city(session=session, week_start=week_start, district_id=district_id)
    ids = []
    for part in plan.parts:
        job = roster_jobs.start_generate_job(
            session=session,
            street_id=part.street_id,
            week_start=week_start,
            now=now,
            actor=actor,
            seconds=seconds,
        )
        job.params = {**job.params, "exclude_people": plan.excluded(part.street_id), "city": True}
        ids.append(job.id)
    session.flush()
    return ids


def run_city_solve(
    *,
    sessions: sessionmaker[Session],
    runner: Runner,
    database_url: str | None,
    week_start: date,
    now: datetime,
    seconds: float,
    solver_workers: int = 0,
    district_id: int | None = None,
    timeout: float | None = None,
) -> CityResult:
    """Split, enqueue every street, wait for all, join. Embedded (no Redis) the parts run one by one."""
    started = time.monotonic()
    with transaction(sessions) as session:
        job_ids = start_city_jobs(
            session=session, week_start=week_start, now=now, seconds=seconds, district_id=district_id
        )
    for job_id in job_ids:
        submit_roster_job(runner, job_id=job_id, database_url=database_url, solver_workers=solver_workers)
    wait_for(sessions, job_ids, timeout=timeout)
    return join(sessions, job_ids, seconds=time.monotonic() - started)


def wait_for(sessions: sessionmaker[Session], job_ids: list[int], *, timeout: float | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with sessions() as session:
            open_jobs = session.scalar(
                select(func.count()).select_from(Job).where(Job.id.in_(job_ids), Job.status.not_in(TERMINAL))
            )
        if not open_jobs:
            return
        if deadline is not None and time.monotonic() > deadline:
            raise DomainError(
                "city_timeout",
                f"城市排班未在 {timeout:.0f} 秒内完成（还有 {open_jobs} 个街道未完成）",
                f"the city solve did not finish within {timeout:.0f} s ({open_jobs} streets left)",
            )
        time.sleep(POLL_SECONDS)


def join(sessions: sessionmaker[Session], job_ids: list[int], *, seconds: float) -> CityResult:
    with transaction(sessions) as session:
        jobs = list(session.scalars(select(Job).where(Job.id.in_(job_ids)).order_by(Job.id)))
        done = [j for j in jobs if j.status in (JobStatus.SUCCEEDED, JobStatus.CANCELLED) and j.result]
        roster_ids = [int(j.result["roster_id"]) for j in done]
        rosters = list(session.scalars(select(Roster).where(Roster.id.in_(roster_ids))))
        return CityResult(
            streets=len(jobs),
            job_ids=tuple(job_ids),
            roster_ids=tuple(roster_ids),
            failed=tuple(j.id for j in jobs if j not in done),
            filled=sum(r.filled for r in rosters),
            required=sum(r.required for r in rosters),
            objective=sum(r.objective or 0 for r in rosters),
            bound=sum(r.bound or 0 for r in rosters),
            double_bookings=double_bookings(session=session, roster_ids=roster_ids),
            seconds=seconds,
        )


def double_bookings(*, session: Session, roster_ids: list[int]) -> int:
    """Pairs of live assignments of one person, in these rosters, whose shifts overlap in time."""
    a1, a2 = aliased(Assignment), aliased(Assignment)
    s1, s2 = aliased(Shift), aliased(Shift)
    stmt = (
        select(func.count())
        .select_from(a1)
        .join(a2, (a2.person_id == a1.person_id) & (a2.id > a1.id))
        .join(s1, s1.id == a1.shift_id)
        .join(s2, s2.id == a2.shift_id)
        .where(
            a1.roster_id.in_(roster_ids),
            a2.roster_id.in_(roster_ids),
            a1.status.in_(LIVE),
            a2.status.in_(LIVE),
            s1.starts_at < s2.ends_at,
            s2.starts_at < s1.ends_at,
        )
    )
    return int(session.scalar(stmt) or 0)
