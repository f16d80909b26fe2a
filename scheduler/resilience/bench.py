"""The resilience benchmark: the demo generator's street, rostered, then checked as `roster resilience` does.

Everything runs in an in-memory database (like scheduler/bench.py's street benchmark). The roster is
generated with the optimizer for ``solve_seconds``; only the check itself is timed in ``seconds``.
"""

from __future__ import annotations

import resource
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.pool import StaticPool

from optimizer.params import SolveParams
from scheduler.bench import BENCH_WEEK
from scheduler.clock import local_midnight
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.migrate import upgrade
from scheduler.resilience import service as resilience
from scheduler.rosters.service import generate_roster


def run_resilience(
    *, people: int, grids: int, rates: list[float], samples: int, solve_seconds: float, seed: int
) -> dict[str, Any]:
    resilience.check_rates(rates, samples)
    started = time.perf_counter()
    engine = make_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            street_id = seed_demo(
                session=session, size=DemoSize(people, grids, seed), today=BENCH_WEEK
            ).street_id
            roster_id = generate_roster(
                session=session,
                street_id=street_id,
                week_start=BENCH_WEEK,
                now=local_midnight(BENCH_WEEK - timedelta(days=3)),
                params=SolveParams(seconds=solve_seconds, seed=seed),
                actor="bench",
            ).id
        prepared = time.perf_counter()
        rss_before = _peak_rss_mb()
        with transaction(factory) as session:
            report = resilience.resilience(
                session=session, roster_id=roster_id, rates=rates, samples=samples, seed=seed
            )
        checked = time.perf_counter()
    finally:
        engine.dispose()
    return {
        "people": report.people,
        "required": report.required,
        "roster_filled": report.roster_filled,
        "baseline_filled": report.baseline_filled,
        "samples": samples,
        "scenarios": sum(r.scenarios for r in report.rates),
        "coverage": {f"{r.rate:g}%": round(r.coverage, 4) for r in report.rates},
        "worst": {f"{r.rate:g}%": round(r.worst, 4) for r in report.rates},
        "restored": {f"{r.rate:g}%": round(r.restored, 4) for r in report.rates},
        "seconds": round(checked - prepared, 2),  # the whole check, as `roster resilience` runs it
        "simulate_seconds": report.seconds,  # of which the scenarios (without reading the database)
        "prepare_seconds": round(prepared - started, 2),  # seeding and rostering the street
        "peak_rss_mb": _peak_rss_mb(),
        "peak_rss_before_check_mb": rss_before,  # the check added peak_rss_mb minus this, if anything
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
