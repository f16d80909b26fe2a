"""Determinism: in test mode the same input gives the same roster."""

from optimizer import TEST_PARAMS, solve
from tests.builders import random_problem, solve_and_check


def test_determinism_same_problem_gives_the_same_roster_twice():
    problem = random_problem(30, 4, seed=7)
    first = solve_and_check(problem, TEST_PARAMS)
    second = solve(problem, TEST_PARAMS)
    assert first.assignments == second.assignments
    assert first.breakdown == second.breakdown
    assert len(first.assignments) > 20
