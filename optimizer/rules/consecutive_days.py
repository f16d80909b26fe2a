"""Hard: runs of working days at most max_consecutive_days long; inner runs of working days at
least min_consecutive_days and inner runs of days off at least min_consecutive_days_off long."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from optimizer.windows import day_windows, inner_blocks

if TYPE_CHECKING:
    from optimizer.builder import RosterModel


def consecutive_days(m: RosterModel) -> None:
    horizon = m.problem.horizon_days
    for person in m.problem.people:
        if person.id not in m.shifts_of:
            continue
        if person.max_consecutive_days is not None:
            for window in day_windows(horizon, person.max_consecutive_days + 1):
                _forbid(m, person.id, worked=window, off=())
        if person.min_consecutive_days is not None:
            for before, block, after in inner_blocks(horizon, person.min_consecutive_days):
                _forbid(m, person.id, worked=block, off=(before, after))
        if person.min_consecutive_days_off is not None:
            for before, block, after in inner_blocks(horizon, person.min_consecutive_days_off):
                _forbid(m, person.id, worked=(before, after), off=block)


def _forbid(m: RosterModel, person_id: str, *, worked: Iterable[int], off: Iterable[int]) -> None:
    """Forbid the pattern "works every day of ``worked`` and none of ``off``" as one clause.

    A day the person can never work makes a ``worked`` day impossible (no clause needed) and an
    ``off`` day certain (its literal drops out)."""
    clause = []
    for day in worked:
        works = m.works(person_id, day)
        if works is None:
            return
        clause.append(works.Not())
    for day in off:
        works = m.works(person_id, day)
        if works is not None:
            clause.append(works)
    m.model.add_bool_or(clause)
