"""Hard: at most max_shifts_of_type(t) shifts of each task type per person (e.g. 2 night patrols)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.problem import Shift

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def task_type_caps(m: RosterModel) -> None:
    for person in m.problem.people:
        of_type: dict[str, list[Shift]] = defaultdict(list)
        for s in m.shifts_of.get(person.id, []) if person.max_shifts_by_type else []:
            of_type[s.task_type].append(s)
        for task_type, cap in person.max_shifts_by_type:
            lits = [m.on(person.id, s.id) for s in of_type[task_type]]
            if len(lits) > cap:
                m.model.add(cp_model.LinearExpr.sum(lits) <= cap)
