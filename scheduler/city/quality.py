"""What partitioning costs: the partitioned city week against one solve of the whole city.

Three rosters of one week, each scored by the independent checker (optimizer.check) on the whole
city's problem, where every street-less person is one person with one weekly limit:

- ``whole``: one CP-SAT solve of every street at once (possible only for small cities);
- ``partitioned``: one solve per street with the street-less people split up front (partition.py);
- ``naive``: one solve per street with every street-less person offered to every street, which
  is what solving streets apart without the split would do: the checker finds the double-bookings.

Nothing is stored; the weeks are stamped (idempotent).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from optimizer.check import check
from optimizer.params import SolveParams
from optimizer.problem import Problem
from optimizer.solution import Assignment, Solution, SolveStatus
from optimizer.solve import solve
from scheduler.city.partition import plan_city
from scheduler.rosters.planning import build_problem


def merge(problems: list[Problem]) -> Problem:
    """One problem of several streets' problems: shared people once (their first street's view)."""
    first = problems[0]
    people = {p.id: p for prob in reversed(problems) for p in prob.people}
    requests = dict.fromkeys(r for prob in problems for r in prob.requests)
    known: frozenset[str] | None = None
    if all(p.known_skills is not None for p in problems):
        known = frozenset().union(*(p.known_skills or frozenset() for p in problems))
    return Problem(
        people=tuple(sorted(people.values(), key=lambda p: int(p.id))),
        shifts=tuple(s for prob in problems for s in prob.shifts),
        horizon_days=first.horizon_days,
        rules=first.rules,
        weights=first.weights,
        requests=tuple(requests),
        first_weekday=first.first_weekday,
        known_skills=known,
    )


def _score(whole: Problem, assignments: list[Assignment]) -> dict[str, Any]:
    report = check(whole, Solution(SolveStatus.FEASIBLE, tuple(assignments), (), (), 0, 0))
    overlaps = sum(1 for v in report.violations if "overlap" in v.lower())
    return {
        "filled": len(assignments),
        "objective": report.objective,
        "violations": len(report.violations),
        "overlaps": overlaps,
    }


def compare(*, session: Session, week_start: date, params: SolveParams) -> dict[str, Any]:
    """Solve the week three ways (each street gets ``params``; the whole gets streets × its seconds)."""
    plan = plan_city(session=session, week_start=week_start)
    full = [
        build_problem(session=session, street_id=p.street_id, week_start=week_start).problem
        for p in plan.parts
    ]
    whole = merge(full)
    required = sum(s.headcount for s in whole.shifts)
    # By size, the whole takes the limit its size asks for; else streets × each street's seconds.
    seconds = None if params.seconds is None else params.seconds * len(full)
    big = solve(whole, dataclasses.replace(params, seconds=seconds))
    split = [
        build_problem(
            session=session,
            street_id=p.street_id,
            week_start=week_start,
            exclude_people=frozenset(plan.excluded(p.street_id)),
        ).problem
        for p in plan.parts
    ]
    partitioned = [a for prob in split for a in solve(prob, params).assignments]
    naive = [a for prob in full for a in solve(prob, params).assignments]
    w = _score(whole, list(big.assignments)) | {"bound": big.bound}
    p = _score(whole, partitioned)
    return {
        "streets": len(full),
        "people": len(whole.people),
        "street_less_people": len(plan.floaters),
        "shifts": len(whole.shifts),
        "required": required,
        "whole": w,
        "partitioned": p,
        "naive": _score(whole, naive),
        "cost": {
            "filled": w["filled"] - p["filled"],
            "objective": p["objective"] - w["objective"],
            "objective_pct": round(100 * (p["objective"] - w["objective"]) / max(1, w["objective"]), 2),
        },
    }
