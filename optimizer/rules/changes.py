"""Soft: minimal disruption when re-planning a published roster — each (person, shift) cell added
or removed costs weights.change."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def changes(m: RosterModel) -> None:
    if not m.problem.previous or m.problem.weights.change == 0:
        return
    before: dict[str, set[str]] = defaultdict(set)
    for person_id, shift_id in m.problem.previous:
        if shift_id in m.shifts:  # only shifts of this problem count
            before[person_id].add(shift_id)
    for person_id in sorted(set(before) | set(m.shifts_of)):
        was = before.get(person_id, set())
        possible = {s.id for s in m.shifts_of.get(person_id, [])}
        dropped_for_sure = len(was - possible)  # published cells the person can no longer fill
        cells = [(1 - m.on(person_id, s)) if s in was else m.on(person_id, s) for s in sorted(possible)]
        amount: cp_model.LinearExprT = (
            cp_model.LinearExpr.sum([*cells, dropped_for_sure]) if cells else dropped_for_sure
        )
        m.penalise(amount, m.problem.weights.change, kind="change", subject=person_id)
