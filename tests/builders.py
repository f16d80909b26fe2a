"""Small builders for optimizer tests: person(...), shift(...), make_problem(...), fixed times."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from optimizer import TEST_PARAMS, Demand, Person, Problem, Shift, Skill, SolveParams, solve
from optimizer.solution import Solution

HOUR = 60
DAY = 24 * HOUR
# Minutes from the horizon start (Monday 00:00 unless a test says otherwise).
MON_06, MON_08, MON_12, MON_14, MON_16, MON_20, MON_22 = (h * HOUR for h in (6, 8, 12, 14, 16, 20, 22))
TUE_06, TUE_08, TUE_16 = DAY + 6 * HOUR, DAY + 8 * HOUR, DAY + 16 * HOUR


def person(person_id: str, *, skills: Iterable[str] = (), **fields: Any) -> Person:
    return Person(person_id, skills=tuple(Skill(name) for name in sorted(skills)), **fields)


def shift(
    shift_id: str,
    start: int = MON_08,
    end: int | None = None,
    *,
    demand: int = 1,
    skill: str | None = None,
    day: int | None = None,
    **fields: Any,
) -> Shift:
    """An 8-hour shift by default; ``day`` follows from ``start``."""
    return Shift(
        shift_id,
        start,
        start + 8 * HOUR if end is None else end,
        start // DAY if day is None else day,
        (Demand(demand, skill),),
        **fields,
    )


def day_shift(shift_id: str, day: int, *, hours: int = 8, **fields: Any) -> Shift:
    """A shift from 08:00 on ``day``."""
    return shift(shift_id, day * DAY + 8 * HOUR, day * DAY + (8 + hours) * HOUR, **fields)


def make_problem(people: Iterable[Person], shifts: Iterable[Shift], *, days: int = 7, **fields: Any) -> Problem:
    return Problem(tuple(people), tuple(shifts), days, **fields)


def solve_and_check(problem: Problem, params: SolveParams = TEST_PARAMS, **kwargs: Any) -> Solution:
    """Solve, then let the independent checker (optimizer/check.py) recheck every rule and point."""
    from optimizer.check import check

    solution = solve(problem, params, **kwargs)
    report = check(problem, solution)
    assert report.violations == ()
    assert report.objective == solution.objective
    assert sorted(report.breakdown, key=repr) == sorted(solution.breakdown, key=repr)
    assert solution.bound <= solution.objective
    return solution
