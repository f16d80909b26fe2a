"""Soft: reliable people first on high-risk and emergency shifts — each such shift costs the
person's no-show rate (per mille) × weights.reliability."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.problem import Priority

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def reliability(m: RosterModel) -> None:
    for person in m.problem.people:
        if person.no_show_permille == 0:
            continue
        critical = [
            m.on(person.id, s.id) for s in m.shifts_of.get(person.id, []) if s.priority >= Priority.HIGH_RISK
        ]
        if critical:
            m.penalise(
                person.no_show_permille * cp_model.LinearExpr.sum(critical),
                m.problem.weights.reliability,
                kind="reliability",
                subject=person.id,
            )
