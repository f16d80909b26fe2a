"""explain: each shortfall becomes an Unmet whose reason and suggestion come from the data."""

from optimizer import Priority, Suggestion, UnmetReason, Window
from tests.builders import DAY, MON_08, MON_12, MON_16, MON_20, make_problem, person, shift, solve_and_check


def only_unmet(problem):
    [unmet] = solve_and_check(problem).unmet
    return unmet


def test_explain_no_skill_when_nobody_holds_a_valid_certificate():
    problem = make_problem(
        [person("p1")], [shift("s1", skill="diver", demand=2)], known_skills=frozenset({"diver"})
    )
    unmet = only_unmet(problem)
    assert (unmet.reason, unmet.missing, unmet.qualified, unmet.available) == (UnmetReason.NO_SKILL, 2, 0, 0)
    assert unmet.suggestion == Suggestion(2, "diver", MON_08, MON_16)


def test_explain_not_eligible_when_fitness_limits_exclude_every_skilled_person():
    problem = make_problem(
        [person("p1", skills={"medic"}, no_night=True)], [shift("s1", skill="medic", night=True)]
    )
    unmet = only_unmet(problem)
    assert (unmet.reason, unmet.qualified, unmet.available) == (UnmetReason.NOT_ELIGIBLE, 1, 0)


def test_explain_unavailable_when_everyone_qualified_is_away():
    people = [
        person("p1", absences=(Window(MON_12, MON_20),)),
        person("p2", available=(Window(DAY, 2 * DAY),)),
    ]
    unmet = only_unmet(make_problem(people, [shift("s1")]))
    assert (unmet.reason, unmet.qualified, unmet.available) == (UnmetReason.UNAVAILABLE, 2, 0)
    assert unmet.suggestion == Suggestion(1, None, MON_08, MON_16)


def test_explain_busy_when_everyone_available_is_on_another_shift():
    shifts = [shift("urgent", MON_08, MON_16, priority=Priority.EMERGENCY), shift("s1", MON_12, MON_20)]
    unmet = only_unmet(make_problem([person("p1")], shifts))
    assert (unmet.shift_id, unmet.reason, unmet.blocked_by) == (
        "s1",
        UnmetReason.BUSY,
        (("p1", "one_place_at_a_time"),),
    )


def test_explain_at_limit_names_the_rule_and_the_people_to_relax_it_for():
    shifts = [shift("urgent", MON_08, MON_12, priority=Priority.EMERGENCY), shift("s1", MON_12, MON_16)]
    people = [
        person("p1", max_minutes_total=300),
        person("p2", max_minutes_total=240, available=(Window(0, MON_16),)),
    ]
    problem = make_problem(people, [*shifts, shift("s0", 0, 240, priority=Priority.EMERGENCY)])
    unmet = only_unmet(problem)
    assert (unmet.shift_id, unmet.reason, unmet.qualified, unmet.available) == (
        "s1",
        UnmetReason.AT_LIMIT,
        2,
        2,
    )
    assert sorted(unmet.blocked_by) == [("p1", "hours"), ("p2", "hours")]
    assert unmet.suggestion is not None
    assert (unmet.suggestion.rule, sorted(unmet.suggestion.people)) == ("hours", ["p1", "p2"])


def test_explain_too_few_when_some_are_busy_and_others_at_a_limit():
    shifts = [
        shift("urgent", MON_08, MON_16, priority=Priority.EMERGENCY),
        shift("s1", MON_12, MON_20, demand=2),
    ]
    people = [person("busy"), person("capped", max_minutes_total=300, available=(Window(MON_12, DAY),))]
    problem = make_problem(
        people, [*shifts, shift("late", MON_20, MON_20 + 300, priority=Priority.EMERGENCY)]
    )
    unmet = only_unmet(problem)
    assert (unmet.reason, unmet.missing) == (UnmetReason.TOO_FEW, 2)
    assert sorted(unmet.blocked_by) == [("busy", "one_place_at_a_time"), ("capped", "hours")]
    assert unmet.suggestion is not None and unmet.suggestion.rule == "hours"


def test_explain_blocks_exactly_the_people_the_checker_would_reject_on_the_short_shift():
    # Runs, days off, weekends, totals and successions over four weeks: explain looks only at the
    # days around each short shift, so compare it with the checker on the whole roster.
    from optimizer import TEST_PARAMS, SolveStatus
    from optimizer.check import check
    from optimizer.construct import first_roster
    from optimizer.explain import explain
    from optimizer.solution import Assignment, Solution
    from tests.builders import minimum_problem

    problem = minimum_problem(6, 28, seed=4)
    roster, _ = first_roster(problem, TEST_PARAMS, 0.5)
    assert roster is not None
    blocked = 0
    for unmet in explain(problem, roster):
        on_line = {
            a.person_id
            for a in roster
            if (a.shift_id, a.demand_index) == (unmet.shift_id, unmet.demand_index)
        }
        rules = dict(unmet.blocked_by)
        for p in problem.people:
            if p.id in on_line:
                continue
            more = (*roster, Assignment(p.id, unmet.shift_id, unmet.demand_index))
            report = check(problem, Solution(SolveStatus.FEASIBLE, more, (), (), 0, 0))
            if any(v.startswith("eligibility") for v in report.violations):
                continue
            assert bool(report.violations) == (p.id in rules), (p.id, unmet.shift_id, report.violations)
            blocked += p.id in rules
    assert blocked > 10


def test_the_rule_that_blocks_one_more_day_looks_at_the_runs_and_weekends_around_it():
    from optimizer.explain import Load, blocker
    from tests.builders import day_shift

    days = [day_shift(f"d{d}", d) for d in range(14)]  # Monday 0 .. Sunday 13
    problem = make_problem([person("p")], days, days=14)

    def rule(worked, day, **limits):
        who = person("p", **limits)
        return blocker(problem, who, days[day], Load.of(problem, [days[d] for d in worked], reach=1))

    # Wednesday joins Mon-Tue and Thu-Fri into a run of five.
    assert rule([0, 1, 3, 4], 2, max_consecutive_days=4) == "consecutive_days"
    assert rule([0, 1, 3, 4], 2, max_consecutive_days=5) is None
    # Tuesday after a Monday leaves one day off (Wednesday) before Thursday.
    assert rule([0, 3], 1, min_consecutive_days_off=2) == "consecutive_days"
    assert rule([0, 4], 1, min_consecutive_days_off=2) is None
    # A lone Wednesday between days off is a run of one; next to Tuesday it lengthens a run.
    assert rule([6], 2, min_consecutive_days=2) == "consecutive_days"
    assert rule([1, 6], 2, min_consecutive_days=2) is None
    # Sunday of a weekend already worked is no new weekend; next Saturday is.
    assert rule([5], 6, max_weekends=1) is None
    assert rule([5], 12, max_weekends=1) == "weekends"
    assert rule([5, 6], 7) is None
