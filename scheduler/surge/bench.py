"""The surge benchmark: a generated street with a published week, calls at random grids and times.

Measures the assignment step of each call (rank the street and ask: ``fill_call``) and checks the
two promises of pre-emption on the data: no confirmed emergency assignment changes, and routine
assignments change only where a confirmed surge seat took their person.
"""

from __future__ import annotations

import random
import resource
import statistics
import time
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from optimizer.greedy import greedy_roster
from optimizer.solution import Solution, SolveStatus
from scheduler.audit.models import AuditEntry
from scheduler.clock import local_zone
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.demo.generator import DemoSize, seed_demo
from scheduler.migrate import upgrade
from scheduler.notify.settings import NotifySettings
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Assignment, AssignmentStatus, Priority, Roster, RosterStatus, Shift
from scheduler.rosters.planning import LIVE, build_problem
from scheduler.surge import service as surge
from scheduler.surge.models import COMING, OfferStatus, SurgeOffer
from scheduler.surge.policy import SurgePolicy
from scheduler.territory.models import Grid

BENCH_WEEK = date(2026, 11, 30)  # the street bench's Monday
HOURS = (8, 9, 10, 14, 15, 19, 20)  # when calls come: over the routine shifts of the demo templates
ROUNDS = 6  # answer rounds per call, 5 minutes apart (30 minutes: 吹哨报到)


def _published_week(session: Session, street_id: int, rng: random.Random) -> int:
    """The week rostered by the greedy builder (every hard rule kept), published; 60 % confirmed."""
    rosters.stamp_week(session=session, street_id=street_id, week_start=BENCH_WEEK)
    planning = build_problem(session=session, street_id=street_id, week_start=BENCH_WEEK)
    assignments = greedy_roster(planning.problem) or []
    draft = rosters.store_solution(
        session=session,
        planning=planning,
        solution=Solution(SolveStatus.FEASIBLE, tuple(assignments), (), (), 0, 0),
        street_id=street_id,
        week_start=BENCH_WEEK,
        now=_at(0, 0) - timedelta(days=3),
        actor="bench",
        based_on=None,
    )
    rosters.publish_roster(
        session=session, roster_id=draft.id, now=_at(0, 0) - timedelta(days=3), actor="bench"
    )
    for a in draft.assignments:
        if rng.random() < 0.6:
            a.status = AssignmentStatus.CONFIRMED
    session.flush()
    return draft.id


def _at(day: int, hour: int) -> datetime:
    return datetime.combine(BENCH_WEEK + timedelta(days=day), datetime.min.time(), local_zone()) + timedelta(
        hours=hour
    )


def _routine(session: Session) -> dict[tuple[int, int], tuple[AssignmentStatus, Priority]]:
    """The published week as (shift, person) → (status, shift priority): a re-plan makes new rows
    (a new roster version), so assignments are compared by identity, not by row id."""
    rows = session.execute(
        select(Assignment.shift_id, Assignment.person_id, Assignment.status, Shift.priority)
        .join(Roster, Assignment.roster_id == Roster.id)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(Roster.status == RosterStatus.PUBLISHED, Assignment.status.in_(LIVE))
    ).all()
    return {(shift_id, person_id): (status, priority) for shift_id, person_id, status, priority in rows}


