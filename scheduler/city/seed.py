"""A demo city: several demo streets in one district, plus district-wide people who serve any street.

Each street is the demo generator's street (scheduler/demo), renamed so names, grid codes and phone
numbers stay unique across the city. The district-wide people have no home grid: doctors and nurses
of the district hospital and in-service party members whose work unit reports to the district
(双报到). They are the people a partitioned solve must not book in two streets at once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.availability.models import WeeklyWindow
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.people.models import Category, Person, PersonSkill
from scheduler.reference import skills_by_code
from scheduler.territory.models import Community, District, Grid, Street

# Not one of the demo generator's mobile prefixes, so renumbered phones never meet generated ones.
CITY_PREFIX = "+86198"


@dataclass(frozen=True)
class CitySize:
    streets: int = 20
    people_per_street: int = 3000
    grids_per_street: int = 150
    district_share: float = 0.01  # district-wide people, as a share of all street people
    seed: int = 1


@dataclass(frozen=True)
class CitySummary:
    district_id: int
    street_ids: tuple[int, ...]
    people: int
    district_people: int


def seed_city(*, session: Session, size: CitySize, today: date) -> CitySummary:
    """Seed the city (same size and seed, same data, link tokens excepted)."""
    district = District(name="盘龙区")  # not "五华区": each demo street makes (and we drop) that one
    session.add(district)
    session.flush()
    street_ids: list[int] = []
    people = 0
    for k in range(1, size.streets + 1):
        s = seed_demo(
            session=session,
            size=DemoSize(size.people_per_street, size.grids_per_street, size.seed * 1000 + k),
            today=today,
        )
        _adopt(session, district, s.street_id, s.district_id, k)
        street_ids.append(s.street_id)
        people += s.people
    floaters = _district_people(session, round(people * size.district_share), size.seed, today)
    session.flush()
    return CitySummary(district.id, tuple(street_ids), people + floaters, floaters)


def _adopt(session: Session, district: District, street_id: int, own_district_id: int, k: int) -> None:
    """Move the demo street into the city's district and make its names, codes and phones unique."""
    street = session.get(Street, street_id)
    assert street is not None
    street.district = district
    street.name = f"第{k}街道"
    session.flush()
    own = session.get(District, own_district_id)
    if own is not None:
        session.delete(own)
    grids = list(session.scalars(select(Grid).join(Community).where(Community.street_id == street_id)))
    for grid in grids:
        grid.code = f"S{k:03d}-{grid.code}"
    members = session.scalars(
        select(Person).where(Person.home_grid_id.in_([g.id for g in grids])).order_by(Person.id)
    )
    for i, person in enumerate(members):
        person.phone = f"{CITY_PREFIX}{k:03d}{i:05d}"
    session.flush()


def _district_people(session: Session, count: int, seed: int, today: date) -> int:
    rng = random.Random(seed)
    skills = skills_by_code(session=session)
    for i in range(count):
        professional = i % 3 == 0
        person = Person(
            name=f"区级人员{i + 1}",
            category=Category.PROFESSIONAL if professional else Category.PARTY_IN_SERVICE,
            phone=f"{CITY_PREFIX}000{i:05d}",
            home_grid=None,
            organisation="区人民医院" if professional else None,
            profession=("nurse", "doctor")[i % 2] if professional else None,
            work_unit=None if professional else "区直机关",
            max_hours_per_week=6,
            monthly_quota_hours=0 if professional else 4,
            experienced=True,
            birth_year=rng.randint(1970, 1998),
            link_token=secrets.token_urlsafe(24),
        )
        session.add(person)
        for day in (5, 6):
            session.add(WeeklyWindow(person=person, weekday=day, start=time(8, 0), end=time(18, 0)))
        session.add(WeeklyWindow(person=person, weekday=i % 5, start=time(18, 30), end=time(21, 30)))
        if professional:
            for code in (person.profession or "nurse", "sampling", "first_aid"):
                valid = today + timedelta(days=rng.randint(90, 900))
                person.skills.append(PersonSkill(skill=skills[code], valid_until=valid))
    return count
