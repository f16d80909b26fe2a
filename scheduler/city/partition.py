"""Split a city's (or a district's) week into street parts that can be solved apart and joined.

Parts: one per street. A person with a home grid serves only their home street (人在格中走), so
street parts share nobody; inside a street the optimizer splits again by community wherever
people do not cross (optimizer/decompose.py). The people who *do* cross streets are those without
a home grid (district professionals, in-service members whose work unit reports to the district):
every street's problem would offer them, and solved apart two streets could book one of them at
the same hour or past their weekly hours.

Rule: each of them is given to exactly one street for the week, up front, in proportion to the
streets' demand (minutes × heads), by the D'Hondt method in id order (same data, same split). A
person is then in one part only, so the joined roster cannot double-book them or break their
weekly limit, and every part can run at once. The cost: nobody serves two streets in one week;
scheduler/city/quality.py measures it against one solve of the whole city.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.clock import local_zone
from scheduler.errors import NotFound
from scheduler.people.models import Person
from scheduler.rosters.planning import Horizon, street_shifts
from scheduler.rosters.service import stamp_week
from scheduler.territory.models import Street


@dataclass
class StreetPart:
    street_id: int
    demand_minutes: int
    given: list[int] = field(default_factory=list)  # street-less people solved with this street


@dataclass
class CityPlan:
    week_start: date
    parts: list[StreetPart]
    floaters: list[int]

    def excluded(self, street_id: int) -> list[int]:
        """The street-less people another street has this week."""
        mine = next(p for p in self.parts if p.street_id == street_id).given
        return sorted(set(self.floaters) - set(mine))


def city_streets(*, session: Session, district_id: int | None = None) -> list[int]:
    stmt = select(Street.id).order_by(Street.id)
    if district_id is not None:
        stmt = stmt.where(Street.district_id == district_id)
    ids = list(session.scalars(stmt))
    if not ids:
        raise NotFound("no_streets", "没有可排班的街道", "no streets to roster")
    return ids


def allocate(demand: dict[int, int], people: list[int]) -> dict[int, list[int]]:
    """Give each person to one street, in proportion to demand (D'Hondt; ties to the lower id)."""
    given: dict[int, list[int]] = {s: [] for s in demand}
    if not demand:
        return given
    for person in sorted(people):
        street = max(sorted(demand), key=lambda s: demand[s] / (len(given[s]) + 1))
        given[street].append(person)
    return given


def plan_city(*, session: Session, week_start: date, district_id: int | None = None) -> CityPlan:
    """Stamp every street's week and split the street-less people between the streets."""
    horizon = Horizon(week_start, local_zone())
    demand: dict[int, int] = {}
    for street_id in city_streets(session=session, district_id=district_id):
        stamp_week(session=session, street_id=street_id, week_start=week_start)
        shifts = street_shifts(session=session, street_id=street_id, horizon=horizon)
        demand[street_id] = sum(
            int((s.ends_at - s.starts_at).total_seconds() // 60) * s.headcount for s in shifts
        )
    floaters = list(
        session.scalars(select(Person.id).where(Person.active.is_(True), Person.home_grid_id.is_(None)))
    )
    given = allocate(demand, floaters)
    parts = [StreetPart(s, demand[s], given[s]) for s in sorted(demand)]
    return CityPlan(week_start, parts, sorted(floaters))
