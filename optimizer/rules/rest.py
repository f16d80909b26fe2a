"""Hard: enough rest between two shifts (rules.min_rest_minutes), and no forbidden succession
(e.g. no morning shift the day after a night shift)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from optimizer.windows import conflict_cliques

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def rest(m: RosterModel) -> None:
    min_rest = m.problem.rules.min_rest_minutes
    forbidden: dict[str, set[str]] = defaultdict(set)  # first task type -> types not allowed next day
    for succession in m.problem.rules.forbidden_successions:
        forbidden[succession.first].add(succession.then)
    for person_id, shifts in m.shifts_of.items():
        if min_rest > 0:
            for clique in conflict_cliques(shifts, min_rest):
                if len(clique) > 1:
                    m.model.add_at_most_one(m.on(person_id, s.id) for s in clique)
        if not forbidden:
            continue
        types_on: dict[int, set[str]] = defaultdict(set)
        for s in shifts:
            types_on[s.day].add(s.task_type)
        for day in sorted(types_on):
            if day + 1 not in types_on:
                continue
            for first_type in sorted(types_on[day] & forbidden.keys()):
                thens = [
                    then
                    for t in sorted(forbidden[first_type] & types_on[day + 1])
                    if (then := m.works(person_id, day + 1, t)) is not None
                ]
                first = m.works(person_id, day, first_type)
                if first is None or not thens:
                    continue
                if len(thens) == 1:
                    m.model.add_bool_or([first.Not(), thens[0].Not()])
                else:
                    # One constraint per (day, first shift type) instead of one per forbidden pair:
                    # Curtois 24 has 461 forbidden pairs (25 million clauses, one per pair and day).
                    m.model.add_bool_and([then.Not() for then in thens]).only_enforce_if(first)
