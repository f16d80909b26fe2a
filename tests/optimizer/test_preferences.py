"""preferences: wanted and unwanted shifts, by shift id or by day and task type."""

from optimizer import Request, Weights
from tests.builders import day_shift, make_problem, person, solve_and_check


def test_preferences_give_the_shift_to_the_person_who_wants_it():
    requests = (Request("b", 5, True, shift_id="d0"),)
    solution = solve_and_check(
        make_problem([person("a"), person("b")], [day_shift("d0", 0)], requests=requests)
    )
    assert solution.people_on("d0") == {"b"}


def test_preferences_unwanted_day_and_type_costs_each_matching_shift():
    shifts = [day_shift("v", 0, task_type="visit"), day_shift("p", 1, task_type="patrol")]
    requests = (Request("a", 4, False, day=0, task_type="visit"), Request("a", 2, False, day=1))
    problem = make_problem([person("a")], shifts, requests=requests, weights=Weights(preference=3))
    solution = solve_and_check(problem)
    assert solution.shifts_of("a") == {"v", "p"}  # shortfall outweighs both wishes
    assert sorted((b.subject, b.amount, b.points) for b in solution.breakdown) == [("0", 1, 12), ("1", 1, 6)]


def test_preferences_wanted_but_impossible_is_a_constant_penalty():
    requests = (Request("a", 7, True, day=3),)
    solution = solve_and_check(make_problem([person("a")], [day_shift("d0", 0)], requests=requests))
    assert [(b.kind, b.subject, b.points) for b in solution.breakdown] == [("preference", "0", 7)]
