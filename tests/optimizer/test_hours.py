"""hours: per-day, per-week and total caps, and the total minimum."""

import itertools
import random

from optimizer import Rules, UnmetReason, Weights
from optimizer.rules.hours import _filled_mixes
from tests.builders import (
    DAY,
    HOUR,
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


def test_hours_week_mixes_are_the_fullest_counts_of_each_shift_length():
    # 120- and 150-minute shifts under a 360-minute cap: two long, one of each, or three short;
    # two short ones (240) still leave room for a third, so that count is not among them.
    assert _filled_mixes([120, 150], [3, 2], 360) == [(0, 2), (1, 1), (3, 0)]
    # Fewer shifts of a length than the cap would take: the count stops at what there is.
    assert _filled_mixes([120, 150], [1, 2], 360) == [(0, 2), (1, 1)]
    assert _filled_mixes([120], [5], 360) == [(3,)]


def test_hours_week_cap_with_mixed_lengths_keeps_every_whole_shift_week():
    # One person, one week of non-overlapping shifts of 120, 150 and 180 minutes with random
    # weights: the solved shortfall equals the best subset within the cap found by brute force,
    # so the mixes of lengths cut off no roster the cap allows.
    for seed in range(12):
        rng = random.Random(seed)
        lengths = [rng.choice((120, 150, 180)) for _ in range(6)]
        weights = [rng.randrange(1, 50) * 100 for _ in range(6)]
        cap = rng.choice((300, 360, 420, 480, 540))
        shifts = [
            shift(f"s{d}", d * DAY + 8 * HOUR, d * DAY + 8 * HOUR + n, under_weight=w)
            for d, (n, w) in enumerate(zip(lengths, weights, strict=True))
        ]
        problem = make_problem([person("p1", max_minutes_per_week=cap)], shifts)
        best = min(
            sum(weights) - sum(weights[d] for d in chosen)
            for k in range(len(shifts) + 1)
            for chosen in itertools.combinations(range(len(shifts)), k)
            if sum(lengths[d] for d in chosen) <= cap
        )
        assert solve_and_check(problem).objective == best, (seed, lengths, weights, cap)
