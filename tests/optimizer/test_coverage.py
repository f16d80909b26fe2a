"""coverage: shortfall by priority (or per-shift weight) and overstaff, never infeasible."""

from optimizer import Demand, Priority, Rules, Shift, UnmetReason
from tests.builders import MON_08, MON_12, MON_16, make_problem, person, shift, solve_and_check


def test_coverage_reports_shortfall_when_too_few_are_qualified():
    problem = make_problem([person("p1", skills={"nurse"})], [shift("s1", demand=2, skill="nurse")])
    solution = solve_and_check(problem)
    assert solution.people_on("s1") == {"p1"}
    assert [(u.shift_id, u.missing, u.reason, u.qualified, u.available) for u in solution.unmet] == [
        ("s1", 1, UnmetReason.TOO_FEW, 1, 1)
    ]
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [
        ("shortfall", "s1", 1, 10_000)
    ]


def test_coverage_sends_the_one_person_to_the_emergency_first():
    shifts = [
        shift("normal", MON_08, MON_16),
        shift("risky", MON_08, MON_16, priority=Priority.HIGH_RISK),
        shift("emergency", MON_12, MON_16, priority=Priority.EMERGENCY),
    ]
    solution = solve_and_check(make_problem([person("p1")], shifts))
    assert solution.shifts_of("p1") == {"emergency"}
    assert solution.points_by_kind() == {"shortfall": 30_000}


def test_coverage_per_shift_weights_override_priority():
    shifts = [shift("a", MON_08, MON_16, under_weight=7), shift("b", MON_08, MON_16, under_weight=9)]
    solution = solve_and_check(make_problem([person("p1")], shifts))
    assert solution.shifts_of("p1") == {"b"}
    assert [(b.subject, b.points) for b in solution.breakdown] == [("a", 7)]


def test_coverage_counts_each_demand_line_separately():
    s1 = Shift("s1", MON_08, MON_16, 0, (Demand(1, "medic"), Demand(2)))
    people = [person("m", skills={"medic"}), person("a"), person("b")]
    solution = solve_and_check(make_problem(people, [s1]))
    assert {(a.person_id, a.demand_index) for a in solution.assignments} == {("m", 0), ("a", 1), ("b", 1)}
    assert solution.unmet == ()


def test_coverage_overstaff_costs_the_shift_over_weight_when_heads_are_pinned():
    from optimizer import Pin

    problem = make_problem(
        [person("p1"), person("p2")],
        [shift("s1", over_weight=33)],
        rules=Rules(max_extra_heads=None),
        pins=(Pin("p1", "s1"), Pin("p2", "s1")),
    )
    solution = solve_and_check(problem)
    assert [(b.kind, b.amount, b.points) for b in solution.breakdown] == [("overstaff", 1, 33)]


def test_coverage_with_nobody_eligible_is_a_constant_shortfall_not_infeasible():
    solution = solve_and_check(make_problem([], [shift("s1", demand=3)]))
    assert solution.assignments == ()
    assert [(u.missing, u.reason) for u in solution.unmet] == [(3, UnmetReason.NO_SKILL)]
    assert solution.objective == solution.bound == 30_000
