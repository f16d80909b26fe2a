"""columns.py: column generation over people and its dive — valid rosters, honest bounds, and
solve.py calling it only where it pays."""

import dataclasses
import importlib

import pytest

from optimizer import TEST_PARAMS, CompositionNeed, Request, Rules, SolveParams, Weights
from optimizer.check import check_roster
from optimizer.columns import _Master, applies, column_roster
from optimizer.eligibility import eligible_triples
from optimizer.solution import SolveStatus
from tests.builders import day_shift, make_problem, minimum_problem, person, random_problem, solve_and_check

solve_module = importlib.import_module("optimizer.solve")
NEVER = lambda: False  # noqa: E731


def test_applies_only_where_every_penalty_but_coverage_is_one_persons():
    ward = minimum_problem(6, seed=1)
    assert applies(ward, list(eligible_triples(ward)))
    # The street's default staffing cap (no extra heads) couples people where a line has more
    # candidates than its count.
    street = random_problem(12, 2, seed=1)
    assert street.rules.max_extra_heads == 0
    assert not applies(street, list(eligible_triples(street)))
    # A cap that can never bind couples nobody.
    capped = dataclasses.replace(ward, rules=dataclasses.replace(ward.rules, max_extra_heads=0))
    assert not applies(capped, list(eligible_triples(capped)))
    roomy = dataclasses.replace(ward, rules=dataclasses.replace(ward.rules, max_extra_heads=len(ward.people)))
    assert applies(roomy, list(eligible_triples(roomy)))
    # Composition needs (a party-member lead) couple the people of a shift.
    led = make_problem(
        [person("a", tags=frozenset({"party"})), person("b")],
        [day_shift("d0", 0, needs=(CompositionNeed("party", kind="party_lead"),))],
        rules=Rules(max_extra_heads=None),
    )
    assert not applies(led, list(eligible_triples(led)))


def test_two_people_share_four_days_as_their_rules_and_wishes_say():
    """a works at most two days in a row and wants day 0; b works one day at most and would
    rather not work day 0 or 1. The only roster of cost 0: a on 0, 1 and 3, b on 2."""
    days = [day_shift(f"d{d}", d) for d in range(4)]
    people = [
        person("a", max_consecutive_days=2),
        person("b", max_minutes_total=8 * 60),
    ]
    requests = (
        Request("a", 50, True, shift_id="d0"),
        Request("b", 5, False, shift_id="d0"),
        Request("b", 5, False, shift_id="d1"),
    )
    problem = make_problem(people, days, days=4, requests=requests, rules=Rules(max_extra_heads=None))
    found = column_roster(problem, list(eligible_triples(problem)), 30.0, NEVER)
    assert found is not None and found.complete
    report = check_roster(problem, found.assignments)
    assert report.violations == ()
    assert sorted((a.person_id, a.shift_id) for a in found.assignments) == [
        ("a", "d0"),
        ("a", "d1"),
        ("a", "d3"),
        ("b", "d2"),
    ]
    assert report.objective == found.bound == 0


def test_the_integer_program_over_the_columns_mends_a_rounding_that_leaves_a_line_short():
    """Both people's heaviest columns are day 0; among the columns priced there is a roster that
    fills both days. SCIP finds it; given that roster it finds nothing better (None)."""
    days = [day_shift(f"d{d}", d) for d in range(2)]
    problem = make_problem([person("a"), person("b")], days, days=2, rules=Rules(max_extra_heads=None))
    master = _Master(problem, ["a", "b"])
    d0, d1 = frozenset({("d0", 0)}), frozenset({("d1", 0)})
    for p, columns in (("a", ((d0, 0), (d1, 3))), ("b", ((d0, 0), (d1, 1)))):
        for column, cost in columns:
            assert master.add(p, column, cost)
    rounded = {"a": d0, "b": d0}  # day 1 short, day 0 overstaffed
    short, over = days[1].under_points(problem.weights), days[0].over_points(problem.weights)
    assert master.cost(rounded) == short + over
    mended = master.integer(rounded, 10.0, NEVER)
    assert mended == {"a": d0, "b": d1}
    assert master.cost(mended) == 1
    assert master.integer(mended, 10.0, NEVER) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dive_gives_a_valid_roster_and_the_bound_never_exceeds_the_optimum(seed):
    problem = minimum_problem(6, seed=seed)
    found = column_roster(problem, list(eligible_triples(problem)), 60.0, NEVER)
    assert found is not None and found.complete
    report = check_roster(problem, found.assignments)
    assert report.violations == ()
    optimum = solve_and_check(problem, SolveParams(seconds=60.0, workers=1, seed=1, deterministic=True))
    assert optimum.status == SolveStatus.OPTIMAL
    assert 0 < found.bound <= optimum.objective <= report.objective
    assert found.bound <= found.lp + 1e-6


def test_a_stopped_dive_still_gives_every_person_a_valid_pattern():
    problem = minimum_problem(6, seed=2)
    calls = 0

    def stopped() -> bool:
        nonlocal calls
        calls += 1
        return calls > 12  # past the first columns, within the first rounds

    found = column_roster(problem, list(eligible_triples(problem)), 60.0, stopped)
    assert found is not None and not found.complete
    assert check_roster(problem, found.assignments).violations == ()
    assert {a.person_id for a in found.assignments} <= {p.id for p in problem.people}


