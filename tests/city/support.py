"""Rows for city tests: a tiny street with a queued roster job, a demo street for long solves."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from scheduler.db import transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.jobs.models import Job
from scheduler.rosters import jobs as roster_jobs
from scheduler.rosters.models import Roster
from tests.conftest import NOW, TODAY
from tests.scheduler.dbbuilders import WEEK, Street1


def tiny_street_job(sessions: sessionmaker[Session], *, seconds: float = 2.0) -> tuple[int, int]:
    """A street of four volunteers and three patrols, and a queued job for its week: (street, job)."""
    with transaction(sessions) as s:
        st = Street1(s)
        for name in ("甲", "乙", "丙", "丁"):
            st.person(name, windows=[("0123456", "08:00", "22:00")])
        for day in range(3):
            st.shift(day, "09:00", "11:00", demand=[(None, 2)])
        job = roster_jobs.start_generate_job(
            session=s, street_id=st.street.id, week_start=WEEK, now=NOW, actor="test", seconds=seconds
        )
        return st.street.id, job.id


def demo_street_job(sessions: sessionmaker[Session], *, people: int, seconds: float) -> tuple[int, int]:
    """A demo street big enough that its solve runs for ``seconds``, and a queued job for it."""
    with transaction(sessions) as s:
        size = DemoSize(people, max(1, people // 20), 7)
        street_id = seed_demo(session=s, size=size, today=TODAY).street_id
        job = roster_jobs.start_generate_job(
            session=s, street_id=street_id, week_start=WEEK, now=NOW, actor="test", seconds=seconds
        )
        return street_id, job.id


def job_row(sessions: sessionmaker[Session], job_id: int) -> Job:
    with sessions() as s:
        job = s.get(Job, job_id)
        assert job is not None
        s.expunge(job)
        return job


def roster_count(sessions: sessionmaker[Session], street_id: int) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Roster).where(Roster.street_id == street_id)) or 0
