"""Soft: fair rotation (轮值) within a category — each started hour above the person's fair share
of this horizon costs weights.fairness_per_hour."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def fairness(m: RosterModel) -> None:
    weight = m.problem.weights.fairness_per_hour
    for person in m.problem.people:
        if person.fair_share_minutes is None or weight == 0:
            continue
        most = sum(s.minutes for s in m.shifts_of.get(person.id, []))
        above = m.load(person.id) - person.fair_share_minutes
        hours = m.hours_up(
            above, -person.fair_share_minutes, most - person.fair_share_minutes, f"above_fair[{person.id}]"
        )
        m.penalise(hours, weight, kind="fairness", subject=person.id)
