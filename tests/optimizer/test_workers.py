"""The CP-SAT portfolio on two workers: the parameters solve.py sets are the ones CP-SAT runs."""

import importlib
import re

from ortools.sat.python import cp_model

from optimizer import SolveParams
from optimizer.builder import build
from tests.builders import random_problem, solve_and_check

solve_module = importlib.import_module("optimizer.solve")


def _interleaved(log: str) -> set[str]:
    """The subsolvers CP-SAT's log says take turns on the workers left after the full ones."""
    found = re.search(r"\d+ interleaved subsolvers: \[([^\]]*)\]", log)
    assert found, "CP-SAT printed no list of interleaved subsolvers"
    return {name.strip() for name in found.group(1).split(",")}


def test_two_workers_drop_the_local_search_on_a_small_model_and_keep_the_lns(capfd):
    problem = random_problem(40, 5, seed=4)
    assert len(build(problem).x) < solve_module.BIG_PART
    solve_and_check(problem, SolveParams(seconds=2.0, workers=2, seed=1, log=True))
    tuned = _interleaved(capfd.readouterr().out)
    assert not tuned & set(solve_module.LOCAL_SEARCH_SUBSOLVERS)
    assert "rins/rens" in tuned

    # The same model with CP-SAT's own two-worker portfolio runs them: the names are CP-SAT's.
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 1.0
    solver.parameters.log_search_progress = True
    solver.solve(build(problem).model)
    plain = _interleaved(capfd.readouterr().out)
    assert "ls" in plain
    assert tuned < plain


def test_two_workers_keep_the_local_search_on_a_big_model():
    for variables, ignored in ((solve_module.BIG_PART - 1, True), (solve_module.BIG_PART, False)):
        params = cp_model.CpSolver().parameters
        params.num_workers = 2
        solve_module._tune_for_few_workers(params, variables)
        assert bool(set(params.ignore_subsolvers) & {"ls", "ls_lin"}) is ignored
        assert list(params.subsolvers) == ["max_lp"]
