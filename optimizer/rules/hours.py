"""Hard: working minutes stay within each person's caps per day and per week, and between the
person's minimum and maximum over the whole horizon."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from optimizer.problem import Shift
from optimizer.windows import week_of

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def hours(m: RosterModel) -> None:
    for person in m.problem.people:
        shifts = m.shifts_of.get(person.id, [])
        by_day: dict[int, list[Shift]] = defaultdict(list)
        by_week: dict[int, list[Shift]] = defaultdict(list)
        for s in shifts:
            by_day[s.day].append(s)
            by_week[week_of(m.problem, s.day)].append(s)
        day_cap = m.day_cap(person)
        for day_shifts in by_day.values():
            if day_cap is not None and sum(s.minutes for s in day_shifts) > day_cap:
                m.model.add(m.load(person.id, day_shifts) <= day_cap)
                if m.at_most_one_a_day(person.id, day_shifts):
                    m.model.add_at_most_one(m.on(person.id, s.id) for s in day_shifts)
        week_cap = person.max_minutes_per_week
        for week_shifts in by_week.values():
            if week_cap is not None and sum(s.minutes for s in week_shifts) > week_cap:
                m.model.add(m.load(person.id, week_shifts) <= week_cap)
        top, bottom = person.max_minutes_total, person.min_minutes_total
        if top is not None and sum(s.minutes for s in shifts) > top:
            m.model.add(m.load(person.id) <= top)
        if bottom is not None and bottom > 0:
            m.model.add(m.load(person.id) >= bottom)
