"""quota: 双报到双服务 hours still owed cost points."""

from tests.builders import day_shift, make_problem, person, solve_and_check


def test_quota_gives_the_shift_to_the_person_who_still_owes_service():
    problem = make_problem([person("a"), person("b", quota_minutes_due=480)], [day_shift("d0", 0)])
    solution = solve_and_check(problem)
    assert solution.people_on("d0") == {"b"}
    assert solution.breakdown == ()


def test_quota_counts_started_hours_still_owed():
    problem = make_problem([person("b", quota_minutes_due=600)], [day_shift("d0", 0, hours=8)])
    solution = solve_and_check(problem)
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [("quota", "b", 2, 30)]
