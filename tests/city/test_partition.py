"""Partitioned city solves: street parts, street-less people given to one street, the join checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from optimizer.params import SolveParams
from scheduler.city.partition import allocate, plan_city
from scheduler.city.quality import compare
from scheduler.city.seed import CitySize, seed_city
from scheduler.city.solve import run_city_solve
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.jobs.models import Job, JobStatus
from scheduler.jobs.queue import Runner
from scheduler.migrate import upgrade
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, Roster
from tests.conftest import NOW, TODAY
from tests.scheduler.dbbuilders import WEEK

SMALL = CitySize(streets=2, people_per_street=120, grids_per_street=6, district_share=0.05)


def test_street_less_people_are_shared_out_in_proportion_to_demand() -> None:
    given = allocate({1: 3000, 2: 1000, 3: 0}, list(range(100, 108)))
    assert {s: len(p) for s, p in given.items()} == {1: 6, 2: 2, 3: 0}
    assert sorted(p for ps in given.values() for p in ps) == list(range(100, 108))  # each exactly once
    assert allocate({1: 3000, 2: 1000, 3: 0}, list(range(107, 99, -1))) == given  # order does not matter
    assert allocate({}, [1, 2]) == {}


@pytest.fixture
def city(db_url: str) -> Iterator[tuple[sessionmaker[Session], str]]:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with transaction(sessions) as s:
        seed_city(session=s, size=SMALL, today=TODAY)
    try:
        yield sessions, db_url
    finally:
        engine.dispose()


City = tuple[sessionmaker[Session], str]


def test_the_plan_gives_each_street_less_person_to_one_street(city: City) -> None:
    sessions, _ = city
    with transaction(sessions) as s:
        plan = plan_city(session=s, week_start=WEEK)
        floaters = set(s.scalars(select(Person.id).where(Person.home_grid_id.is_(None))))
    assert len(plan.parts) == 2 and all(p.demand_minutes > 0 for p in plan.parts)
    assert set(plan.floaters) == floaters and len(floaters) == 12
    for part in plan.parts:
        assert set(plan.excluded(part.street_id)) == floaters - set(part.given)
    assert sorted(p for part in plan.parts for p in part.given) == sorted(floaters)


def test_a_city_solve_drafts_every_street_and_books_nobody_twice(city: City) -> None:
    sessions, url = city
    result = run_city_solve(
        sessions=sessions, runner=Runner(None), database_url=url, week_start=WEEK, now=NOW, seconds=2,
        solver_workers=1,
    )
    assert result.streets == 2 and len(result.roster_ids) == 2 and not result.failed
    assert result.double_bookings == 0 and 0 < result.filled <= result.required
    with sessions() as s:
        jobs = list(s.scalars(select(Job).where(Job.id.in_(result.job_ids))))
        assert {j.status for j in jobs} == {JobStatus.SUCCEEDED}
        floaters = set(s.scalars(select(Person.id).where(Person.home_grid_id.is_(None))))
        streets_of: dict[int, set[int]] = {}
        for person_id, street_id in s.execute(
            select(Assignment.person_id, Roster.street_id)
            .join(Roster)
            .where(Roster.id.in_(result.roster_ids))
        ):
            streets_of.setdefault(person_id, set()).add(street_id)
    # Street-less people work in at most one street; and some of them do work.
    assert all(len(streets_of.get(p, set())) <= 1 for p in floaters)
    assert any(p in streets_of for p in floaters)


def test_quality_cost_is_measured_and_the_partitioned_week_breaks_no_rule(city: City) -> None:
    sessions, _ = city
    with transaction(sessions) as s:
        out = compare(session=s, week_start=WEEK, params=SolveParams(seconds=1, workers=1))
    assert out["streets"] == 2 and out["street_less_people"] == 12
    assert out["partitioned"]["violations"] == 0 and out["whole"]["violations"] == 0
    assert out["partitioned"]["filled"] <= out["required"]
    assert out["cost"]["objective"] == out["partitioned"]["objective"] - out["whole"]["objective"]
