"""LNS (optimizer/lns.py and solve._improve): pieces re-solved with the rest fixed improve the
roster, leave the model as it was, stay deterministic in test mode, and never touch the bound."""

from __future__ import annotations

import importlib
import time

import pytest
from ortools.sat.python import cp_model

from optimizer import TEST_PARAMS, SolveParams, SolveStatus, solve
from optimizer.builder import build
from optimizer.check import check
from optimizer.construct import first_roster
from optimizer.lns import MIN_FRACTION, Neighbourhoods, fixed
from optimizer.solution import Progress, Solution
from tests.builders import minimum_problem, random_problem, solve_and_check

solve_module = importlib.import_module("optimizer.solve")  # the module, not the function


def test_a_piece_fixes_everything_outside_it_and_the_model_is_whole_again_afterwards() -> None:
    m = build(random_problem(12, 2, seed=3))
    before = [list(m.model.proto.variables[x.index].domain) for x in m.x.values()]
    chosen = set(list(m.x)[::3])
    free = Neighbourhoods(m, seed=1).next()
    assert 0 < len(free) < len(m.x)
    with fixed(m, chosen, free):
        for key, x in m.x.items():
            domain = list(m.model.proto.variables[x.index].domain)
            assert domain == ([0, 1] if key in free else [int(key in chosen)] * 2)
        assert len(m.model.proto.solution_hint.vars) == len(free)
    assert [list(m.model.proto.variables[x.index].domain) for x in m.x.values()] == before
    assert len(m.model.proto.solution_hint.vars) == 0


def test_pieces_follow_the_seed_and_their_size_adapts() -> None:
    m = build(minimum_problem(10, 14, seed=1))
    one, two = Neighbourhoods(m, seed=4), Neighbourhoods(m, seed=4)
    assert [one.next() for _ in range(6)] == [two.next() for _ in range(6)]
    kinds = set()
    for _ in range(40):
        one.next()
        kinds.add(one.kind)
        one.learn(False)
    assert kinds == {"people", "days", "people_days"}
    assert min(one.fraction.values()) == MIN_FRACTION


def test_lns_improves_a_constructed_roster_and_the_checker_agrees() -> None:
    problem = minimum_problem(10, 21, seed=4)
    m = build(problem)
    roster, _ = first_roster(problem, TEST_PARAMS, 0.5)
    start = solve_module._scored_part(problem, roster)
    assert start is not None
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    best, spent = solve_module._improve(m, start, 3.0, run, seed=1)
    assert best.objective < start.objective
    assert 0 < spent <= 3.0 + solve_module.LNS_MOVE_SECONDS[1]
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(best.assignments), (), (), 0, 0))
    assert report.violations == ()
    assert report.objective == best.objective
    assert best.bound == start.bound == 0  # a constructed roster proves nothing, nor does LNS


def test_the_bound_never_comes_from_a_piece(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = minimum_problem(8, 21, seed=3)
    # The optimum, proven by the full model with time to spare (1.9 units of deterministic time).
    m = build(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 60.0
    assert solver.solve(m.model) == cp_model.OPTIMAL
    optimum = round(solver.objective_value)
    moves = []
    original = solve_module._improve

    def counted(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        moves.append(result)
        return result

    monkeypatch.setattr(solve_module, "_improve", counted)
    reports: list[Progress] = []
    solution = solve_and_check(
        problem, SolveParams(seconds=2.0, workers=1, deterministic=True), on_progress=reports.append
    )
    assert moves  # LNS ran
    assert solution.bound <= optimum <= solution.objective
    assert solution.bound < optimum  # 2.0 units are too few for a proof: the bound is the full model's
    assert all(r.bound <= optimum for r in reports)


def test_solve_with_lns_is_deterministic_in_test_mode() -> None:
    problem = minimum_problem(8, 21, seed=3)
    params = SolveParams(seconds=2.0, workers=1, deterministic=True)
    first, second = solve(problem, params), solve(problem, params)
    assert first.assignments == second.assignments
    assert first.bound == second.bound
