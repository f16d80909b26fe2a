"""staffing_cap: at most count + rules.max_extra_heads per line; overstaff penalised."""

from optimizer import Pin, Rules
from tests.builders import make_problem, person, shift, solve_and_check


def test_staffing_cap_zero_extra_heads_keeps_pinned_extras_out_by_default():
    people = [person("p1"), person("p2"), person("p3")]
    solution = solve_and_check(make_problem(people, [shift("s1", demand=2)], pins=(Pin("p3", "s1"),)))
    assert len(solution.people_on("s1")) == 2
    assert "p3" in solution.people_on("s1")


def test_staffing_cap_allows_penalised_extra_heads_up_to_the_cap():
    people = [person(f"p{i}") for i in range(4)]
    pins = tuple(Pin(f"p{i}", "s1") for i in range(3))
    problem = make_problem(people, [shift("s1", demand=1)], pins=pins, rules=Rules(max_extra_heads=2))
    solution = solve_and_check(problem)
    assert solution.people_on("s1") == {"p0", "p1", "p2"}
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [
        ("overstaff", "s1", 2, 100)
    ]
