"""hours: per-day, per-week and total caps, and the total minimum."""

from optimizer import Rules, UnmetReason, Weights
from tests.builders import (
    DAY,
    MON_08,
    MON_16,
    MON_20,
    day_shift,
    make_problem,
    person,
    shift,
    solve_and_check,
)


def test_hours_cap_per_day_takes_the_smaller_of_person_and_rules():
    shifts = [shift("a", MON_08, MON_16, priority=1), shift("b", MON_16, MON_20)]
    relaxed = solve_and_check(make_problem([person("p1", max_minutes_per_day=720)], shifts))
    assert relaxed.shifts_of("p1") == {"a", "b"}
    strict = make_problem(
        [person("p1", max_minutes_per_day=720)], shifts, rules=Rules(max_minutes_per_day=600)
    )
    solution = solve_and_check(strict)
    assert solution.shifts_of("p1") == {"a"}
    assert [(u.shift_id, u.reason, u.blocked_by) for u in solution.unmet] == [
        ("b", UnmetReason.AT_LIMIT, (("p1", "hours"),))
    ]


def test_hours_cap_per_week_counts_weeks_from_monday():
    # Horizon starts on a Saturday: days 0-1 are week 0, days 2-8 are week 1.
    shifts = [day_shift(f"d{d}", d) for d in range(4)]
    problem = make_problem([person("p1", max_minutes_per_week=960)], shifts, first_weekday=5)
    assert solve_and_check(problem).shifts_of("p1") == {"d0", "d1", "d2", "d3"}


def test_hours_cap_per_week_limits_a_single_week():
    shifts = [day_shift(f"d{d}", d) for d in range(3)]
    solution = solve_and_check(make_problem([person("p1", max_minutes_per_week=960)], shifts))
    assert len(solution.shifts_of("p1")) == 2
    assert solution.points_by_kind() == {"shortfall": 10_000}


def test_hours_cap_over_the_horizon_and_minimum_total_are_hard():
    pairs = [day_shift(f"d{d}", d, demand=2) for d in range(3)]
    capped = solve_and_check(make_problem([person("p1", max_minutes_total=480), person("p2")], pairs))
    assert len(capped.shifts_of("p1")) == 1
    assert sum(line.amount for line in capped.breakdown if line.kind == "shortfall") == 2
    shifts = [day_shift(f"d{d}", d) for d in range(3)]
    # Without shortfall weight nobody would work; the minimum forces two shifts anyway.
    weights = Weights(shortfall_normal=0, distance_per_level=0)
    forced = solve_and_check(make_problem([person("p1", min_minutes_total=900)], shifts, weights=weights))
    assert len(forced.shifts_of("p1")) == 2
    assert forced.objective == 0


def test_hours_day_cap_across_midnight_counts_the_start_day():
    night = shift("night", MON_20, DAY + 4 * 60)
    morning = shift("morning", DAY + MON_08, DAY + MON_16)
    solution = solve_and_check(make_problem([person("p1", max_minutes_per_day=480)], [night, morning]))
    assert solution.shifts_of("p1") == {"night", "morning"}
