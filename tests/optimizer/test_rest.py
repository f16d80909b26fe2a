"""rest: minimum rest between shifts and forbidden successions."""

from optimizer import Rules, Succession, UnmetReason
from tests.builders import DAY, MON_08, MON_16, MON_22, make_problem, person, shift, solve_and_check


def test_rest_blocks_a_shift_starting_too_soon_after_another():
    rules = Rules(min_rest_minutes=11 * 60)
    early, late = shift("early", MON_08, MON_16), shift("late", MON_22, MON_22 + 8 * 60, priority=1)
    solution = solve_and_check(make_problem([person("p1")], [early, late], rules=rules))
    assert solution.shifts_of("p1") == {"late"}  # the high-risk shift's shortfall costs more
    [unmet] = solution.unmet
    assert (unmet.shift_id, unmet.reason, unmet.blocked_by) == (
        "early",
        UnmetReason.AT_LIMIT,
        (("p1", "rest"),),
    )


def test_rest_is_satisfied_by_a_gap_of_exactly_the_minimum():
    rules = Rules(min_rest_minutes=6 * 60)
    problem = make_problem(
        [person("p1")], [shift("a", MON_08, MON_16), shift("b", MON_22, DAY + MON_08)], rules=rules
    )
    assert solve_and_check(problem).shifts_of("p1") == {"a", "b"}


def test_rest_forbids_a_morning_shift_the_day_after_a_night_shift():
    rules = Rules(forbidden_successions=(Succession("night", "morning"),))
    night = shift("night", MON_22, MON_22 + 8 * 60, task_type="night")
    morning = shift("morning", DAY + 14 * 60, DAY + 20 * 60, task_type="morning")
    solution = solve_and_check(make_problem([person("p1")], [night, morning], rules=rules))
    assert len(solution.shifts_of("p1")) == 1
    assert [(u.reason, u.blocked_by) for u in solution.unmet] == [(UnmetReason.AT_LIMIT, (("p1", "rest"),))]


def test_rest_allows_the_reverse_succession_and_a_gap_day():
    rules = Rules(forbidden_successions=(Succession("night", "morning"),))
    morning = shift("morning", MON_08, MON_16, task_type="morning")
    night = shift("night", DAY + MON_22, 2 * DAY + 6 * 60, task_type="night")
    morning2 = shift("morning2", 3 * DAY + MON_08, 3 * DAY + MON_16, task_type="morning")
    solution = solve_and_check(make_problem([person("p1")], [morning, night, morning2], rules=rules))
    assert solution.shifts_of("p1") == {"morning", "night", "morning2"}


def test_rest_forbids_every_follower_of_a_night_and_leaves_the_others_and_the_nightless_days_alone():
    # One night forbids two kinds of shift the next day (one grouped constraint per day and first
    # kind); a third kind stays allowed, and without the night both forbidden kinds may be worked.
    rules = Rules(forbidden_successions=(Succession("night", "morning"), Succession("night", "day")))
    night = shift("night", MON_22, MON_22 + 8 * 60, task_type="night", priority=2)
    morning = shift("morning", DAY + 7 * 60, DAY + 11 * 60, task_type="morning")
    day = shift("day", DAY + 12 * 60, DAY + 16 * 60, task_type="day")
    evening = shift("evening", DAY + 17 * 60, DAY + 21 * 60, task_type="evening")
    solution = solve_and_check(make_problem([person("p1")], [night, morning, day, evening], rules=rules))
    assert solution.shifts_of("p1") == {"night", "evening"}  # the emergency night is worth most
    assert sorted(u.shift_id for u in solution.unmet) == ["day", "morning"]

    without_night = make_problem([person("p1")], [morning, day, evening], rules=rules)
    assert solve_and_check(without_night).shifts_of("p1") == {"morning", "day", "evening"}
