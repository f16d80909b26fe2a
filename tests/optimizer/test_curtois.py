"""Curtois & Qu instances: parsing, errors with line numbers, the mapping onto a Problem, CSV rosters."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.bench_curtois import run_curtois
from optimizer.check import check
from optimizer.curtois import (
    CurtoisFormatError,
    RosterRow,
    parse_instance,
    read_instance,
    read_roster_csv,
    roster_to_solution,
    shift_id,
    solution_to_rows,
    to_problem,
    write_roster_csv,
)
from optimizer.params import TEST_PARAMS
from optimizer.problem import MINUTES_PER_DAY, Demand, Request, Succession, Window
from optimizer.solution import PenaltyLine, SolveStatus
from optimizer.solve import solve

CURTOIS = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois"

# Days, staff, shift types, days-off entries, on-requests, off-requests: the README's table.
SIZES = {
    1: (14, 8, 1, 8, 21, 5),
    2: (14, 14, 2, 14, 50, 12),
    5: (28, 16, 2, 32, 79, 27),
    10: (28, 40, 5, 80, 210, 74),
    14: (42, 32, 4, 128, 266, 93),
    18: (84, 22, 3, 176, 322, 92),
    24: (364, 150, 32, 5400, 9540, 4269),
}

SMALL = """\
# a comment
SECTION_HORIZON
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
E,480,
L,600,E
# a comment inside a section

SECTION_STAFF
A,E=5|L=0,2400,960,3,2,2,1
B,E=7|L=7,4800,0,7,1,1,2

SECTION_DAYS_OFF
A,0,3
B,

SECTION_SHIFT_ON_REQUESTS
A,1,E,2

SECTION_SHIFT_OFF_REQUESTS
B,6,L,3

SECTION_COVER
0,E,1,100,1
0,L,0,100,1
1,E,1,100,1
1,L,1,90,2
2,E,1,100,1
2,L,1,100,1
3,E,1,100,1
3,L,1,100,1
4,E,1,100,1
4,L,1,100,1
5,E,1,100,1
5,L,1,100,1
6,E,1,100,1
6,L,1,100,1
"""


def instance_file(n: int) -> Path:
    path = CURTOIS / f"Instance{n}.txt"
    assert path.is_file(), f"the shared benchmark folder is missing: {path}"
    return path


@pytest.mark.parametrize("n", sorted(SIZES))
def test_curtois_parses_instance_sizes_of_the_readme_table(n: int) -> None:
    instance = read_instance(instance_file(n))
    days, staff, types, off, on_requests, off_requests = SIZES[n]
    assert instance.name == f"Instance{n}"
    assert instance.horizon == days
    assert len(instance.staff) == staff
    assert len(instance.shifts) == types
    assert sum(len(d) for _, d in instance.days_off) == off
    assert (len(instance.on_requests), len(instance.off_requests)) == (on_requests, off_requests)
    assert len(instance.cover) == days * types


def test_curtois_parses_every_field_of_a_small_file() -> None:
    instance = parse_instance(SMALL, name="small")
    assert [(s.id, s.minutes, s.cannot_follow) for s in instance.shifts] == [
        ("E", 480, ()),
        ("L", 600, ("E",)),
    ]
    a, b = instance.staff
    assert (a.id, a.max_shifts, a.max_total_minutes, a.min_total_minutes) == (
        "A",
        (("E", 5), ("L", 0)),
        2400,
        960,
    )
    assert (
        a.max_consecutive_shifts,
        a.min_consecutive_shifts,
        a.min_consecutive_days_off,
        a.max_weekends,
    ) == (
        3,
        2,
        2,
        1,
    )
    assert b.max_weekends == 2
    assert instance.days_off == (("A", (0, 3)), ("B", ()))
    assert [(r.employee, r.day, r.shift, r.weight) for r in instance.on_requests] == [("A", 1, "E", 2)]
    assert [(r.employee, r.day, r.shift, r.weight) for r in instance.off_requests] == [("B", 6, "L", 3)]
    line = next(c for c in instance.cover if (c.day, c.shift) == (1, "L"))
    assert (line.requirement, line.weight_under, line.weight_over) == (1, 90, 2)


def test_curtois_parses_crlf_identically() -> None:
    text = instance_file(3).read_text(encoding="utf-8")
    assert "\r" not in text
    assert parse_instance(text.replace("\n", "\r\n"), name="x") == parse_instance(text, name="x")
    assert parse_instance(SMALL.replace("\n", "\r\n")) == parse_instance(SMALL)


def test_curtois_accepts_trailing_commas_and_a_missing_cannot_follow_field() -> None:
    text = (
        SMALL.replace("E,480,\n", "E,480\n").replace("A,1,E,2\n", "A,1,E,2,\n").replace("A,0,3\n", "A,0,3,\n")
    )
    assert parse_instance(text) == parse_instance(SMALL)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the last line equal to ``needle``."""
    return max(i for i, line in enumerate(text.splitlines(), start=1) if line == needle)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("SECTION_STAFF", "SECTION_STAFFING", "unknown section 'SECTION_STAFFING'"),
        ("L,600,E", "L,600,X", "unknown shift id 'X'"),
        ("A,E=5|L=0,2400,960,3,2,2,1", "A,E=5|Q=0,2400,960,3,2,2,1", "unknown shift id 'Q'"),
        (
            "A,E=5|L=0,2400,960,3,2,2,1",
            "A,E=5|L=0,2400,96O,3,2,2,1",
            "MinTotalMinutes must be an integer, got '96O'",
        ),
        ("A,E=5|L=0,2400,960,3,2,2,1", "A,E=5|L,2400,960,3,2,2,1", "MaxShifts entry 'L' is not ShiftID=max"),
        ("A,E=5|L=0,2400,960,3,2,2,1", "A,E=5|L=0,2400,960,3,2,2", "expected 8 fields"),
        ("L,600,E", "L,1440,E", "must be shorter than a day"),
        ("A,1,E,2", "C,1,E,2", "unknown employee id 'C'"),
        ("A,1,E,2", "A,7,E,2", "day 7 is outside the horizon 0..6"),
        ("B,6,L,3", "B,6,L,x", "weight must be an integer, got 'x'"),
        ("4,L,1,100,1", "4,L,-1,100,1", "requirement must be at least 0, got -1"),
        ("5,E,1,100,1", "4,E,1,100,1", "second cover line for day 4 shift E"),
    ],
)
def test_curtois_format_errors_name_the_line(old: str, new: str, message: str) -> None:
    text = SMALL.replace(f"\n{old}\n", f"\n{new}\n", 1)
    assert text != SMALL
    with pytest.raises(CurtoisFormatError, match=message) as error:
        parse_instance(text, source="small.txt")
    assert error.value.line == line_of(text, new)
    assert str(error.value).startswith(f"small.txt:{error.value.line}: ")


