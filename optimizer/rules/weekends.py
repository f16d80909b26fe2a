"""Hard: a person works at most max_weekends weekends; a weekend counts if any of its days is worked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from optimizer.windows import weekend_days

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def weekends(m: RosterModel) -> None:
    weekends_of = weekend_days(m.problem)
    for person in m.problem.people:
        if person.max_weekends is None or person.id not in m.shifts_of:
            continue
        worked = []
        for week, days in weekends_of.items():
            lits = [w for w in (m.works(person.id, d) for d in days) if w is not None]
            if len(lits) == 1:
                worked.append(lits[0])
            elif lits:
                weekend = m.model.new_bool_var(f"weekend[{person.id}|{week}]")
                m.model.add_max_equality(weekend, lits)
                worked.append(weekend)
        if len(worked) > person.max_weekends:
            m.model.add(cp_model.LinearExpr.sum(worked) <= person.max_weekends)
