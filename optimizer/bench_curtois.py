"""One Curtois & Qu benchmark run: parse, solve with the app's model, judge with the independent checker."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from optimizer.check import check
from optimizer.curtois import read_instance, solution_to_rows, to_problem, write_roster_csv
from optimizer.params import SolveParams
from optimizer.solve import solve


def run_curtois(
    path: str | Path, seconds: float, workers: int, out: str | Path | None = None, seed: int = 1
) -> dict[str, Any]:
    """Solve one instance file; the objective reported is the checker's, not the model's.

    ``out``: write the roster there as ``EmployeeID,Day,ShiftID`` CSV. ``seed``: CP-SAT's random
    seed; on several workers a wall-clock limit still makes runs differ, so a figure is worth
    most as the spread over a few seeds.
    """
    instance = read_instance(path)
    problem = to_problem(instance)
    started = time.monotonic()
    solution = solve(problem, SolveParams(seconds=seconds, workers=workers, seed=seed))
    elapsed = time.monotonic() - started
    report = check(problem, solution)
    if out is not None:
        comment = (
            f"objective={report.objective} model_objective={solution.objective} "
            f"bound={solution.bound} status={solution.status} hard_violations={len(report.violations)}"
        )
        write_roster_csv(solution_to_rows(problem, solution), out, comment=comment)
    return {
        "instance": instance.name,
        "objective": report.objective,
        "lower_bound": solution.bound,
        "seconds": round(elapsed, 2),
        "hard_violations": len(report.violations),
        "status": str(solution.status),
    }
