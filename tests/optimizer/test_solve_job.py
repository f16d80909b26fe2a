"""solve as a job: progress reports, stop keeps the best roster, parts solved apart and joined."""

import importlib
import threading

import pytest

from optimizer import TEST_PARAMS, Pin, Request, SolveParams, SolveStatus, solve
from optimizer.decompose import split
from optimizer.eligibility import eligible_triples
from tests.builders import (
    MON_08,
    MON_16,
    day_shift,
    make_problem,
    person,
    random_problem,
    shift,
    solve_and_check,
)

params_module = importlib.import_module("optimizer.params")


def test_solve_job_reports_each_better_roster_to_on_progress():
    seen = []
    solution = solve_and_check(random_problem(30, 4, seed=3), TEST_PARAMS, on_progress=seen.append)
    assert seen
    objectives = [p.objective for p in seen]
    assert objectives == sorted(objectives, reverse=True)
    assert objectives[-1] == solution.objective
    assert all(p.bound <= p.objective for p in seen)


def test_solve_job_stop_keeps_the_best_roster_so_far():
    problem = random_problem(100, 12, seed=5)
    params = SolveParams(seconds=60.0, workers=1, seed=1)
    stop = threading.Event()
    seen = []

    def first_roster_then_stop(progress):
        seen.append(progress)
        stop.set()

    solution = solve_and_check(problem, params, on_progress=first_roster_then_stop, stop=stop)
    # Unstopped, this search finds 4 rosters and proves the last optimal; stopped, it keeps the first.
    assert solution.status == SolveStatus.FEASIBLE
    assert len(seen) == 1
    assert solution.objective == seen[0].objective
    assert solution.assignments


def test_solve_job_stop_set_before_solving_still_returns_a_roster():
    stop = threading.Event()
    stop.set()
    solution = solve_and_check(random_problem(20, 3, seed=2), SolveParams(seconds=30.0, workers=1), stop=stop)
    assert solution.status != SolveStatus.NO_ROSTER
    assert solution.assignments


def _three_groups():
    people = [
        person("medic", skills={"medic"}),
        person("cook", skills={"cook"}),
        person("idle", quota_minutes_due=60),
    ]
    shifts = [
        shift("m1", skill="medic"),
        shift("m2", MON_08 + 60, skill="medic"),
        shift("c1", skill="cook", demand=2),
        shift("x1", MON_16, skill="diver"),
    ]
    problem = make_problem(
        people,
        shifts,
        known_skills=frozenset({"medic", "cook", "diver"}),
        requests=(Request("cook", 3, False, shift_id="c1"), Request("medic", 2, True, shift_id="m2")),
        previous=frozenset({("cook", "m1")}),
    )
    return problem


def test_solve_job_splits_independent_groups_and_joins_objective_and_bound():
    problem = _three_groups()
    parts = split(problem, list(eligible_triples(problem)))
    assert sorted(sorted(p.id for p in part.problem.people) for part in parts) == [
        ["cook"],
        ["idle"],
        ["medic"],
    ]
    solution = solve_and_check(problem)
    assert solution.stats.components == 3
    assert solution.status == SolveStatus.OPTIMAL and solution.objective == solution.bound
    assert solution.people_on("c1") == {"cook"}
    assert solution.people_on("m2") == {"medic"}
    assert sorted((b.kind, b.subject, b.amount) for b in solution.breakdown) == [
        ("change", "cook", 2),  # one cell lost in the medics' part (m1), one added in the cooks' (c1)
        ("change", "medic", 1),
        ("preference", "0", 1),
        ("quota", "idle", 1),
        ("shortfall", "c1", 1),
        ("shortfall", "m1", 1),
        ("shortfall", "x1", 1),
    ]


def test_solve_job_hints_the_previous_roster_and_keeps_it():
    problem = random_problem(30, 4, seed=11)
    first = solve_and_check(problem)
    again = make_problem(
        problem.people,
        problem.shifts,
        requests=problem.requests,
        previous=frozenset((a.person_id, a.shift_id) for a in first.assignments),
        pins=(Pin(first.assignments[0].person_id, first.assignments[0].shift_id, assigned=False),),
    )
    second = solve_and_check(again)
    changed = sum(b.amount for b in second.breakdown if b.kind == "change")
    assert 0 < changed <= 4  # the decline moves one cell, and maybe a short chain behind it


def test_solve_job_returns_no_roster_when_pins_contradict_the_rules():
    from optimizer import Rules

    people = [person("p1", max_consecutive_days=1)]
    shifts = [day_shift("d0", 0), day_shift("d1", 1)]
    problem = make_problem(people, shifts, pins=(Pin("p1", "d0"), Pin("p1", "d1")), rules=Rules())
    solution = solve(problem, TEST_PARAMS)
    assert solution.status == SolveStatus.NO_ROSTER
    assert solution.assignments == ()


def test_solve_job_falls_back_to_the_greedy_roster_when_building_would_exceed_the_time_limit():
    problem = random_problem(200, 15, seed=4)  # about 25,000 variables: more than a second to build
    solution = solve_and_check(problem, SolveParams(seconds=0.5, workers=1))
    assert solution.status == SolveStatus.FEASIBLE
    assert solution.stats.variables == 0  # no CP-SAT model was built
    assert solution.bound == 0
    assert len(solution.assignments) > 100


