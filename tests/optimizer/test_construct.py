"""construct: a first roster where every person has minimum-work rules (the greedy gives none),
built person by person with the same rule families; solve() then never returns "no roster"."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from optimizer import TEST_PARAMS, Pin, Problem, SolveStatus, solve
from optimizer.check import check
from optimizer.construct import first_roster
from optimizer.greedy import greedy_roster
from optimizer.solution import Assignment, Solution
from tests.builders import minimum_problem, solve_and_check


def worked_minutes(problem: Problem, roster: list[Assignment] | tuple[Assignment, ...]) -> Counter[str]:
    minutes = {s.id: s.minutes for s in problem.shifts}
    worked: Counter[str] = Counter()
    for a in roster:
        worked[a.person_id] += minutes[a.shift_id]
    return worked


def checked(problem: Problem, roster: list[Assignment]) -> int:
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0))
    assert report.violations == ()
    return report.objective


@pytest.mark.parametrize("seed", range(4))
def test_construct_gives_a_valid_roster_where_the_greedy_gives_none(seed: int) -> None:
    problem = minimum_problem(8, 14, seed=seed)
    assert greedy_roster(problem) is None  # the case this module exists for
    roster, _ = first_roster(problem, TEST_PARAMS, 1.0)
    assert roster is not None
    checked(problem, roster)
    minutes = worked_minutes(problem, roster)
    for p in problem.people:
        assert p.min_minutes_total is not None
        assert minutes[p.id] >= p.min_minutes_total


def test_construct_is_deterministic_in_test_mode() -> None:
    problem = minimum_problem(8, 14, seed=5)
    first, _ = first_roster(problem, TEST_PARAMS, 1.0)
    second, _ = first_roster(problem, TEST_PARAMS, 1.0)
    assert first is not None and first == second


def test_construct_covers_what_the_people_before_left_open() -> None:
    # Each person sees the demand still open, so together they cover more than one person's
    # best pattern repeated would (everybody on the same days).
    problem = minimum_problem(8, 14, seed=2)
    roster, _ = first_roster(problem, TEST_PARAMS, 1.0)
    assert roster is not None
    heads = Counter(a.shift_id for a in roster)
    short = sum(max(0, s.headcount - heads[s.id]) for s in problem.shifts)
    demanded = sum(s.headcount for s in problem.shifts)
    assert short < demanded // 4


def test_construct_keeps_a_pin_of_a_person_with_minimums() -> None:
    problem = minimum_problem(6, 14, seed=3)
    problem = dataclasses.replace(problem, pins=(Pin("n0", "d9L"),))
    roster, _ = first_roster(problem, TEST_PARAMS, 1.0)
    assert roster is not None
    checked(problem, roster)
    assert any(a.person_id == "n0" and a.shift_id == "d9L" for a in roster)


def test_construct_returns_none_when_a_minimum_cannot_be_met() -> None:
    problem = minimum_problem(4, 14, seed=1)
    # 12 days of 8 h out of 14 with runs of at most 5 days and 2 days off between runs: never.
    impossible = dataclasses.replace(
        problem.people[0],
        absences=(),
        max_minutes_per_day=8 * 60,
        min_minutes_total=12 * 8 * 60,
        max_minutes_total=14 * 8 * 60,
    )
    problem = dataclasses.replace(problem, people=(impossible, *problem.people[1:]))
    roster, _ = first_roster(problem, TEST_PARAMS, 1.0)
    assert roster is None


@pytest.mark.parametrize("seed", range(3))
def test_solve_never_returns_no_roster_when_everybody_has_minimums(seed: int) -> None:
    problem = minimum_problem(10, 14, seed=seed)
    solution = solve_and_check(problem, TEST_PARAMS)
    assert solution.status != SolveStatus.NO_ROSTER
    minutes = worked_minutes(problem, solution.assignments)
    assert all(minutes[p.id] >= (p.min_minutes_total or 0) for p in problem.people)
    assert solution.bound <= solution.objective


def test_solve_of_a_minimum_problem_is_deterministic() -> None:
    problem = minimum_problem(10, 14, seed=9)
    assert solve(problem, TEST_PARAMS).assignments == solve(problem, TEST_PARAMS).assignments
