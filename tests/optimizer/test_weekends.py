"""weekends: a weekend counts if any of its days is worked; at most max_weekends."""

from optimizer import Weights
from tests.builders import day_shift, make_problem, person, solve_and_check


def test_weekends_limit_counts_saturday_and_sunday_of_one_week_once():
    shifts = [day_shift("sat1", 5), day_shift("sun1", 6), day_shift("sat2", 12), day_shift("sun2", 13)]
    solution = solve_and_check(make_problem([person("p1", max_weekends=1)], shifts, days=14))
    worked = solution.shifts_of("p1")
    assert worked in ({"sat1", "sun1"}, {"sat2", "sun2"})
    assert {u.shift_id for u in solution.unmet} == {"sat1", "sun1", "sat2", "sun2"} - worked
    assert {u.blocked_by for u in solution.unmet} == {(("p1", "weekends"),)}


def test_weekends_follow_first_weekday():
    # Horizon starts on Saturday: days 0-1 and 7-8 are weekends, day 5 is a Thursday.
    shifts = [day_shift("d0", 0), day_shift("d5", 5), day_shift("d7", 7)]
    problem = make_problem([person("p1", max_weekends=1)], shifts, days=9, first_weekday=5)
    solution = solve_and_check(problem)
    assert "d5" in solution.shifts_of("p1")
    assert len(solution.shifts_of("p1")) == 2


def test_weekends_zero_keeps_the_person_off_every_weekend_day():
    shifts = [day_shift(f"d{d}", d) for d in range(7)]
    problem = make_problem([person("p1", max_weekends=0)], shifts, weights=Weights(shortfall_normal=1))
    assert solve_and_check(problem).shifts_of("p1") == {f"d{d}" for d in range(5)}
