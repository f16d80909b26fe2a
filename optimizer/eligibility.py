"""Who may fill which demand line: README "eligibility", one definition for builder.py and explain.py."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterator

from optimizer.problem import Person, Problem, Shift
from optimizer.windows import overlaps


class Barrier(enum.StrEnum):
    """The first check a (person, shift, line) fails, in the order explain.py reports them."""

    SKILL = "skill"  # lacks the line's skill (or its certificate has expired by the shift)
    FITNESS = "fitness"  # no_night / no_heavy / type cap 0 / declined by a pin
    TIME = "time"  # outside every availability window, or an absence overlaps the shift


def declined_pairs(problem: Problem) -> frozenset[tuple[str, str]]:
    return frozenset((pin.person_id, pin.shift_id) for pin in problem.pins if not pin.assigned)


def fitness_ok(person: Person, shift: Shift, declined: frozenset[tuple[str, str]]) -> bool:
    return not (
        (person.no_night and shift.night)
        or (person.no_heavy and shift.heavy)
        or person.max_shifts_of_type(shift.task_type) == 0
        or (person.id, shift.id) in declined
    )


def time_ok(person: Person, shift: Shift) -> bool:
    if person.available is not None and not any(w.contains(shift.start, shift.end) for w in person.available):
        return False
    return not any(overlaps(a.start, a.end, shift.start, shift.end) for a in person.absences)


def barrier(person: Person, shift: Shift, line: int, declined: frozenset[tuple[str, str]]) -> Barrier | None:
    """None when ``person`` may fill line ``line`` of ``shift``; otherwise the first failed check."""
    skill = shift.demands[line].skill
    if skill is not None and not person.skill_valid(skill, shift.start):
        return Barrier.SKILL
    if not fitness_ok(person, shift, declined):
        return Barrier.FITNESS
    if not time_ok(person, shift):
        return Barrier.TIME
    return None


def eligible_triples(problem: Problem) -> Iterator[tuple[Person, Shift, int]]:
    """Every eligible (person, shift, line), the same set as ``barrier(...) is None``, found fast:
    availability windows first select candidate shifts by start time (bisect), then the rest."""
    declined = declined_pairs(problem)
    ordered = sorted(problem.shifts, key=lambda s: (s.start, s.id))
    starts = [s.start for s in ordered]
    for person in problem.people:
        if person.available is None:
            candidates: list[Shift] = ordered
        else:
            seen: dict[str, Shift] = {}
            for w in person.available:
                for s in ordered[bisect.bisect_left(starts, w.start) : bisect.bisect_left(starts, w.end)]:
                    if s.end <= w.end:
                        seen[s.id] = s
            candidates = sorted(seen.values(), key=lambda s: (s.start, s.id))
        for shift in candidates:
            if not fitness_ok(person, shift, declined):
                continue
            if any(overlaps(a.start, a.end, shift.start, shift.end) for a in person.absences):
                continue
            for line, demand in enumerate(shift.demands):
                if demand.skill is None or person.skill_valid(demand.skill, shift.start):
                    yield person, shift, line
