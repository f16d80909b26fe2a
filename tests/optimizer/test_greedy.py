"""greedy: the first roster keeps every hard rule and fills what it can, hardest lines first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer.check import check
from optimizer.greedy import greedy_roster, previous_roster
from optimizer.problem import CompositionNeed, Pin, Priority, Problem, Rules, Window
from optimizer.solution import Assignment, Solution, SolveStatus
from tests.builders import DAY, HOUR, MON_08, MON_16, day_shift, make_problem, person, random_problem, shift


def checked(problem: Problem) -> tuple[list[Assignment], int]:
    roster = greedy_roster(problem)
    assert roster is not None
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0))
    assert report.violations == ()
    return roster, report.objective


@pytest.mark.parametrize("seed", range(6))
def test_greedy_keeps_every_hard_rule_on_random_streets(seed: int) -> None:
    problem = random_problem(
        12, 4, seed=seed, rules=Rules(min_rest_minutes=8 * HOUR, max_minutes_per_day=600)
    )
    roster, _ = checked(problem)
    assert roster  # something is filled


def test_greedy_fills_the_scarce_skill_line_before_the_general_one() -> None:
    nurse, other = person("n", skills={"nurse"}), person("o")
    problem = make_problem([other, nurse], [shift("general", MON_08), shift("clinic", MON_08, skill="nurse")])
    roster, _ = checked(problem)
    assert {(a.person_id, a.shift_id) for a in roster} == {("n", "clinic"), ("o", "general")}


def test_greedy_fills_emergencies_first_when_people_are_short() -> None:
    problem = make_problem(
        [person("p")], [shift("routine", MON_08), shift("flood", MON_08, priority=Priority.EMERGENCY)]
    )
    roster, _ = checked(problem)
    assert [a.shift_id for a in roster] == ["flood"]


def test_greedy_puts_a_party_member_on_a_shift_that_needs_a_lead() -> None:
    lead = CompositionNeed("party_member", 1, "party_lead")
    people = [person("a"), person("b"), person("m", tags=frozenset({"party_member"}))]
    problem = make_problem(people, [shift("evening", MON_16, demand=2, needs=(lead,))])
    roster, objective = checked(problem)
    assert "m" in {a.person_id for a in roster} and objective == 0


def test_greedy_respects_weekly_caps_and_consecutive_days() -> None:
    p = person("p", max_minutes_per_week=16 * HOUR, max_consecutive_days=1)
    problem = make_problem([p], [day_shift(f"d{d}", d) for d in range(5)])
    roster, _ = checked(problem)
    days = sorted(int(a.shift_id[1:]) for a in roster)
    assert len(days) == 2 and days[1] - days[0] >= 2


def test_greedy_keeps_pins_and_skips_declines() -> None:
    problem = make_problem(
        [person("a"), person("b")],
        [shift("s", MON_08), shift("t", MON_08 + DAY)],
        pins=(Pin("b", "s"), Pin("a", "t", assigned=False)),
    )
    roster, _ = checked(problem)
    assert ("b", "s") in {(a.person_id, a.shift_id) for a in roster}
    assert ("a", "t") not in {(a.person_id, a.shift_id) for a in roster}


def test_greedy_declines_problems_with_minimum_work_rules() -> None:
    problem = make_problem([person("p", min_minutes_total=8 * HOUR)], [shift("s")])
    assert greedy_roster(problem) is None


def _replanning(seed: int) -> tuple[Problem, frozenset[tuple[str, str]]]:
    problem = random_problem(40, 6, seed=seed)
    roster = greedy_roster(problem)
    assert roster is not None
    return problem, frozenset((a.person_id, a.shift_id) for a in roster)


@pytest.mark.parametrize("seed", range(3))
def test_previous_roster_keeps_the_published_roster_and_refills_a_decline(seed: int) -> None:
    problem, published = _replanning(seed)
    gone = sorted(published)[seed]
    replanned = replace(problem, previous=published, pins=(Pin(*gone, assigned=False),))
    roster = previous_roster(replanned)
    assert roster is not None
    pairs = {(a.person_id, a.shift_id) for a in roster}
    assert published - pairs == {gone}  # only the declined pair goes; new pairs only fill open seats
    assert check(replanned, Solution(SolveStatus.FEASIBLE, tuple(roster), (), (), 0, 0)).violations == ()


def test_previous_roster_drops_the_shifts_of_someone_now_absent() -> None:
    problem, published = _replanning(1)
    person_id, shift_id = sorted(published)[0]
    absent = next(s for s in problem.shifts if s.id == shift_id)
    people = tuple(
        replace(p, absences=(Window(absent.start, absent.end),)) if p.id == person_id else p
        for p in problem.people
    )
    roster = previous_roster(replace(problem, people=people, previous=published))
    assert roster is not None
    pairs = {(a.person_id, a.shift_id) for a in roster}
    assert (person_id, shift_id) not in pairs
    assert published - pairs == {(person_id, shift_id)}


def _nurse_needed_twice(**fields) -> Problem:
    # The high-risk line comes first and goes to "p", the only nurse, whom the clinic needs.
    people = [person("p", skills={"nurse"}), person("q")]
    shifts = [shift("hr", MON_08, priority=Priority.HIGH_RISK), shift("clinic", MON_08, skill="nurse")]
    return make_problem(people, shifts, **fields)


def test_greedy_moves_a_person_to_the_line_only_they_can_fill_when_another_takes_theirs() -> None:
    roster, objective = checked(_nurse_needed_twice())
    assert {(a.person_id, a.shift_id) for a in roster} == {("p", "clinic"), ("q", "hr")}
    assert objective == 0


def test_greedy_keeps_a_weightier_line_that_nobody_else_can_take() -> None:
    problem = _nurse_needed_twice()
    problem = replace(problem, people=(problem.people[0],))  # no "q"
    roster, objective = checked(problem)
    assert {(a.person_id, a.shift_id) for a in roster} == {("p", "hr")}
    assert objective == problem.weights.shortfall_normal


def test_greedy_never_moves_a_pinned_person_to_fill_another_line() -> None:
    roster, objective = checked(_nurse_needed_twice(pins=(Pin("p", "hr"),)))
    assert {(a.person_id, a.shift_id) for a in roster} == {("p", "hr")}
    assert objective == _nurse_needed_twice().weights.shortfall_normal
