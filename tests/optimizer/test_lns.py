"""LNS (optimizer/lns.py and solve._improve): pieces re-solved with the rest fixed improve the
roster, leave the model as it was, stay deterministic in test mode, and never touch the bound."""

from __future__ import annotations

import importlib
import time
from typing import Any

from ortools.sat.python import cp_model

from optimizer import TEST_PARAMS, Problem, SolveStatus
from optimizer.builder import RosterModel, build
from optimizer.check import check
from optimizer.construct import first_roster
from optimizer.lns import MIN_FRACTION, Neighbourhoods, fixed
from optimizer.solution import Progress, Solution
from tests.builders import minimum_problem, random_problem

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


def _constructed(problem: Problem) -> tuple[RosterModel, Any]:
    """The model and construct.py's first roster, scored by the checker."""
    roster, _ = first_roster(problem, TEST_PARAMS, 0.5)
    start = solve_module._scored_part(problem, roster)
    assert start is not None
    return build(problem), start


def test_lns_improves_a_constructed_roster_and_the_checker_agrees() -> None:
    problem = minimum_problem(10, 21, seed=4)
    m, start = _constructed(problem)
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    best, spent = solve_module._improve(m, start, 3.0, run, seed=1)
    assert best.objective < start.objective
    assert 0 < spent <= 3.0 + solve_module.LNS_MOVE_SECONDS[1]
    report = check(problem, Solution(SolveStatus.FEASIBLE, tuple(best.assignments), (), (), 0, 0))
    assert report.violations == ()
    assert report.objective == best.objective
    assert best.bound == start.bound == 0  # a constructed roster proves nothing, nor does LNS


def _start(problem: Problem, seconds: float) -> tuple[RosterModel, Any, Any]:
    """The model, a run and the full model's roster after ``seconds`` (with its honest bound)."""
    m = build(problem)
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    solve_module._hint(m, run, 0.5)
    return m, run, solve_module._solve_part(m, seconds, run)


def test_the_bound_never_comes_from_a_piece() -> None:
    problem = minimum_problem(8, 21, seed=3)
    # The optimum, proven by the full model with time to spare (1.9 units of deterministic time).
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 60.0
    assert solver.solve(build(problem).model) == cp_model.OPTIMAL
    optimum = round(solver.objective_value)
    m, run, start = _start(problem, 0.2)
    assert start.status == SolveStatus.FEASIBLE and start.bound < optimum
    reports: list[Progress] = []
    run.on_progress = reports.append
    run.reported = start.objective  # report rosters better than the start
    best, _ = solve_module._improve(m, start, 3.0, run, seed=1)
    assert reports  # LNS found better rosters and reported them
    assert best.objective < start.objective
    # Each piece was proven optimal in its own small space; none of that is a bound of the whole.
    assert all(r.bound == start.bound for r in reports)
    assert best.bound == start.bound <= optimum <= best.objective


def test_lns_is_deterministic_in_test_mode() -> None:
    problem = minimum_problem(8, 21, seed=3)
    rosters = []
    for _ in range(2):
        m, run, start = _start(problem, 0.2)
        best, _ = solve_module._improve(m, start, 2.0, run, seed=1)
        rosters.append(best.assignments)
    assert rosters[0] == rosters[1]


def test_lns_stops_when_the_model_refutes_every_piece_at_once() -> None:
    # A model out of step with the checker (here: one extra clause no roster meets) refutes every
    # piece in no time at all; LNS must give the start back instead of looping forever.
    m, start = _constructed(minimum_problem(6, 14, seed=2))
    m.model.add_bool_or([])  # the empty clause: no solution
    run = solve_module._Run(TEST_PARAMS, None, time.monotonic())
    started = time.monotonic()
    best, spent = solve_module._improve(m, start, 3.0, run, seed=1)
    assert best is start
    assert spent < solve_module.REFUTED_AT_ONCE
    assert time.monotonic() - started < 5.0
