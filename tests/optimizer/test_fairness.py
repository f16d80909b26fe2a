"""fairness: started hours above the fair share cost points."""

from tests.builders import day_shift, make_problem, person, solve_and_check


def test_fairness_spreads_work_to_the_person_below_their_share():
    shifts = [day_shift(f"d{d}", d) for d in range(4)]
    people = [person("a", fair_share_minutes=960), person("b", fair_share_minutes=960)]
    solution = solve_and_check(make_problem(people, shifts))
    assert len(solution.shifts_of("a")) == len(solution.shifts_of("b")) == 2
    assert solution.breakdown == ()


def test_fairness_rounds_minutes_above_the_share_up_to_started_hours():
    shifts = [day_shift("d0", 0, hours=3)]
    solution = solve_and_check(make_problem([person("a", fair_share_minutes=119)], shifts))
    assert [(b.kind, b.subject, b.amount, b.points) for b in solution.breakdown] == [("fairness", "a", 2, 40)]