def run_surge(*, people: int, grids: int, calls: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    engine = make_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    with transaction(factory) as session:
        summary = seed_demo(session=session, size=DemoSize(people, grids, seed), today=BENCH_WEEK)
        _published_week(session, summary.street_id, rng)
    prepared = time.perf_counter() - started
    settings = NotifySettings()
    policy = SurgePolicy()
    step_ms: list[float] = []
    raise_ms: list[float] = []
    refill_ms: list[float] = []
    needed = filled = preempted_seats = 0
    with transaction(factory) as session:
        before = _routine(session)
        grid_codes = list(session.scalars(select(Grid.code).order_by(Grid.id)))
        for _ in range(calls):
            start = _at(rng.randrange(7), rng.choice(HOURS))
            needs = [surge.NeedSpec("general", rng.randint(3, 8))]
            if rng.random() < 0.4:
                needs.append(
                    surge.NeedSpec(rng.choice(("nurse", "first_aid", "sampling")), rng.randint(1, 2))
                )
            now = start - timedelta(minutes=10)
            t0 = time.perf_counter()
            result = surge.raise_call(
                session=session,
                request=surge.CallRequest(
                    grid=rng.choice(grid_codes),
                    starts_at=start,
                    ends_at=start + timedelta(hours=4),
                    needs=tuple(needs),
                    needs_party_lead=rng.random() < 0.5,
                    task_type="patrol",
                ),
                now=now,
                actor="bench",
                confirm_duplicate=True,
                policy=policy,
                settings=settings,
            )
            raise_ms.append((time.perf_counter() - t0) * 1000)
            step_ms.append(result.assign_seconds * 1000)
            call = result.call
            needed += sum(n.count for n in needs)
            # People answer: half say yes, a third no, the rest stay silent; 5 minutes per round.
            for round_no in range(1, ROUNDS + 1):
                at = now + timedelta(minutes=5 * round_no - 4)
                for offer in session.scalars(
                    select(SurgeOffer).where(
                        SurgeOffer.call_id == call.id, SurgeOffer.status == OfferStatus.OFFERED
                    )
                ).all():
                    roll = rng.random()
                    if roll < 0.83:
                        t1 = time.perf_counter()
                        answer = surge.answer_offer(
                            session=session,
                            offer=offer,
                            confirm=roll < 0.5,
                            now=at,
                            via="bench",
                            settings=settings,
                        )
                        if roll >= 0.5:
                            refill_ms.append((time.perf_counter() - t1) * 1000)
                        if answer.outcome is surge.AnswerOutcome.CONFIRMED and offer.preempted:
                            preempted_seats += 1
                t1 = time.perf_counter()
                surge.tick(session=session, now=now + timedelta(minutes=5 * round_no), settings=settings)
                refill_ms.append((time.perf_counter() - t1) * 1000)
            filled += sum(
                1
                for o in session.scalars(select(SurgeOffer).where(SurgeOffer.call_id == call.id))
                if o.status in COMING
            )
            # Close it so the next call does not see it as the same grid's open call.
            surge.close_call(
                session=session,
                call_id=call.id,
                now=now + timedelta(minutes=31),
                actor="bench",
                settings=settings,
            )
        after = _routine(session)
        replans = {
            action: n
            for action, n in session.execute(
                select(AuditEntry.action, func.count())
                .where(
                    AuditEntry.action.in_(("surge.replan_failed", "roster.reoffer")),
                    AuditEntry.actor == "surge",
                )
                .group_by(AuditEntry.action)
            )
        }
        taken = {
            (o.person_id, p["shift"])
            for o in session.scalars(select(SurgeOffer).where(SurgeOffer.status.in_(COMING)))
            for p in o.preempted
            if p.get("taken")
        }
    removed = {pair for pair in before if pair not in after}
    added = {pair for pair in after if pair not in before}
    restated = {pair for pair in before.keys() & after.keys() if before[pair][0] is not after[pair][0]}
    # Explained: a pair removed because its person confirmed a surge seat over that shift, and at
    # most one replacement per pair removed. Anything else would be a change the call did not need.
    unexplained = len({(s, p) for s, p in removed if (p, s) not in taken}) + len(restated)
    unexplained += max(0, len(added) - len(removed))
    confirmed_emergency_changed = [
        pair
        for pair in removed | restated
        if before[pair][0] is AssignmentStatus.CONFIRMED and before[pair][1] is Priority.EMERGENCY
    ]
    engine.dispose()
    return {
        "calls": calls,
        "p50_ms": round(statistics.median(step_ms), 1),
        "p95_ms": round(_p95(step_ms), 1),
        "filled": filled,
        "needed": needed,
        "routine_changes": len(removed) + len(added) + len(restated),
        "routine_removed": len(removed),
        "routine_added": len(added),
        "preempted_seats": preempted_seats,
        "unexplained_routine_changes": unexplained,
        "replans": replans.get("roster.reoffer", 0),
        "replan_failures": replans.get("surge.replan_failed", 0),
        "confirmed_emergency_changed": len(confirmed_emergency_changed),
        "raise_p95_ms": round(_p95(raise_ms), 1),
        "answer_or_tick_p95_ms": round(_p95(refill_ms), 1),
        "people": people,
        "grids": grids,
        "routine_assignments": len(before),
        "prepare_seconds": round(prepared, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
