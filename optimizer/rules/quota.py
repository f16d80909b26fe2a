"""Soft: 双报到双服务 — each started hour still owed of a person's service quota costs
weights.quota_per_hour."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def quota(m: RosterModel) -> None:
    weight = m.problem.weights.quota_per_hour
    for person in m.problem.people:
        due = person.quota_minutes_due
        if due <= 0 or weight == 0:
            continue
        most = sum(s.minutes for s in m.shifts_of.get(person.id, []))
        owed = due - m.load(person.id)
        hours = m.hours_up(owed, due - most, due, f"quota_owed[{person.id}]")
        m.penalise(hours, weight, kind="quota", subject=person.id)