def test_curtois_format_errors_for_missing_sections_and_data_before_a_header() -> None:
    with pytest.raises(CurtoisFormatError, match="missing section SECTION_COVER"):
        parse_instance(SMALL[: SMALL.index("SECTION_COVER")])
    with pytest.raises(CurtoisFormatError, match="data before any SECTION_ header") as error:
        parse_instance("# comment\n\n7\n" + SMALL)
    assert error.value.line == 3
    with pytest.raises(CurtoisFormatError, match="no cover line for day 6 shift L"):
        parse_instance(SMALL.replace("6,L,1,100,1\n", ""))


def test_curtois_to_problem_maps_onto_the_optimizer_families() -> None:
    instance = parse_instance(SMALL)
    problem = to_problem(instance)
    assert problem.horizon_days == 7
    assert problem.first_weekday == 0
    assert len(problem.shifts) == 14
    late = next(s for s in problem.shifts if s.id == shift_id(1, "L"))
    assert (late.start, late.end, late.day, late.task_type) == (1440, 1440 + 600, 1, "L")
    assert (late.demands, late.under_weight, late.over_weight) == ((Demand(1),), 90, 2)
    a = problem.people[0]
    assert a.absences == (Window(0, 1440), Window(3 * 1440, 4 * 1440))
    assert (a.max_minutes_total, a.min_minutes_total, a.max_weekends) == (2400, 960, 1)
    assert (a.max_consecutive_days, a.min_consecutive_days, a.min_consecutive_days_off) == (3, 2, 2)
    assert a.max_shifts_of_type("L") == 0
    assert problem.rules.forbidden_successions == (Succession("L", "E"),)
    assert problem.rules.max_extra_heads is None
    assert problem.rules.min_rest_minutes == 0
    assert problem.requests == (
        Request("A", 2, True, day=1, task_type="E"),
        Request("B", 3, False, day=6, task_type="L"),
    )
    weights = problem.weights
    assert weights.preference == 1
    assert weights.shortfall_normal == weights.overstaff == weights.change == weights.fairness_per_hour == 0