def test_solve_job_gives_cp_sat_a_complete_first_roster_so_it_has_one_with_almost_no_time() -> None:
    # The greedy roster is hinted with every variable's value (shortfalls, penalties too), so
    # CP-SAT takes it as its own first roster at once. A hint of the decision variables alone
    # left CP-SAT without a roster in this budget (the greedy was then used as a fallback).
    problem = random_problem(30, 6, seed=3)
    solution = solve(problem, SolveParams(seconds=0.005, workers=1, seed=1, deterministic=True))
    assert solution.stats.solutions >= 1
    assert solution.assignments and solution.bound <= solution.objective


def test_solve_job_searches_a_late_part_however_little_time_is_left(monkeypatch):
    # "Too big to search" weighs a part's build against the whole limit. Weighed against the time
    # left, the last community of a 60 s street (36k variables, 2 s to build, 4 s left) got no
    # search and no bound, and the street's gap went from 1.2 % to 11 %.
    solve_module = importlib.import_module("optimizer.solve")
    problem = _three_groups()
    largest = max(part.size for part in split(problem, list(eligible_triples(problem))))
    # Every part would take 1.5 s to build: a fifth of the 10 s limit is 2 s.
    monkeypatch.setattr(solve_module, "BUILD_SECONDS_PER_VARIABLE", 1.5 / largest)
    monkeypatch.setattr(solve_module._Run, "left", lambda run: 1.2)  # as if the limit were nearly spent
    solution = solve_and_check(problem, SolveParams(seconds=10, workers=1))
    assert solution.stats.components == 3
    # Every part searched: each proven, so the whole is (a part given only its first roster has
    # bound 0, and the whole's bound would stay below its objective).
    assert solution.status == SolveStatus.OPTIMAL and solution.bound == solution.objective > 0


def _recording_builds(monkeypatch):
    """Patch the solver's build to note, for each part built, whether the solving thread built it."""
    solve_module = importlib.import_module("optimizer.solve")
    real_build, caller, built = solve_module.build, threading.current_thread(), []

    def recording(problem, triples=None):
        built.append((tuple(sorted(p.id for p in problem.people)), threading.current_thread() is caller))
        return real_build(problem, triples)

    monkeypatch.setattr(solve_module, "build", recording)
    return built


def test_solve_job_builds_the_next_part_while_the_one_before_searches(monkeypatch):
    # Building a community's model is Python and CP-SAT's search is not (it lets go of the GIL):
    # the 3,000-person street spent 14 s of 60 building between searches before.
    built = _recording_builds(monkeypatch)
    problem = _three_groups()
    solution = solve_and_check(problem, SolveParams(seconds=10, workers=1, seed=1))
    assert [by_caller for _, by_caller in built] == [True, False, False]
    assert len({people for people, _ in built}) == 3  # each part built once
    sequential = solve_and_check(problem, TEST_PARAMS)
    assert solution.status == SolveStatus.OPTIMAL and solution.objective == sequential.objective


def test_solve_job_builds_every_part_in_turn_in_deterministic_mode(monkeypatch):
    built = _recording_builds(monkeypatch)
    solve_and_check(_three_groups(), TEST_PARAMS)
    assert [by_caller for _, by_caller in built] == [True, True, True]


def test_solve_job_raises_what_went_wrong_building_a_part_ahead(monkeypatch):
    solve_module = importlib.import_module("optimizer.solve")
    real_build, calls = solve_module.build, []

    def failing_second(problem, triples=None):
        calls.append(problem)
        if len(calls) == 2:
            raise ValueError("the second part's model")
        return real_build(problem, triples)

    monkeypatch.setattr(solve_module, "build", failing_second)
    with pytest.raises(ValueError, match="the second part's model"):
        solve(_three_groups(), SolveParams(seconds=10, workers=1, seed=1))


def test_a_limit_by_size_grows_with_the_variables_within_its_bounds():
    by_size = SolveParams(seconds=None)
    low, high = params_module.AUTO_SECONDS
    assert by_size.time_limit(10) == low
    assert by_size.time_limit(333_783) == pytest.approx(60.08, abs=0.01)  # the 3,000-person street
    assert by_size.time_limit(10**8) == high
    assert SolveParams(seconds=3.0).time_limit(10**8) == 3.0


def test_solve_job_without_a_limit_takes_the_one_by_the_problem_size(monkeypatch):
    monkeypatch.setattr(params_module, "AUTO_SECONDS", (0.2, 300.0))
    monkeypatch.setattr(params_module, "AUTO_SECONDS_PER_VARIABLE", 1e-3)
    problem = random_problem(30, 4, seed=3)
    variables = len(list(eligible_triples(problem)))
    assert variables > 500  # so the limit is the size's, not the floor
    seen = []
    solve_and_check(problem, SolveParams(seconds=None, workers=1), on_progress=seen.append)
    assert seen and all(p.limit == pytest.approx(variables * 1e-3) for p in seen)
    seen.clear()
    solve_and_check(problem, SolveParams(seconds=0.7, workers=1), on_progress=seen.append)
    assert seen and all(p.limit == 0.7 for p in seen)
