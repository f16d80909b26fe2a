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


def make_problem(
    people: Iterable[Person], shifts: Iterable[Shift], *, days: int = 7, **fields: Any
) -> Problem:
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


def random_problem(people: int, grids: int, days: int = 7, *, seed: int = 1, **fields: Any) -> Problem:
    """A small street: per grid and day a morning and an evening patrol, people with home grids,
    availability on some days, weekly caps and a few wishes; the same seed gives the same problem."""
    import random

    from optimizer import Request, Window

    rng = random.Random(seed)
    shifts = [
        shift(
            f"g{g}d{d}{half}",
            d * DAY + (8 if half == "am" else 14) * HOUR,
            d * DAY + (12 if half == "am" else 20) * HOUR,
            demand=rng.choice((1, 1, 2)),
            grid_id=f"g{g}",
            community_id=f"c{g // 3}",
            task_type="patrol" if half == "am" else "visit",
        )
        for g in range(grids)
        for d in range(days)
        for half in ("am", "pm")
    ]
    cast = [
        person(
            f"p{i}",
            home_grid=f"g{rng.randrange(grids)}",
            home_community=None,
            available=tuple(Window(d * DAY, (d + 1) * DAY) for d in range(days) if rng.random() < 0.6),
            max_minutes_per_week=rng.choice((480, 960, 1440)),
            max_minutes_per_day=600,
        )
        for i in range(people)
    ]
    requests = tuple(
        Request(f"p{rng.randrange(people)}", rng.randint(1, 5), rng.random() < 0.5, day=rng.randrange(days))
        for _ in range(people // 3)
    )
    return make_problem(cast, shifts, days=days, requests=requests, **fields)


def minimum_problem(people: int, days: int = 14, *, seed: int = 1, **fields: Any) -> Problem:
    """A small ward where every person has minimum-work rules (like Curtois & Qu): an early and a
    late shift a day, a minimum and maximum total, runs of 2–5 working days, at least 2 days off
    in a row, at most ``days // 7 - 1`` weekends (at least 1), a few days of leave, no early
    after a late; the same seed gives the same problem."""
    import random

    from optimizer import Request, Rules, Succession, Window

    rng = random.Random(seed)
    shifts = [
        shift(
            f"d{d}{kind}",
            d * DAY + (6 if kind == "E" else 14) * HOUR,
            d * DAY + (14 if kind == "E" else 22) * HOUR,
            demand=rng.choice((1, 2, 2, 3)),
            task_type=kind,
        )
        for d in range(days)
        for kind in ("E", "L")
    ]
    cast = []
    for i in range(people):
        leave = rng.randrange(days - 2)
        cast.append(
            person(
                f"n{i}",
                absences=(Window(leave * DAY, (leave + rng.choice((1, 2, 3))) * DAY),),
                min_minutes_total=rng.choice((days // 2 - 2, days // 2)) * 8 * HOUR,
                max_minutes_total=(days // 2 + 2) * 8 * HOUR,
                max_consecutive_days=5,
                min_consecutive_days=2,
                min_consecutive_days_off=2,
                max_weekends=max(1, days // 7 - 1),
            )
        )
    requests = tuple(
        Request(f"n{rng.randrange(people)}", rng.randint(1, 3), rng.random() < 0.5, day=rng.randrange(days))
        for _ in range(people)
    )
    rules = Rules(forbidden_successions=(Succession("L", "E"),), max_extra_heads=None)
    return make_problem(cast, shifts, days=days, requests=requests, rules=rules, **fields)
