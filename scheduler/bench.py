"""The street benchmark: the demo generator's street solved end to end in an in-memory database."""

from __future__ import annotations

import resource
import time
from datetime import date
from typing import Any

from sqlalchemy.pool import StaticPool

from optimizer.params import SolveParams
from optimizer.solve import solve
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.migrate import upgrade
from scheduler.rosters.planning import build_problem
from scheduler.rosters.service import stamp_week

BENCH_WEEK = date(2026, 11, 30)  # a fixed Monday, so runs are comparable


def run_street(*, people: int, grids: int, seconds: float, workers: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    engine = make_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        summary = seed_demo(session=session, size=DemoSize(people, grids, seed), today=BENCH_WEEK)
        stamp_week(session=session, street_id=summary.street_id, week_start=BENCH_WEEK)
    with transaction(factory) as session:
        planning = build_problem(session=session, street_id=summary.street_id, week_start=BENCH_WEEK)
    prepared = time.perf_counter()
    solution = solve(planning.problem, SolveParams(seconds=seconds, workers=workers, seed=seed))
    solved = time.perf_counter()
    from optimizer.check import check

    report = check(planning.problem, solution)
    engine.dispose()
    return {
        "people": len(planning.problem.people),
        "shifts": len(planning.problem.shifts),
        "required": sum(s.headcount for s in planning.problem.shifts),
        "filled": len(solution.assignments),
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": round(solution.gap, 6),
        "status": solution.status.value,
        "seconds": round(solved - prepared, 2),
        "prepare_seconds": round(prepared - started, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "variables": solution.stats.variables,
        "components": solution.stats.components,
        "hard_violations": len(report.violations),
        "checker_objective": report.objective,
    }
