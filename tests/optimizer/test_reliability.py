"""reliability: reliable people first on high-risk and emergency shifts."""

from optimizer import Priority, Weights
from tests.builders import MON_08, make_problem, person, shift, solve_and_check


def test_reliability_sends_the_reliable_person_to_the_high_risk_shift():
    people = [person("flaky", no_show_permille=200), person("steady", no_show_permille=10)]
    shifts = [shift("risky", MON_08, priority=Priority.HIGH_RISK)]
    solution = solve_and_check(make_problem(people, shifts, weights=Weights(reliability=1)))
    assert solution.people_on("risky") == {"steady"}
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [
        ("reliability", "steady", 10, 10)
    ]


def test_reliability_ignores_normal_shifts():
    people = [person("flaky", no_show_permille=200)]
    solution = solve_and_check(make_problem(people, [shift("s1", MON_08)], weights=Weights(reliability=1)))
    assert solution.people_on("s1") == {"flaky"}
    assert solution.breakdown == ()
