"""continuity: 人在格中走 — keep people in the grids they served recently."""

from tests.builders import MON_08, make_problem, person, shift, solve_and_check


def test_continuity_sends_the_person_who_knows_the_grid():
    people = [
        person("stranger", recent_grids=frozenset({"g2"})),
        person("local", recent_grids=frozenset({"g1"})),
    ]
    solution = solve_and_check(make_problem(people, [shift("s1", MON_08, grid_id="g1")]))
    assert solution.people_on("s1") == {"local"}
    assert solution.breakdown == ()


def test_continuity_costs_one_unit_per_shift_outside_recent_grids():
    people = [person("stranger", recent_grids=frozenset({"g2"}))]
    solution = solve_and_check(make_problem(people, [shift("s1", MON_08, grid_id="g1")]))
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [
        ("continuity", "stranger", 1, 4)
    ]
