"""consecutive_days: max run, min run and min days off, with the README's boundary semantics."""

import pytest

from optimizer import Request, Weights
from tests.builders import day_shift, make_problem, person, solve_and_check

NO_SHORTFALL = Weights(shortfall_normal=0)
WEEK = [day_shift(f"d{d}", d) for d in range(7)]


def worked_days(solution, person_id="p1"):
    return sorted(int(s[1:]) for s in solution.shifts_of(person_id))


def test_consecutive_days_caps_a_run_of_working_days():
    solution = solve_and_check(make_problem([person("p1", max_consecutive_days=3)], WEEK))
    assert worked_days(solution) == [0, 1, 2, 4, 5, 6]  # one day off splits the week into two runs of 3
    assert [u.shift_id for u in solution.unmet] == ["d3"]
    assert solution.unmet[0].blocked_by == (("p1", "consecutive_days"),)


def test_consecutive_days_max_run_counts_days_outside_the_horizon_as_off():
    shifts = [day_shift(f"d{d}", d) for d in range(3)]
    solution = solve_and_check(make_problem([person("p1", max_consecutive_days=3)], shifts, days=3))
    assert worked_days(solution) == [0, 1, 2]


@pytest.mark.parametrize(("wanted", "expected"), [(3, [2, 3, 4]), (1, [0, 1]), (5, [5, 6])])
def test_consecutive_days_min_run_applies_only_to_runs_inside_the_horizon(wanted, expected):
    """One wished day pulls in neighbours; a run touching day 0 or the last day may stay short.
    Days 1 and 5 are costlier to add than the others, which makes each optimum unique."""
    requests = (Request("p1", 20, True, shift_id=f"d{wanted}"),) + tuple(
        Request("p1", 5 if d in (1, 5) else 1, False, shift_id=f"d{d}") for d in range(7)
    )
    people = [person("p1", min_consecutive_days=3)]
    solution = solve_and_check(make_problem(people, WEEK, weights=NO_SHORTFALL, requests=requests))
    assert worked_days(solution) == expected


def test_consecutive_days_min_run_off_without_the_rule_works_the_single_day():
    requests = (Request("p1", 20, True, shift_id="d3"),)
    solution = solve_and_check(make_problem([person("p1")], WEEK, weights=NO_SHORTFALL, requests=requests))
    assert worked_days(solution) == [3]


def test_consecutive_days_min_days_off_forbids_a_single_inner_day_off():
    requests = tuple(Request("p1", 10, True, shift_id=f"d{d}") for d in (0, 1, 2, 4, 5, 6))
    requests += (Request("p1", 3, False, shift_id="d3"),)
    strict = make_problem(
        [person("p1", min_consecutive_days_off=2)], WEEK, weights=NO_SHORTFALL, requests=requests
    )
    solution = solve_and_check(strict)
    assert worked_days(solution) == list(range(7))
    assert solution.points_by_kind() == {"preference": 3}
    loose = make_problem([person("p1")], WEEK, weights=NO_SHORTFALL, requests=requests)
    assert worked_days(solve_and_check(loose)) == [0, 1, 2, 4, 5, 6]


def test_consecutive_days_min_days_off_allows_short_off_runs_at_the_edges():
    requests = tuple(Request("p1", 10, True, shift_id=f"d{d}") for d in range(1, 6))
    requests += (Request("p1", 3, False, shift_id="d0"), Request("p1", 3, False, shift_id="d6"))
    problem = make_problem(
        [person("p1", min_consecutive_days_off=3)], WEEK, weights=NO_SHORTFALL, requests=requests
    )
    solution = solve_and_check(problem)
    assert worked_days(solution) == [1, 2, 3, 4, 5]
    assert solution.objective == 0
