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
