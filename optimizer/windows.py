"""Day and time window helpers shared by the rules, explain.py and validate.py (each tested at its edges)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from optimizer.problem import Problem, Shift


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Half-open intervals [a_start, a_end) and [b_start, b_end) share a minute."""
    return a_start < b_end and b_start < a_end


def too_close(a: Shift, b: Shift, min_rest: int) -> bool:
    """The two shifts overlap, or the gap between them is shorter than ``min_rest`` minutes."""
    return a.start < b.end + min_rest and b.start < a.end + min_rest


def week_of(problem: Problem, day: int) -> int:
    """Week index of a day: weeks start on Monday, counted from the horizon's first week."""
    return (problem.first_weekday + day) // 7


def weekend_days(problem: Problem) -> dict[int, list[int]]:
    """Week index -> the Saturday/Sunday days of that week that lie inside the horizon."""
    weekends: dict[int, list[int]] = {}
    for day in range(problem.horizon_days):
        if problem.is_weekend(day):
            weekends.setdefault(week_of(problem, day), []).append(day)
    return weekends


def day_windows(horizon_days: int, length: int) -> Iterator[range]:
    """Every run of ``length`` consecutive days inside the horizon, first (0..) to last (..H-1)."""
    for first in range(horizon_days - length + 1):
        yield range(first, first + length)


def inner_blocks(horizon_days: int, shorter_than: int) -> Iterator[tuple[int, range, int]]:
    """(day before, block, day after) for each block of 1..shorter_than-1 days that touches
    neither day 0 nor the last day: the runs that min-run rules forbid."""
    for length in range(1, shorter_than):
        for first in range(1, horizon_days - length):
            yield first - 1, range(first, first + length), first + length


def conflict_cliques(shifts: Sequence[Shift], min_rest: int) -> list[list[Shift]]:
    """Maximal groups of shifts that pairwise overlap or lie closer than ``min_rest`` minutes.

    Stretching every shift by ``min_rest`` makes "too close" an interval overlap; the maximal
    cliques of an interval graph are the sets alive at some start point (sweep line).
    """
    ordered = sorted(shifts, key=lambda s: (s.start, s.end, s.id))
    cliques: list[list[Shift]] = []
    alive: list[Shift] = []
    for shift in ordered:
        still = [a for a in alive if a.end + min_rest > shift.start]
        if len(still) < len(alive):
            cliques.append(alive)  # someone leaves before this start: the group alive was maximal
        alive = [*still, shift]
    if alive:
        cliques.append(alive)
    return cliques


def all_too_close(shifts: Sequence[Shift], min_rest: int) -> bool:
    """True when no two of the shifts can both be worked (they form one conflict clique)."""
    if len(shifts) < 2:
        return True
    return max(s.start for s in shifts) < min(s.end for s in shifts) + min_rest
