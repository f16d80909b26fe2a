"""Hard: a confirmed assignment (Pin assigned=True) stays in the roster; declines have no variable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def pins(m: RosterModel) -> None:
    for pin in m.problem.pins:
        if pin.assigned:
            # validate() has made sure the person is eligible for some line of the shift.
            m.model.add(cp_model.LinearExpr.sum(m.lines(pin.person_id, pin.shift_id)) == 1)
