"""The independent checker: published Curtois rosters, mutated rosters, every hard rule, every soft kind."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest

from optimizer.check import CheckReport, check
from optimizer.curtois import (
    CurtoisInstance,
    RosterRow,
    read_instance,
    read_roster_csv,
    roster_to_solution,
    to_problem,
)
from optimizer.params import TEST_PARAMS
from optimizer.problem import (
    CompositionNeed,
    Demand,
    Person,
    Pin,
    Priority,
    Problem,
    Request,
    Rules,
    Shift,
    Skill,
    Succession,
    Weights,
    Window,
)
from optimizer.solution import Assignment, PenaltyLine, Solution, SolveStatus
from optimizer.solve import solve
from optimizer.validate import ProblemError

CURTOIS = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"
REFERENCES = CURTOIS / "reference-rosters"

# The published objective and its split (cover cost, request cost) of each reference roster.
PUBLISHED = {
    1: (608, 601, 7),
    2: (845, 800, 45),
    3: (1005, 1000, 5),
    4: (1733, 1706, 27),
    5: (1264, 1200, 64),
    6: (2378, 2312, 66),
    7: (1183, 1102, 81),
    8: (2736, 2509, 227),
    9: (442, 400, 42),
    10: (4650, 4605, 45),
}


def load_reference(n: int) -> tuple[CurtoisInstance, Problem, list[RosterRow]]:
    assert REFERENCES.is_dir(), f"the shared benchmark folder is missing: {REFERENCES}"
    instance = read_instance(CURTOIS / f"Instance{n}.txt")
    return instance, to_problem(instance), read_roster_csv(REFERENCES / f"Instance{n}.csv")


def check_rows(instance: CurtoisInstance, problem: Problem, rows: list[RosterRow]) -> CheckReport:
    return check(problem, roster_to_solution(instance, problem, rows))


def lines_of(report: CheckReport, rule: str, person: str) -> list[str]:
    return [v for v in report.violations if v.startswith(f"{rule}:") and f"person {person} " in v]


@pytest.mark.parametrize("n", sorted(PUBLISHED))
def test_check_finds_each_published_roster_feasible_with_its_published_objective(n: int) -> None:
    instance, problem, rows = load_reference(n)
    report = check_rows(instance, problem, rows)
    total, cover, requests = PUBLISHED[n]
    kinds = report.points_by_kind()
    assert report.violations == ()
    assert report.ok
    assert report.objective == total
    assert kinds.get("shortfall", 0) + kinds.get("overstaff", 0) == cover
    assert kinds.get("preference", 0) == requests
    assert set(kinds) <= {"shortfall", "overstaff", "preference"}


def test_check_reference_comment_lines_agree_with_the_published_table() -> None:
    for n, (total, cover, requests) in PUBLISHED.items():
        first = (REFERENCES / f"Instance{n}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# objective={total} cover={cover} requests={requests}"


def test_check_catches_a_shift_on_a_day_off() -> None:
    instance, problem, rows = load_reference(1)
    employee, days = instance.days_off[0]
    rows.append(RosterRow(employee, days[0], instance.shifts[0].id))
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "eligibility", employee)
    assert any("absence" in v and f"(day {days[0]})" in v for v in found), report.violations


def test_check_catches_two_shifts_in_a_day() -> None:
    instance, problem, rows = load_reference(3)
    row = rows[0]
    other = next(s.id for s in instance.shifts if s.id != row.shift)
    rows.append(RosterRow(row.employee, row.day, other))
    report = check_rows(instance, problem, rows)
    assert any("overlapping" in v for v in lines_of(report, "one_place_at_a_time", row.employee))


def test_check_catches_a_run_longer_than_max_consecutive_days() -> None:
    instance, problem, rows = load_reference(1)
    staff = instance.staff[1]
    off = dict(instance.days_off)[staff.id]
    start = next(
        d
        for d in range(instance.horizon)
        if all(x not in off for x in range(d, d + staff.max_consecutive_shifts + 1))
    )
    days = range(start, start + staff.max_consecutive_shifts + 1)
    rows = [r for r in rows if not (r.employee == staff.id and r.day in days)]
    rows += [RosterRow(staff.id, d, instance.shifts[0].id) for d in days]
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "consecutive_days", staff.id)
    assert any(f"> max_consecutive_days {staff.max_consecutive_shifts}" in v for v in found), (
        report.violations
    )


def test_check_catches_a_single_day_off_between_two_working_days() -> None:
    instance, problem, rows = load_reference(1)
    worked = {(r.employee, r.day) for r in rows}
    employee, day = next(
        (e.id, d)
        for e in instance.staff
        for d in range(1, instance.horizon - 1)
        if {(e.id, d - 1), (e.id, d), (e.id, d + 1)} <= worked and e.min_consecutive_days_off >= 2
    )
    rows = [r for r in rows if (r.employee, r.day) != (employee, day)]
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "consecutive_days", employee)
    assert any(f"off days {day}-{day}, a run of 1 < min_consecutive_days_off" in v for v in found)


def test_check_catches_a_single_working_day_inside_the_horizon() -> None:
    instance, problem, rows = load_reference(1)
    worked = {(r.employee, r.day) for r in rows}
    off = {(e, d) for e, days in instance.days_off for d in days}
    employee, day = next(
        (e.id, d)
        for e in instance.staff
        for d in range(2, instance.horizon - 2)
        if not {(e.id, d - 1), (e.id, d), (e.id, d + 1)} & (worked | off) and e.min_consecutive_shifts >= 2
    )
    rows.append(RosterRow(employee, day, instance.shifts[0].id))
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "consecutive_days", employee)
    assert any(f"works days {day}-{day}, a run of 1 < min_consecutive_days" in v for v in found), (
        report.violations
    )


def test_check_catches_a_forbidden_succession() -> None:
    instance, problem, rows = load_reference(2)
    caps = {e.id: dict(e.max_shifts) for e in instance.staff}
    by_day = {(r.employee, r.day): r for r in rows}
    first, then = next((s.id, t) for s in instance.shifts for t in s.cannot_follow)
    row = next(
        r
        for r in rows
        if r.shift == first and (r.employee, r.day + 1) in by_day and caps[r.employee][then] > 0
    )
    rows = [r for r in rows if r is not by_day[(row.employee, row.day + 1)]]
    rows.append(RosterRow(row.employee, row.day + 1, then))
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "rest", row.employee)
    assert any(f"on day {row.day} and {then!r} on day {row.day + 1}" in v for v in found), report.violations


def test_check_catches_too_many_weekends() -> None:
    instance, problem, rows = load_reference(4)
    staff = instance.staff[0]
    off = dict(instance.days_off)[staff.id]
    saturdays = [7 * w + 5 for w in range(instance.horizon // 7) if 7 * w + 5 not in off]
    taken = {(r.employee, r.day) for r in rows}
    rows += [RosterRow(staff.id, d, instance.shifts[0].id) for d in saturdays if (staff.id, d) not in taken]
    assert len(saturdays) > staff.max_weekends
    report = check_rows(instance, problem, rows)
    found = lines_of(report, "weekends", staff.id)
    assert any(f"> max_weekends {staff.max_weekends}" in v for v in found), report.violations


def test_check_catches_too_few_total_minutes() -> None:
    instance, problem, rows = load_reference(1)
    staff = instance.staff[0]
    assert staff.min_total_minutes > 0
    rows = [r for r in rows if r.employee != staff.id]
    report = check_rows(instance, problem, rows)
    assert lines_of(report, "hours", staff.id) == [
        f"hours: person {staff.id} works 0 min in total < min_minutes_total {staff.min_total_minutes}"
    ]


def test_check_catches_a_type_cap_and_a_type_the_person_may_never_work() -> None:
    instance, problem, rows = load_reference(2)
    banned = next(e for e in instance.staff if 0 in dict(e.max_shifts).values())
    shift = next(s for s, cap in banned.max_shifts if cap == 0)
    row = next(r for r in rows if r.employee == banned.id)
    rows = [r for r in rows if r is not row] + [RosterRow(banned.id, row.day, shift)]
    report = check_rows(instance, problem, rows)
    assert any("may never work" in v for v in lines_of(report, "eligibility", banned.id))
    assert any(f"type {shift!r} > cap 0" in v for v in lines_of(report, "task_type_caps", banned.id))


def test_check_reports_unknown_rows_instead_of_dropping_them() -> None:
    instance, problem, rows = load_reference(1)
    rows += [RosterRow("nobody", 0, instance.shifts[0].id), RosterRow(instance.staff[0].id, 99, "D")]
    report = check_rows(instance, problem, rows)
    assert sum("unknown" in v for v in report.violations) == 2


# ---- every hard rule on tiny hand-built problems -------------------------------------------------

DAY = 1440


def tiny(
    people: tuple[Person, ...] = (Person("p"),),
    shifts: tuple[Shift, ...] = (Shift("s", 480, 960, 0, (Demand(1),)),),
    horizon_days: int = 7,
    **kwargs: Any,
) -> Problem:
    return Problem(people=people, shifts=shifts, horizon_days=horizon_days, **kwargs)


def roster(*pairs: tuple[str, str] | tuple[str, str, int]) -> Solution:
    assignments = tuple(Assignment(*pair) for pair in pairs)
    return Solution(SolveStatus.FEASIBLE, assignments, unmet=(), breakdown=(), objective=0, bound=0)


def day_shift(day: int, name: str = "", task_type: str = "patrol") -> Shift:
    start = day * DAY + 480
    return Shift(name or f"s{day}", start, start + 480, day, (Demand(1),), task_type=task_type)


def days_problem(person: Person, horizon: int = 7, **kwargs: Any) -> Problem:
    return tiny((person,), tuple(day_shift(d) for d in range(horizon)), horizon_days=horizon, **kwargs)


def worked_days(*days: int) -> Solution:
    return roster(*(("p", f"s{d}") for d in days))


HARD_CASES = {
    "skill missing": (
        tiny(shifts=(Shift("s", 0, 60, 0, (Demand(1, "medic"),)),)),
        roster(("p", "s")),
        "eligibility: person p on shift s (day 0) lacks skill 'medic'",
    ),
    "skill expired before the shift": (
        tiny(
            (Person("p", skills=(Skill("medic", valid_until=59),)),),
            (Shift("s", 60, 120, 0, (Demand(1, "medic"),)),),
        ),
        roster(("p", "s")),
        "lacks skill 'medic' valid at minute 60",
    ),
    "outside availability": (
        tiny((Person("p", available=(Window(0, 500), Window(900, 2000))),)),
        roster(("p", "s")),
        "outside every availability window",
    ),
    "absence overlaps": (
        tiny((Person("p", absences=(Window(959, 970),)),)),
        roster(("p", "s")),
        "overlaps absence",
    ),
    "no night": (
        tiny((Person("p", no_night=True),), (Shift("s", 0, 60, 0, (Demand(1),), night=True),)),
        roster(("p", "s")),
        "is a night shift",
    ),
    "no heavy": (
        tiny((Person("p", no_heavy=True),), (Shift("s", 0, 60, 0, (Demand(1),), heavy=True),)),
        roster(("p", "s")),
        "is a heavy shift",
    ),
    "type cap 0": (
        tiny((Person("p", max_shifts_by_type=(("patrol", 0),)),)),
        roster(("p", "s")),
        "may never work",
    ),
    "declined pin": (tiny(pins=(Pin("p", "s", assigned=False),)), roster(("p", "s")), "forbidden by a pin"),
    "demand line missing": (tiny(), roster(("p", "s", 1)), "fills demand line 1, which does not exist"),
    "two lines of one shift": (
        tiny(shifts=(Shift("s", 0, 60, 0, (Demand(1), Demand(1))),)),
        roster(("p", "s", 0), ("p", "s", 1)),
        "one_place_at_a_time: person p fills more than one line of shift s",
    ),
    "overlap": (
        tiny(shifts=(Shift("a", 0, 600, 0, (Demand(1),)), Shift("b", 100, 200, 0, (Demand(1),)))),
        roster(("p", "a"), ("p", "b")),
        "one_place_at_a_time: person p works overlapping shifts a (day 0) and b (day 0)",
    ),
    "min rest": (
        tiny(
            shifts=(Shift("a", 0, 600, 0, (Demand(1),)), Shift("b", 1000, 1200, 0, (Demand(1),))),
            rules=Rules(min_rest_minutes=401),
        ),
        roster(("p", "a"), ("p", "b")),
        "rest: person p has 400 min between shift a (day 0) and b (day 0) < min_rest_minutes 401",
    ),
    "forbidden succession": (
        tiny(
            shifts=(day_shift(0, "a", "night"), day_shift(1, "b", "day")),
            rules=Rules(forbidden_successions=(Succession("night", "day"),)),
        ),
        roster(("p", "a"), ("p", "b")),
        "rest: person p works 'night' on day 0 and 'day' on day 1",
    ),
    "max per day (rules)": (
        tiny(rules=Rules(max_minutes_per_day=479)),
        roster(("p", "s")),
        "hours: person p works 480 min on day 0 > max per day 479",
    ),
    "max per day (person)": (
        tiny((Person("p", max_minutes_per_day=300),), rules=Rules(max_minutes_per_day=479)),
        roster(("p", "s")),
        "> max per day 300",
    ),
    "max per week": (
        days_problem(Person("p", max_minutes_per_week=959), horizon=14, first_weekday=5),
        worked_days(2, 3),
        "hours: person p works 960 min in week 1 > max_minutes_per_week 959",
    ),
    "max total": (
        days_problem(Person("p", max_minutes_total=959)),
        worked_days(0, 6),
        "hours: person p works 960 min in total > max_minutes_total 959",
    ),
    "weekends": (
        days_problem(Person("p", max_weekends=1), horizon=14),
        worked_days(6, 12),
        "weekends: person p works 2 weekends (weeks [0, 1]) > max_weekends 1",
    ),
    "type cap": (
        days_problem(Person("p", max_shifts_by_type=(("patrol", 1),))),
        worked_days(0, 2),
        "task_type_caps: person p works 2 shifts of type 'patrol' > cap 1",
    ),
    "pin missing": (tiny(pins=(Pin("p", "s"),)), roster(), "pins: person p is pinned to shift s"),
    "staffing cap": (
        tiny((Person("p"), Person("q")), rules=Rules(max_extra_heads=0)),
        roster(("p", "s"), ("q", "s")),
        "staffing_cap: shift s (day 0) line 0 has 2 people > count 1 + max_extra_heads 0",
    ),
}


@pytest.mark.parametrize("case", sorted(HARD_CASES))
def test_check_names_each_broken_hard_rule(case: str) -> None:
    problem, solution, expected = HARD_CASES[case]
    report = check(problem, solution)
    assert any(expected in v for v in report.violations), report.violations
    assert not report.ok


def test_check_accepts_shifts_that_touch_and_exact_limits() -> None:
    person = Person(
        "p",
        skills=(Skill("medic", valid_until=480),),
        available=(Window(480, 960), Window(960, 1440)),
        absences=(Window(0, 480), Window(1440, 1500)),
        max_minutes_per_day=960,
        max_minutes_total=960,
        min_minutes_total=960,
        max_shifts_by_type=(("patrol", 2),),
    )
    shifts = (Shift("a", 480, 960, 0, (Demand(1, "medic"),)), Shift("b", 960, 1440, 0, (Demand(1),)))
    problem = tiny(
        (person,), shifts, rules=Rules(min_rest_minutes=0, max_extra_heads=0), pins=(Pin("p", "a"),)
    )
    assert check(problem, roster(("p", "a"), ("p", "b"))).violations == ()


def test_check_rest_counts_from_end_to_start_and_accepts_exactly_the_minimum() -> None:
    shifts = (Shift("a", 0, 600, 0, (Demand(1),)), Shift("b", 1000, 1200, 0, (Demand(1),)))
    assert check(tiny(shifts=shifts, rules=Rules(min_rest_minutes=400)), roster(("p", "a"), ("p", "b"))).ok


def test_check_week_index_follows_first_weekday() -> None:
    person = Person("p", max_minutes_per_week=480)
    # first_weekday 5 (Saturday): days 0-1 are week 0, day 2 (Monday) starts week 1.
    assert check(days_problem(person, first_weekday=5), worked_days(1, 2)).ok
    assert not check(days_problem(person, first_weekday=0), worked_days(1, 2)).ok


def test_check_weekend_is_one_whether_saturday_sunday_or_both() -> None:
    problem = days_problem(Person("p", max_weekends=1), horizon=14)
    assert check(problem, worked_days(5, 6)).ok
    assert check(problem, worked_days(6, 7)).ok
    assert not check(problem, worked_days(5, 13)).ok


@pytest.mark.parametrize(
    ("limit", "days", "broken"),
    [
        # max_consecutive_days: runs at the edges count (days outside the horizon are off).
        ({"max_consecutive_days": 2}, (0, 1), False),
        ({"max_consecutive_days": 2}, (0, 1, 2), True),
        ({"max_consecutive_days": 2}, (4, 5, 6), True),
        ({"max_consecutive_days": 2}, (0, 1, 3, 4, 6), False),
        # min_consecutive_days: a run touching day 0 or the last day is exempt.
        ({"min_consecutive_days": 2}, (0,), False),
        ({"min_consecutive_days": 2}, (6,), False),
        ({"min_consecutive_days": 2}, (3,), True),
        ({"min_consecutive_days": 2}, (1, 2), False),
        ({"min_consecutive_days": 3}, (1, 2), True),
        ({"min_consecutive_days": 2}, (), False),
        # min_consecutive_days_off: an off run touching day 0 or the last day is exempt.
        ({"min_consecutive_days_off": 2}, (1, 2, 3, 4, 5, 6), False),
        ({"min_consecutive_days_off": 2}, (0, 1, 2, 3, 4, 5), False),
        ({"min_consecutive_days_off": 2}, (0, 2), True),
        ({"min_consecutive_days_off": 2}, (0, 3), False),
        ({"min_consecutive_days_off": 2}, (), False),
    ],
)
def test_check_consecutive_days_boundary_semantics(
    limit: dict[str, int], days: tuple[int, ...], broken: bool
) -> None:
    report = check(days_problem(Person("p", **limit)), worked_days(*days))
    assert any(v.startswith("consecutive_days:") for v in report.violations) is broken, report.violations


# ---- the soft recomputation on tiny problems ------------------------------------------------------


def soft(problem: Problem, solution: Solution) -> dict[tuple[str, str], tuple[int, int]]:
    report = check(problem, solution)
    assert report.objective == sum(line.points for line in report.breakdown)
    return {(line.kind, line.subject): (line.amount, line.points) for line in report.breakdown}


def test_check_shortfall_uses_the_priority_weight_unless_the_shift_overrides_it() -> None:
    shifts = (
        Shift("e", 0, 60, 0, (Demand(2),), priority=Priority.EMERGENCY),
        Shift("h", 0, 60, 0, (Demand(1),), priority=Priority.HIGH_RISK),
        Shift("n", 0, 60, 0, (Demand(3),)),
        Shift("o", 0, 60, 0, (Demand(1),), priority=Priority.EMERGENCY, under_weight=7),
    )
    assert soft(tiny(shifts=shifts), roster(("p", "e"))) == {
        ("shortfall", "e"): (1, 100_000),
        ("shortfall", "h"): (1, 20_000),
        ("shortfall", "n"): (3, 30_000),
        ("shortfall", "o"): (1, 7),
    }


def test_check_shortfall_and_overstaff_count_each_demand_line() -> None:
    shifts = (Shift("s", 0, 60, 0, (Demand(1), Demand(1, "medic"))),)
    people = (Person("a"), Person("b"), Person("c", skills=(Skill("medic"),)))
    result = soft(
        tiny(people, shifts, rules=Rules(max_extra_heads=None)), roster(("a", "s", 0), ("b", "s", 0))
    )
    assert result == {("overstaff", "s"): (1, 50), ("shortfall", "s"): (1, 10_000)}


def test_check_overstaff_uses_the_override_when_set() -> None:
    shifts = (Shift("s", 0, 60, 0, (Demand(0),), over_weight=3),)
    people = (Person("a"), Person("b"))
    assert soft(tiny(people, shifts, rules=Rules(max_extra_heads=None)), roster(("a", "s"), ("b", "s"))) == {
        ("overstaff", "s"): (2, 6)
    }


def test_check_party_lead_and_composition_count_tagged_people_on_the_shift() -> None:
    needs = (
        CompositionNeed("party_member", 2, kind="party_lead"),
        CompositionNeed("experienced", 1),
        CompositionNeed("professional", 1),
    )
    shifts = (Shift("s", 0, 60, 0, (Demand(2),), needs=needs),)
    people = (Person("a", tags=frozenset({"party_member", "professional"})), Person("b"))
    assert soft(tiny(people, shifts), roster(("a", "s"), ("b", "s"))) == {
        ("party_lead", "s"): (1, 3_000),
        ("composition", "s"): (1, 1_000),
    }


def test_check_change_counts_the_symmetric_difference_within_the_problem() -> None:
    shifts = (Shift("s", 0, 60, 0, (Demand(1),)), Shift("t", 100, 160, 0, (Demand(1),)))
    previous = frozenset({("a", "s"), ("b", "t"), ("a", "gone")})
    problem = tiny((Person("a"), Person("b")), shifts, previous=previous)
    assert soft(problem, roster(("a", "s"), ("a", "t"))) == {
        ("change", "a"): (1, 400),
        ("change", "b"): (1, 400),
    }
    assert soft(problem, roster(("a", "s"), ("b", "t"))) == {}


def test_check_fairness_and_quota_round_up_to_whole_hours() -> None:
    people = (
        Person("a", fair_share_minutes=419),
        Person("b", quota_minutes_due=481),
        Person("c", fair_share_minutes=480),
    )
    shifts = (
        Shift("s", 0, 480, 0, (Demand(1),)),
        Shift("t", 0, 1, 0, (Demand(1),)),
        Shift("u", 0, 480, 0, (Demand(1),)),
    )
    assert soft(tiny(people, shifts), roster(("a", "s"), ("b", "t"), ("c", "u"))) == {
        ("fairness", "a"): (2, 40),
        ("quota", "b"): (8, 120),
    }


def test_check_preference_wanted_costs_once_and_unwanted_costs_per_shift() -> None:
    shifts = (day_shift(0, "a", "patrol"), day_shift(1, "b", "patrol"), day_shift(1, "c", "desk"))
    requests = (
        Request("p", 5, wanted=True, day=1, task_type="desk"),
        Request("p", 3, wanted=True, shift_id="a"),
        Request("p", 2, wanted=False, day=1),
        Request("p", 4, wanted=True, day=0),
    )
    problem = tiny(shifts=shifts, requests=requests, weights=Weights(preference=10))
    assert soft(problem, roster(("p", "a"), ("p", "b"))) == {
        ("shortfall", "c"): (1, 10_000),
        ("preference", "0"): (1, 50),
        ("preference", "2"): (1, 20),
    }


def test_check_continuity_distance_and_reliability_are_per_assignment() -> None:
    person = Person(
        "p",
        home_grid="g1",
        home_community="c1",
        recent_grids=frozenset({"g1"}),
        no_show_permille=30,
    )
    shifts = (
        Shift("home", 0, 60, 0, (Demand(1),), grid_id="g1", community_id="c1"),
        Shift(
            "near", 100, 160, 0, (Demand(1),), grid_id="g2", community_id="c1", priority=Priority.HIGH_RISK
        ),
        Shift("far", 200, 260, 0, (Demand(1),), grid_id="g3", community_id="c2", priority=Priority.EMERGENCY),
    )
    problem = tiny((person,), shifts, weights=Weights(reliability=1))
    assert soft(problem, roster(("p", "home"), ("p", "near"), ("p", "far"))) == {
        ("continuity", "p"): (2, 8),
        ("distance", "p"): (3, 6),
        ("reliability", "p"): (60, 60),
    }


def test_check_weights_of_zero_switch_kinds_off() -> None:
    shifts = (Shift("s", 0, 60, 0, (Demand(2),)),)
    zero = dataclasses.replace(Weights(), shortfall_normal=0)
    report = check(tiny(shifts=shifts, weights=zero), roster())
    assert report.breakdown == ()
    assert report.objective == 0


def test_check_breakdown_lines_are_penalty_lines_summing_to_the_objective() -> None:
    instance, problem, rows = load_reference(1)
    report = check_rows(instance, problem, rows)
    assert all(isinstance(line, PenaltyLine) and line.points > 0 for line in report.breakdown)
    assert sum(line.points for line in report.breakdown) == report.objective


# ---- double entry: the model and the checker agree on random small problems -----------------------


def random_problem(seed: int) -> Problem:
    """A small problem that uses every field the README's rules read."""
    rng = random.Random(seed)
    horizon = rng.choice([5, 7, 9])
    grids = {"g1": "c1", "g2": "c1", "g3": "c2"}
    shifts = []
    for day in range(horizon):
        for k in range(rng.randint(1, 3)):
            start = day * DAY + 60 * rng.choice([0, 6, 8, 14, 20, 22])
            grid = rng.choice(sorted(grids))
            shifts.append(
                Shift(
                    f"s{day}.{k}",
                    start,
                    start + 60 * rng.randint(4, 10),
                    day,
                    tuple(
                        Demand(rng.randint(0, 2), rng.choice([None, None, "medic"]))
                        for _ in range(rng.randint(1, 2))
                    ),
                    task_type=rng.choice(["patrol", "desk", "night"]),
                    grid_id=grid,
                    community_id=grids[grid],
                    priority=rng.choice(list(Priority)),
                    needs=tuple(
                        CompositionNeed(tag, 1, kind)
                        for tag, kind in (("party_member", "party_lead"), ("professional", "composition"))
                        if rng.random() < 0.3
                    ),
                    night=(start % DAY) >= 20 * 60 or (start % DAY) < 6 * 60,
                    heavy=rng.random() < 0.2,
                    under_weight=rng.choice([None, None, None, 500]),
                    over_weight=rng.choice([None, None, 7]),
                )
            )
    people = []
    for i in range(rng.randint(3, 5)):
        maybe = rng.random
        people.append(
            Person(
                f"p{i}",
                tags=frozenset(t for t in ("party_member", "professional") if maybe() < 0.4),
                skills=(Skill("medic", rng.choice([None, rng.randrange(horizon * DAY)])),)
                if maybe() < 0.5
                else (),
                home_grid=rng.choice([None, *sorted(grids)]),
                home_community=rng.choice([None, "c1", "c2"]),
                available=(
                    Window(0, rng.randrange(horizon * DAY)),
                    Window(rng.randrange(horizon * DAY), horizon * DAY),
                )
                if maybe() < 0.3
                else None,
                absences=(Window(d * DAY, d * DAY + 720),)
                if maybe() < 0.3 and (d := rng.randrange(horizon))
                else (),
                no_night=maybe() < 0.2,
                no_heavy=maybe() < 0.2,
                max_minutes_per_day=rng.choice([None, 600, 900]),
                max_minutes_per_week=rng.choice([None, 1800, 2400]),
                max_minutes_total=rng.choice([None, 2400, 3000]),
                min_minutes_total=rng.choice([None, None, 0, 240]),
                max_consecutive_days=rng.choice([None, 2, 3]),
                min_consecutive_days=rng.choice([None, 2]),
                min_consecutive_days_off=rng.choice([None, 2]),
                max_weekends=rng.choice([None, 0, 1]),
                max_shifts_by_type=tuple(
                    (t, rng.randint(0, 3)) for t in ("patrol", "night") if maybe() < 0.3
                ),
                quota_minutes_due=rng.choice([0, 0, 600]),
                recent_grids=frozenset(g for g in grids if maybe() < 0.3),
                no_show_permille=rng.choice([0, 0, 50]),
                fair_share_minutes=rng.choice([None, 900]),
            )
        )
    requests = tuple(
        Request(
            rng.choice(people).id,
            rng.randint(1, 5),
            rng.random() < 0.5,
            shift_id=rng.choice(shifts).id if rng.random() < 0.3 else None,
            day=rng.randrange(horizon),
            task_type=rng.choice([None, "patrol", "desk"]),
        )
        for _ in range(rng.randint(0, 6))
    )
    pins = tuple(
        Pin(rng.choice(people).id, rng.choice(shifts).id, assigned=False) for _ in range(rng.randint(0, 3))
    )
    previous = frozenset((rng.choice(people).id, rng.choice(shifts).id) for _ in range(rng.randint(0, 4)))
    rules = Rules(
        min_rest_minutes=rng.choice([0, 480, 660]),
        forbidden_successions=(Succession("night", "patrol"),) if rng.random() < 0.5 else (),
        max_minutes_per_day=rng.choice([None, 720]),
        max_extra_heads=rng.choice([0, 1, None]),
    )
    weights = Weights(reliability=rng.choice([0, 1]))
    return Problem(
        tuple(people),
        tuple(shifts),
        horizon,
        rules=rules,
        weights=weights,
        requests=requests,
        pins=pins,
        previous=previous,
        first_weekday=rng.randrange(7),
        known_skills=frozenset({"medic"}),
    )


def without_minimums(problem: Problem) -> Problem:
    people = tuple(dataclasses.replace(p, min_minutes_total=None) for p in problem.people)
    return dataclasses.replace(problem, people=people)


@pytest.mark.parametrize("seed", range(40))
def test_check_agrees_with_the_model_on_random_small_problems(seed: int) -> None:
    problem = random_problem(seed)
    try:
        solution = solve(problem, TEST_PARAMS)
    except ProblemError as error:
        assert error.code == "min_minutes_unreachable"
        problem = without_minimums(problem)
        solution = solve(problem, TEST_PARAMS)
    if solution.status == SolveStatus.NO_ROSTER:
        # Only a minimum can make a roster without assigned pins impossible (README: never infeasible).
        assert any(p.min_minutes_total for p in problem.people)
        problem = without_minimums(problem)
        solution = solve(problem, TEST_PARAMS)
    report = check(problem, solution)
    assert solution.status != SolveStatus.NO_ROSTER
    assert report.violations == ()
    assert report.objective == solution.objective
    assert sorted(report.breakdown, key=repr) == sorted(solution.breakdown, key=repr)
