"""Hard: a demand line gets at most count + rules.max_extra_heads people (None: no cap)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def staffing_cap(m: RosterModel) -> None:
    extra = m.problem.rules.max_extra_heads
    if extra is None:
        return
    for shift in m.problem.shifts:
        for line, demand in enumerate(shift.demands):
            people = m.people_on_line.get((shift.id, line), [])
            if len(people) > demand.count + extra:
                m.model.add(
                    cp_model.LinearExpr.sum([m.x[p, shift.id, line] for p in people]) <= demand.count + extra
                )
