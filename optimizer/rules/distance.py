"""Soft: serve close to home — a shift in one's own grid costs nothing, in one's community one
level, elsewhere in the street two levels (weights.distance_per_level each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.problem import Person, Shift

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def level(person: Person, shift: Shift) -> int:
    if shift.grid_id == person.home_grid:
        return 0
    # Literally as README says: equal communities (None == None included) are one level away.
    return 1 if shift.community_id == person.home_community else 2


def distance(m: RosterModel) -> None:
    for person in m.problem.people:
        if person.home_grid is None:
            continue
        away = [(s, n) for s in m.shifts_of.get(person.id, []) if (n := level(person, s))]
        if away:
            levels = cp_model.LinearExpr.weighted_sum(
                [m.on(person.id, s.id) for s, _ in away], [n for _, n in away]
            )
            m.penalise(levels, m.problem.weights.distance_per_level, kind="distance", subject=person.id)
