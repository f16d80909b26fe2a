"""Hard: 一人一岗 — nobody is in two places at once: no overlapping shifts, one line per shift."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.windows import conflict_cliques

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def one_place_at_a_time(m: RosterModel) -> None:
    for person_id, shifts in m.shifts_of.items():
        # Each maximal clique of overlapping shifts is one at-most-one over all their lines; a
        # lone shift still needs it when the person could fill several of its lines.
        for clique in conflict_cliques(shifts, 0):
            lits = [x for s in clique for x in m.lines(person_id, s.id)]
            if len(lits) > 1:
                m.model.add_at_most_one(lits)
