"""pins: confirmed assignments stay; declines forbid."""

from optimizer import Pin, Request
from tests.builders import make_problem, person, shift, solve_and_check


def test_pins_keep_a_confirmed_person_even_against_a_wish():
    problem = make_problem(
        [person("p1"), person("p2")],
        [shift("s1")],
        pins=(Pin("p2", "s1"),),
        requests=(Request("p2", 50, False, shift_id="s1"),),
    )
    solution = solve_and_check(problem)
    assert solution.people_on("s1") == {"p2"}
    assert solution.points_by_kind() == {"preference": 50}


def test_pins_decline_moves_the_shift_to_someone_else():
    problem = make_problem(
        [person("p1"), person("p2")], [shift("s1")], pins=(Pin("p1", "s1", assigned=False),)
    )
    assert solve_and_check(problem).people_on("s1") == {"p2"}
