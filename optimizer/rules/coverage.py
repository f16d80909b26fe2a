"""Soft: every demand line gets its count of people; each missing person costs the shift's
shortfall weight (by priority), each extra head the overstaff weight — never infeasible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def coverage(m: RosterModel) -> None:
    weights, cap = m.problem.weights, m.problem.rules.max_extra_heads
    for shift in m.problem.shifts:
        under = shift.under_points(weights)
        over = shift.over_points(weights)
        for line, demand in enumerate(shift.demands):
            people = m.people_on_line.get((shift.id, line), [])
            assigned = cp_model.LinearExpr.sum([m.x[p, shift.id, line] for p in people])
            most = len(people) if cap is None else min(len(people), demand.count + cap)
            tag = f"{shift.id}#{line}"
            missing = m.excess(demand.count - assigned, demand.count, f"missing[{tag}]")
            m.penalise(missing, under, kind="shortfall", subject=shift.id)
            if over != 0:
                m.penalise(
                    m.excess(assigned - demand.count, most - demand.count, f"extra[{tag}]"),
                    over,
                    kind="overstaff",
                    subject=shift.id,
                )