def test_curtois_shifts_of_one_day_overlap_and_of_different_days_never_do() -> None:
    for n in (3, 24):
        problem = to_problem(read_instance(instance_file(n)))
        for s in problem.shifts:
            assert s.start == s.day * MINUTES_PER_DAY
            assert 0 < s.minutes < MINUTES_PER_DAY
            assert s.end <= (s.day + 1) * MINUTES_PER_DAY


def test_curtois_two_shifts_a_day_and_a_cover_miss_are_scored_like_the_benchmark() -> None:
    instance = parse_instance(SMALL)
    problem = to_problem(instance)
    rows = [RosterRow("B", 1, "E"), RosterRow("B", 1, "L"), RosterRow("B", 6, "L")]
    report = check(problem, roster_to_solution(instance, problem, rows))
    assert any(v.startswith("one_place_at_a_time: person B works overlapping") for v in report.violations)
    kinds = report.points_by_kind()
    # 13 cover lines need one person (day 0 L needs nobody); 3 are covered, 10 short at 100 each.
    assert kinds["shortfall"] == 10 * 100
    assert "overstaff" not in kinds
    assert kinds["preference"] == 2 + 3  # A's on-request missed, B's off-request worked


def test_curtois_roster_csv_round_trip(tmp_path: Path) -> None:
    rows = [RosterRow("B", 2, "L"), RosterRow("A", 1, "E")]
    path = tmp_path / "roster.csv"
    write_roster_csv(rows, path, comment="objective=1")
    assert path.read_text(encoding="utf-8") == "# objective=1\nA,1,E\nB,2,L\n"
    assert read_roster_csv(path) == sorted(rows, key=lambda r: r.employee)


def test_curtois_roster_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("# comment\nA,1,E\nA,x,E\n", encoding="utf-8")
    with pytest.raises(CurtoisFormatError, match="day must be an integer") as error:
        read_roster_csv(path)
    assert error.value.line == 3
    path.write_text("A,1\n", encoding="utf-8")
    with pytest.raises(CurtoisFormatError, match="expected EmployeeID,Day,ShiftID"):
        read_roster_csv(path)


def test_curtois_solution_rows_give_back_the_roster() -> None:
    instance = read_instance(instance_file(1))
    problem = to_problem(instance)
    rows = read_roster_csv(CURTOIS / "reference-rosters" / "Instance1.csv")
    solution = roster_to_solution(instance, problem, rows)
    assert solution.objective == check(problem, solution).objective == 608
    assert sorted(solution_to_rows(problem, solution), key=str) == sorted(rows, key=str)


def test_curtois_instance1_solves_deterministically_to_the_published_optimum_the_checker_confirms() -> None:
    problem = to_problem(read_instance(instance_file(1)))
    solution = solve(problem, TEST_PARAMS)
    report = check(problem, solution)
    assert report.violations == ()
    assert report.objective == solution.objective == 607  # the published optimum (LB = UB)
    assert solution.status == SolveStatus.OPTIMAL
    assert solution.bound == 607
    assert totals(report.breakdown) == totals(solution.breakdown)


def test_curtois_bench_run_writes_a_roster_the_checker_scores_the_same(tmp_path: Path) -> None:
    out = tmp_path / "Instance1.csv"
    result = run_curtois(instance_file(1), seconds=5, workers=1, out=out)
    assert set(result) == {"instance", "objective", "lower_bound", "seconds", "hard_violations", "status"}
    assert result["instance"] == "Instance1"
    assert result["hard_violations"] == 0
    assert 607 <= result["lower_bound"] <= result["objective"]
    instance = read_instance(instance_file(1))
    problem = to_problem(instance)
    rescored = check(problem, roster_to_solution(instance, problem, read_roster_csv(out)))
    assert rescored.ok
    assert rescored.objective == result["objective"]
    assert out.read_text(encoding="utf-8").startswith(f"# objective={result['objective']} ")


def totals(breakdown: tuple[PenaltyLine, ...]) -> dict[tuple[str, str], int]:
    """Points per (kind, subject): the model and the checker may split a subject's lines differently."""
    result: dict[tuple[str, str], int] = {}
    for line in breakdown:
        result[line.kind, line.subject] = result.get((line.kind, line.subject), 0) + line.points
    return result
