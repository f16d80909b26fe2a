"""Hard: enough rest between two shifts (rules.min_rest_minutes), and no forbidden succession
(e.g. no morning shift the day after a night shift)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.windows import conflict_cliques

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def rest(m: RosterModel) -> None:
    min_rest = m.problem.rules.min_rest_minutes
    for person_id, shifts in m.shifts_of.items():
        if min_rest > 0:
            for clique in conflict_cliques(shifts, min_rest):
                if len(clique) > 1:
                    m.model.add_at_most_one(m.on(person_id, s.id) for s in clique)
        days = sorted({s.day for s in shifts})
        for succession in m.problem.rules.forbidden_successions:
            for day in days:
                first = m.works(person_id, day, succession.first)
                then = m.works(person_id, day + 1, succession.then)
                if first is not None and then is not None:
                    m.model.add_bool_or([first.Not(), then.Not()])
