"""one_place_at_a_time: no overlapping shifts, one line per shift."""

from optimizer import Demand, Shift, UnmetReason
from tests.builders import MON_08, MON_12, MON_16, MON_20, make_problem, person, shift, solve_and_check


def test_one_place_at_a_time_keeps_a_person_off_overlapping_shifts():
    problem = make_problem([person("p1")], [shift("s1", MON_08, MON_16), shift("s2", MON_12, MON_20)])
    solution = solve_and_check(problem)
    assert len(solution.shifts_of("p1")) == 1
    assert [(u.reason, u.missing) for u in solution.unmet] == [(UnmetReason.BUSY, 1)]
    assert solution.points_by_kind() == {"shortfall": 10_000}


def test_one_place_at_a_time_allows_back_to_back_shifts():
    problem = make_problem([person("p1")], [shift("s1", MON_08, MON_16), shift("s2", MON_16, MON_20)])
    solution = solve_and_check(problem)
    assert solution.shifts_of("p1") == {"s1", "s2"}
    assert solution.breakdown == ()


def test_one_place_at_a_time_lets_a_person_fill_only_one_line_of_a_shift():
    two_lines = Shift("s1", MON_08, MON_16, 0, (Demand(1, "medic"), Demand(1)))
    problem = make_problem([person("p1", skills={"medic"})], [two_lines])
    solution = solve_and_check(problem)
    assert [(a.shift_id, a.demand_index) for a in solution.assignments] == [("s1", 0)]
    assert [(u.demand_index, u.reason) for u in solution.unmet] == [(1, UnmetReason.BUSY)]
