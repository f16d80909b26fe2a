"""Soft: 人在格中走 — people keep to the grids they served recently; each shift elsewhere costs
weights.continuity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def continuity(m: RosterModel) -> None:
    for person in m.problem.people:
        if not person.recent_grids:
            continue
        away = [
            m.on(person.id, s.id)
            for s in m.shifts_of.get(person.id, [])
            if s.grid_id not in person.recent_grids
        ]
        if away:
            m.penalise(
                cp_model.LinearExpr.sum(away),
                m.problem.weights.continuity,
                kind="continuity",
                subject=person.id,
            )
