"""Who may fill which demand line: README "eligibility", one definition for builder.py and explain.py."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterator

from optimizer.problem import Person, Problem, Shift
from optimizer.windows import overlaps

Triple = tuple[Person, Shift, int]  # (person, shift, demand line) the person may fill


class Barrier(enum.StrEnum):
    """The first check a (person, shift, line) fails, in the order explain.py reports them."""

    SKILL = "skill"  # lacks the line's skill (or its certificate has expired by the shift)
    FITNESS = "fitness"  # territory / no_night / no_heavy / type cap 0 / declined by a pin
    TIME = "time"  # outside every availability window, or an absence overlaps the shift


def declined_pairs(problem: Problem) -> frozenset[tuple[str, str]]:
    return frozenset((pin.person_id, pin.shift_id) for pin in problem.pins if not pin.assigned)


def territory_ok(person: Person, shift: Shift, skill: str | None) -> bool:
    """People serve the communities they belong to (None: anywhere), and their street-wide skills
    anywhere."""
    return serves(person, shift.community_id, skill)


def serves(person: Person, community_id: str | None, skill: str | None) -> bool:
    return (
        person.communities is None
        or community_id is None
        or community_id in person.communities
        or (skill is not None and skill in person.street_wide_skills)
    )


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
    if not fitness_ok(person, shift, declined) or not territory_ok(person, shift, skill):
        return Barrier.FITNESS
    if not time_ok(person, shift):
        return Barrier.TIME
    return None


def may_fill(person: Person, shift: Shift, declined: frozenset[tuple[str, str]]) -> bool:
    """Whether ``person`` may fill some line of ``shift``."""
    return any(barrier(person, shift, d, declined) is None for d in range(len(shift.demands)))


def eligible_triples(problem: Problem) -> Iterator[tuple[Person, Shift, int]]:
    """Every eligible (person, shift, line), the same set as ``barrier(...) is None``, found fast:
    lines are grouped by the skill they need and the community they are in, and sorted by start,
    so each person only looks at the groups of skills they hold in the communities they serve
    (territory) and, by bisection, at the shifts inside their availability. (A street of 3,000
    people and 2,942 shifts: 3.3 million candidate lines without the community grouping.)"""
    declined = declined_pairs(problem)
    groups: dict[tuple[str | None, str | None], list[tuple[int, str, Shift, int]]] = {}
    for shift in problem.shifts:
        for line, demand in enumerate(shift.demands):
            groups.setdefault((demand.skill, shift.community_id), []).append(
                (shift.start, shift.id, shift, line)
            )
    starts: dict[tuple[str | None, str | None], list[int]] = {}
    communities_of: dict[str | None, list[str | None]] = {}
    for key, lines in groups.items():
        lines.sort(key=lambda item: (item[0], item[1], item[3]))
        starts[key] = [item[0] for item in lines]
        communities_of.setdefault(key[0], []).append(key[1])
    for person in problem.people:
        found: list[tuple[int, str, Shift, int]] = []
        for skill in {None, *(k.name for k in person.skills)} & communities_of.keys():
            for community in communities_of[skill]:
                if not serves(person, community, skill):
                    continue
                lines, at = groups[skill, community], starts[skill, community]
                if person.available is None:
                    candidates = lines
                else:
                    candidates = [
                        item
                        for w in person.available
                        for item in lines[bisect.bisect_left(at, w.start) : bisect.bisect_left(at, w.end)]
                        if item[2].end <= w.end
                    ]
                found.extend(
                    item for item in candidates if skill is None or person.skill_valid(skill, item[0])
                )
        fit: dict[str, bool] = {}
        for _, shift_id, shift, line in sorted(set(found), key=lambda item: (item[0], item[1], item[3])):
            if shift_id not in fit:
                fit[shift_id] = fitness_ok(person, shift, declined) and not any(
                    overlaps(a.start, a.end, shift.start, shift.end) for a in person.absences
                )
            if fit[shift_id] and territory_ok(person, shift, shift.demands[line].skill):
                yield person, shift, line
