"""distance: own grid 0, own community 1, elsewhere 2 levels."""

from tests.builders import MON_08, MON_16, make_problem, person, shift, solve_and_check


def test_distance_prefers_the_neighbour_from_the_same_community():
    people = [
        person("far", home_grid="g9", home_community="c9"),
        person("near", home_grid="g2", home_community="c1"),
    ]
    solution = solve_and_check(make_problem(people, [shift("s1", grid_id="g1", community_id="c1")]))
    assert solution.people_on("s1") == {"near"}
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [
        ("distance", "near", 1, 2)
    ]


def test_distance_levels_add_up_over_a_persons_shifts():
    people = [person("p", home_grid="g1", home_community="c1")]
    shifts = [
        shift("own", MON_08, grid_id="g1", community_id="c1"),
        shift("street", MON_16, grid_id="g7", community_id="c2"),
    ]
    solution = solve_and_check(make_problem(people, shifts))
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [("distance", "p", 2, 4)]
