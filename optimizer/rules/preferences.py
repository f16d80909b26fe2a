"""Soft: wishes — a wanted shift (or day) not worked, or each unwanted one worked, costs
request.weight × weights.preference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.problem import Request, Shift

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def matches(request: Request, shift: Shift) -> bool:
    if request.shift_id is not None:
        return shift.id == request.shift_id
    return shift.day == request.day and (request.task_type is None or shift.task_type == request.task_type)


def preferences(m: RosterModel) -> None:
    for index, request in enumerate(m.problem.requests):
        weight = request.weight * m.problem.weights.preference
        subject = str(index)
        if request.shift_id is not None:
            shift = m.shifts.get(request.shift_id)
            candidates = [shift] if shift is not None and (request.person_id, shift.id) in m.lines_of else []
        elif request.day is not None:
            candidates = m.day_shifts_of.get((request.person_id, request.day), [])
        else:
            candidates = []
        lits = [m.on(request.person_id, s.id) for s in candidates if matches(request, s)]
        if not request.wanted:
            m.penalise(cp_model.LinearExpr.sum(lits), weight, kind="preference", subject=subject)
        elif not lits:
            m.penalise(1, weight, kind="preference", subject=subject)
        elif len(lits) == 1:
            m.penalise(1 - lits[0], weight, kind="preference", subject=subject)
        elif weight != 0:
            missed = m.model.new_bool_var(f"wish_missed[{index}|{request.person_id}]")
            m.model.add_bool_or([*lits, missed])
            for lit in lits:
                m.model.add_implication(lit, missed.Not())
            m.penalise(missed, weight, kind="preference", subject=subject)
