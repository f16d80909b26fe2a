"""changes: minimal disruption against the published roster."""

import pytest

from optimizer import Pin, Request, Weights
from tests.builders import MON_08, MON_16, make_problem, person, shift, solve_and_check


def test_changes_keeps_the_published_roster_when_nothing_forces_a_change():
    people = [person("p1"), person("p2")]
    previous = frozenset({("p2", "s1")})
    solution = solve_and_check(make_problem(people, [shift("s1")], previous=previous))
    assert solution.people_on("s1") == {"p2"}
    assert solution.breakdown == ()


def test_changes_after_a_decline_counts_the_removed_and_the_added_cell():
    people = [person("p1"), person("p2")]
    problem = make_problem(
        people,
        [shift("s1"), shift("s2", MON_16, MON_16 + 240)],
        previous=frozenset({("p1", "s1"), ("p2", "s2"), ("ghost", "gone")}),
        pins=(Pin("p1", "s1", assigned=False),),
    )
    solution = solve_and_check(problem)
    assert solution.people_on("s1") == {"p2"}
    assert solution.people_on("s2") == {"p2"}
    assert sorted((b.subject, b.amount, b.points) for b in solution.breakdown) == [
        ("p1", 1, 400),
        ("p2", 1, 400),
    ]


@pytest.mark.parametrize(("change", "kept"), [(200, True), (100, False)])
def test_changes_weigh_two_cells_against_an_unwanted_shift(change, kept):
    problem = make_problem(
        [person("p1"), person("p2")],
        [shift("s1", MON_08, MON_16)],
        previous=frozenset({("p1", "s1")}),
        requests=(Request("p1", 300, False, shift_id="s1"),),
        weights=Weights(change=change),
    )
    solution = solve_and_check(problem)
    # Moving the shift from p1 to p2 changes two cells: 2 × change against the wish's 300.
    assert solution.people_on("s1") == ({"p1"} if kept else {"p2"})
    assert solution.points_by_kind() == ({"preference": 300} if kept else {"change": 2 * change})
