"""Small builders of database rows for scheduler tests (a fixed tiny street)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from scheduler.availability.models import WeeklyWindow
from scheduler.clock import local_zone
from scheduler.people.models import Category, Person, PersonSkill
from scheduler.reference import ensure_reference_data, skills_by_code, task_types_by_code
from scheduler.rosters.models import Priority, Shift, ShiftDemand
from scheduler.territory.models import Community, District, Grid, Street

WEEK = date(2026, 11, 30)  # Monday of 2026-W49


class Street1:
    """One street, two communities (A with grids A1, A2; B with grid B1)."""

    def __init__(self, session: Session) -> None:
        ensure_reference_data(session=session)
        self.session = session
        self.skills = skills_by_code(session=session)
        self.types = task_types_by_code(session=session)
        self.district = District(name="测试区")
        self.street = Street(name="测试街道", district=self.district)
        self.a = Community(name="甲社区", street=self.street)
        self.b = Community(name="乙社区", street=self.street)
        self.a1 = Grid(community=self.a, code="A1", name="甲一网格", households=400)
        self.a2 = Grid(community=self.a, code="A2", name="甲二网格", households=500)
        self.b1 = Grid(community=self.b, code="B1", name="乙一网格", households=300)
        session.add_all([self.district, self.street, self.a, self.b, self.a1, self.a2, self.b1])
        session.flush()
        self._phone = 13800000000

    def person(
        self,
        name: str,
        *,
        grid: Grid | None = None,
        category: Category = Category.VOLUNTEER,
        skills: dict[str, date | None] | None = None,
        windows: list[tuple[str, str, str]] | None = None,
        **fields: Any,
    ) -> Person:
        self._phone += 1
        p = Person(
            name=name,
            category=category,
            phone=f"+86{self._phone}",
            home_grid=grid if grid else self.a1,
            link_token=secrets.token_urlsafe(24),
            **fields,
        )
        for code, until in (skills or {}).items():
            p.skills.append(PersonSkill(skill=self.skills[code], valid_until=until))
        self.session.add(p)
        for days, start, end in windows or []:
            for d in days:
                self.session.add(WeeklyWindow(person=p, weekday=int(d), start=hm(start), end=hm(end)))
        self.session.flush()
        return p

    def shift(
        self,
        day: int,
        start: str,
        end: str,
        *,
        grid: Grid | None = None,
        task: str = "patrol",
        demand: list[tuple[str | None, int]] | None = None,
        priority: Priority = Priority.NORMAL,
        lead: bool = False,
    ) -> Shift:
        zone = local_zone()
        d = WEEK + timedelta(days=day)
        starts = datetime.combine(d, hm(start), zone)
        end_day = d if hm(end) > hm(start) else d + timedelta(days=1)
        s = Shift(
            grid=grid or self.a1,
            task_type=self.types[task],
            starts_at=starts,
            ends_at=datetime.combine(end_day, hm(end), zone),
            priority=priority,
            needs_party_lead=lead,
        )
        s.demands = [
            ShiftDemand(skill=self.skills[k] if k else None, count=n) for k, n in (demand or [(None, 1)])
        ]
        self.session.add(s)
        self.session.flush()
        return s


def hm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))
