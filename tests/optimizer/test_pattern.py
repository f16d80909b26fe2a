"""pattern: one person's valid pattern by a walk over the days (runs, weekends, totals), checked;
construct.py uses it as the first pattern of each person with minimum-work rules."""

from __future__ import annotations

import pytest

from optimizer import Problem, Rules, Succession, Window, construct
from optimizer.check import check
from optimizer.eligibility import eligible_triples
from optimizer.params import SolveParams
from optimizer.pattern import valid_pattern
from optimizer.solution import Solution, SolveStatus
from tests.builders import DAY, HOUR, day_shift, make_problem, minimum_problem, person, shift


def pattern(problem: Problem, wanted: set[int] | None = None) -> list[int] | None:
    """The worked days of the pattern of the problem's one person (open demand on ``wanted``)."""
    (who,) = problem.people
    triples = [t for t in eligible_triples(problem) if t[0].id == who.id]
    roster = valid_pattern(problem, who, triples, lambda s: 1 if wanted is None or s.day in wanted else 0)
    if roster is None:
        return None
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0))
    assert report.violations == ()
    day = {s.id: s.day for s in problem.shifts}
    return sorted(day[a.shift_id] for a in roster)


def week(**limits: object) -> Problem:
    """One week from Monday, one 8-hour shift a day, one person with ``limits``."""
    return make_problem(
        [person("a", **limits)],
        [day_shift(f"d{d}", d) for d in range(7)],
        days=7,  # type: ignore[arg-type]
    )


def test_runs_off_days_and_weekends_are_kept_exactly() -> None:
    # Four shifts, runs of exactly 2 (a run touching Monday or Sunday may be shorter), 2 days off
    # between runs, one weekend: with demand open on Mon, Tue, Fri and Sat the walk works exactly
    # those (every pattern also passes the checker, in pattern()).
    limits = dict(
        min_minutes_total=4 * 8 * HOUR,
        max_minutes_total=4 * 8 * HOUR,
        max_consecutive_days=2,
        min_consecutive_days=2,
        min_consecutive_days_off=2,
    )
    assert pattern(week(max_weekends=1, **limits), wanted={0, 1, 4, 5}) == [0, 1, 4, 5]
    # Demand on Mon, Wed, Fri and Sun cannot be met in runs of two: still four valid days.
    assert len(pattern(week(max_weekends=1, **limits), wanted={0, 2, 4, 6}) or []) == 4
    # Without a weekend: four of Mon-Fri leave a one-day gap or a run of four, so there is none.
    assert pattern(week(max_weekends=0, **limits)) is None


def test_the_pattern_works_on_the_days_with_open_demand() -> None:
    problem = make_problem(
        [person("a", min_minutes_total=4 * 8 * HOUR, max_minutes_total=4 * 8 * HOUR)],
        [day_shift(f"d{d}", d) for d in range(14)],
        days=14,
    )
    assert pattern(problem, wanted={3, 4, 9, 10}) == [3, 4, 9, 10]
    assert pattern(problem, wanted={0, 13}) is not None  # fewer wishes than shifts: still four
    assert len(pattern(problem, wanted={0, 13}) or []) == 4


def test_minimum_runs_are_exempt_at_the_edges_of_the_horizon() -> None:
    # Only Monday and Sunday can be worked; runs of 3 at least, but runs touching day 0 or the
    # last day are exempt (as in rules/consecutive_days.py), so both are worked.
    problem = make_problem(
        [person("a", min_minutes_total=2 * 8 * HOUR, min_consecutive_days=3)],
        [day_shift("mon", 0), day_shift("sun", 6)],
        days=7,
    )
    assert pattern(problem) == [0, 6]
    inner = make_problem(
        [person("a", min_minutes_total=2 * 8 * HOUR, min_consecutive_days=3)],
        [day_shift("tue", 1), day_shift("sat", 5)],
        days=7,
    )
    assert pattern(inner) is None


def test_kinds_that_may_not_follow_each_other_are_not_mixed() -> None:
    # Early and late shifts each day, no early after a late: the pattern uses one kind that may
    # follow itself, the one with more open demand (late here).
    shifts = [
        shift(f"{k}{d}", d * DAY + (6 if k == "E" else 14) * HOUR, task_type=k)
        for d in range(7)
        for k in ("E", "L")
    ]
    problem = make_problem(
        [person("a", min_minutes_total=5 * 8 * HOUR, max_minutes_total=5 * 8 * HOUR)],
        shifts,
        days=7,
        rules=Rules(forbidden_successions=(Succession("L", "E"),), max_extra_heads=None),
    )
    (who,) = problem.people
    roster = valid_pattern(
        problem, who, list(eligible_triples(problem)), lambda s: 2 if s.task_type == "L" else 1
    )
    assert roster is not None and len(roster) == 5
    assert {a.shift_id[0] for a in roster} == {"L"}


def test_a_pattern_the_checker_rejects_is_not_given() -> None:
    # The walk does not see minimum rest: a late Monday and an early Tuesday are the only shifts,
    # both must be worked, and they lie 6 hours apart where 11 are needed.
    problem = make_problem(
        [person("a", min_minutes_total=2 * 8 * HOUR)],
        [shift("late", 16 * HOUR), shift("early", DAY + 6 * HOUR)],
        days=7,
        rules=Rules(min_rest_minutes=11 * HOUR),
    )
    assert pattern(problem) is None


def test_leave_and_shift_caps_are_respected() -> None:
    # Leave on Wednesday and Thursday; a cap of 2 shifts of the only kind below the minimum of 3
    # leaves no pattern of that kind.
    on_leave = week(min_minutes_total=5 * 8 * HOUR, absences=(Window(2 * DAY, 4 * DAY),))
    assert pattern(on_leave) == [0, 1, 4, 5, 6]
    capped = week(min_minutes_total=3 * 8 * HOUR, max_shifts_by_type=(("patrol", 2),))
    assert pattern(capped) is None


def test_construct_finds_rosters_over_a_long_horizon_without_a_search_per_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Twelve weeks, tight totals: with no time to improve them the patterns alone make the
    # roster, and no person needs a CP-SAT search for a first pattern (1-15 s each on Curtois 23).
    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("a CP-SAT search for a first pattern")

    monkeypatch.setattr(construct, "_search", no_search)
    problem = minimum_problem(10, 84, seed=3)
    roster, _ = construct.first_roster(problem, SolveParams(seconds=1, workers=1, deterministic=True), 0.0)
    assert roster is not None
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0))
    assert report.violations == ()
    minutes = {s.id: s.minutes for s in problem.shifts}
    for p in problem.people:
        assert sum(minutes[a.shift_id] for a in roster if a.person_id == p.id) >= (p.min_minutes_total or 0)