def test_stopped_before_every_person_has_a_column_gives_none():
    problem = minimum_problem(6, seed=2)
    assert column_roster(problem, list(eligible_triples(problem)), 60.0, lambda: True) is None


def test_solve_seeks_the_roster_by_columns_only_for_long_shares_of_small_separable_parts(monkeypatch):
    calls: list[float] = []
    bounds: list[int] = []
    real = solve_module.column_roster

    def spy(problem, triples, seconds, stopped):
        calls.append(seconds)
        found = real(problem, triples, seconds, stopped)
        bounds.append(found.bound if found else 0)
        return found

    monkeypatch.setattr(solve_module, "column_roster", spy)
    ward = minimum_problem(6, seed=3, weights=Weights(shortfall_normal=100, overstaff=1))
    solve_and_check(ward, SolveParams(seconds=4.0, workers=1, seed=1))
    assert calls == []  # the share is below COLUMNS_MIN_SECONDS
    solve_and_check(ward, TEST_PARAMS)
    assert calls == []  # never in deterministic mode

    monkeypatch.setattr(solve_module, "COLUMNS_MIN_SECONDS", 1.0)
    solution = solve_and_check(ward, SolveParams(seconds=4.0, workers=1, seed=1))
    assert len(calls) == 1 and calls[0] <= 4.0 * solve_module.COLUMNS_SHARE
    assert solution.bound >= min(bounds[0], solution.objective)  # the columns' bound is kept
    street = random_problem(12, 2, seed=1)
    solve_and_check(street, SolveParams(seconds=4.0, workers=1, seed=1))
    assert len(calls) == 1  # the street's staffing cap couples people: no columns


def test_the_columns_bound_stands_where_the_search_proves_less(monkeypatch):
    """The Lagrangian bound of the columns is a bound of the part: where the full search ends
    with a weaker one (here none at all), the solution reports the columns'."""
    bounds: list[int] = []
    real_columns, real_search = solve_module.column_roster, solve_module._solve_part

    def columns(problem, triples, seconds, stopped):
        found = real_columns(problem, triples, seconds, stopped)
        bounds.append(found.bound)
        return found

    def search_without_bound(*args, **kwargs):
        result = real_search(*args, **kwargs)
        result.bound = 0
        return result

    monkeypatch.setattr(solve_module, "column_roster", columns)
    monkeypatch.setattr(solve_module, "_solve_part", search_without_bound)
    monkeypatch.setattr(solve_module, "COLUMNS_MIN_SECONDS", 1.0)
    ward = minimum_problem(6, seed=1)
    solution = solve_and_check(ward, SolveParams(seconds=4.0, workers=1, seed=1))
    assert len(bounds) == 1 and bounds[0] > 0
    assert solution.bound == min(bounds[0], solution.objective)


def test_the_columns_roster_is_reported_as_progress_before_the_search_starts(monkeypatch):
    rosters: list[int] = []
    real_columns = solve_module.column_roster

    def columns(problem, triples, seconds, stopped):
        found = real_columns(problem, triples, seconds, stopped)
        rosters.append(check_roster(problem, found.assignments).objective)
        return found

    monkeypatch.setattr(solve_module, "column_roster", columns)
    monkeypatch.setattr(solve_module, "COLUMNS_MIN_SECONDS", 1.0)
    reports = []
    ward = minimum_problem(6, seed=1)
    solve_and_check(ward, SolveParams(seconds=4.0, workers=1, seed=1), on_progress=reports.append)
    assert len(rosters) == 1
    first = reports[0]
    assert first.solutions == 0  # before any roster of CP-SAT's own
    assert first.objective == rosters[0]
    assert first.bound <= first.objective


def test_the_progress_bound_does_not_fall_once_the_columns_bound_is_reported(monkeypatch):
    """The job page's bound: the full search starts with a weaker bound of its own (its LP is
    not solved at its first roster), which must not pull the columns' bound down. The columns'
    bound here is the ward's optimum (a valid bound; proven first)."""
    ward = minimum_problem(10, 28, seed=2)
    best = solve_and_check(ward, TEST_PARAMS)
    assert best.status == SolveStatus.OPTIMAL
    real_columns = solve_module.column_roster

    def columns(problem, triples, seconds, stopped):
        found = real_columns(problem, triples, seconds, stopped)
        return dataclasses.replace(found, bound=best.objective)

    monkeypatch.setattr(solve_module, "column_roster", columns)
    monkeypatch.setattr(solve_module, "COLUMNS_MIN_SECONDS", 1.0)
    reports = []
    solution = solve_and_check(ward, SolveParams(seconds=4.0, workers=1, seed=1), on_progress=reports.append)
    assert len(reports) >= 2  # the columns' roster, then the search's
    for report in reports:
        assert report.bound == min(best.objective, report.objective)
    assert solution.bound == best.objective
