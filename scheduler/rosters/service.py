"""Roster services: stamp a week of shifts, generate, publish, re-plan, look up (no commits here)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from optimizer.params import SolveParams
from optimizer.solution import Progress, Solution, SolveStatus
from optimizer.solve import solve
from scheduler.audit import service as audit
from scheduler.clock import local_zone
from scheduler.errors import Conflict, DomainError, NotFound, ValidationError
from scheduler.notify import flows as notify_flows
from scheduler.rosters.models import (
    Assignment,
    AssignmentStatus,
    Roster,
    RosterStatus,
    Shift,
    ShiftDemand,
    ShiftTemplate,
    UnmetDemand,
)
from scheduler.rosters.planning import LIVE, PlanningInput, build_problem
from scheduler.territory.models import Community, Grid, Street


def stamp_week(*, session: Session, street_id: int, week_start: date) -> int:
    """Create the week's shifts from the street's active templates; returns how many were new.

    Idempotent: a (template, start) pair that exists is skipped, so stamping twice adds nothing.
    """
    if week_start.weekday() != 0:
        raise ValidationError("week_not_monday", "周的开始必须是星期一", "a week starts on a Monday")
    zone = local_zone()
    templates = session.scalars(
        select(ShiftTemplate)
        .join(Grid)
        .join(Community)
        .where(Community.street_id == street_id, ShiftTemplate.active.is_(True))
        .options(selectinload(ShiftTemplate.demands))
    ).all()
    horizon_from = datetime.combine(week_start, datetime.min.time(), zone)
    existing = set(
        session.execute(
            select(Shift.template_id, Shift.starts_at).where(
                Shift.template_id.in_([t.id for t in templates]),
                Shift.starts_at >= horizon_from,
                Shift.starts_at < horizon_from + timedelta(days=8),
            )
        )
    )
    created = 0
    for t in templates:
        for weekday in t.weekdays:
            day = week_start + timedelta(days=int(weekday))
            starts = datetime.combine(day, t.start, zone)
            ends = datetime.combine(day if t.end > t.start else day + timedelta(days=1), t.end, zone)
            if (t.id, starts) in existing:
                continue
            shift = Shift(
                grid_id=t.grid_id,
                task_type_id=t.task_type_id,
                template_id=t.id,
                starts_at=starts,
                ends_at=ends,
                priority=t.priority,
                needs_party_lead=t.needs_party_lead,
                needs_professional=t.needs_professional,
            )
            shift.demands = [ShiftDemand(skill_id=d.skill_id, count=d.count) for d in t.demands]
            session.add(shift)
            created += 1
    session.flush()
    return created


def get_street(*, session: Session, street_id: int) -> Street:
    street = session.get(Street, street_id)
    if street is None:
        raise NotFound("street_not_found", f"没有编号为 {street_id} 的街道", f"no street {street_id}")
    return street


def get_roster(*, session: Session, roster_id: int) -> Roster:
    roster = session.get(
        Roster, roster_id, options=[selectinload(Roster.assignments), selectinload(Roster.unmet)]
    )
    if roster is None:
        raise NotFound("roster_not_found", f"没有编号为 {roster_id} 的排班", f"no roster {roster_id}")
    return roster


def get_published(*, session: Session, street_id: int, week_start: date) -> Roster | None:
    return session.scalar(
        select(Roster).where(
            Roster.street_id == street_id,
            Roster.week_start == week_start,
            Roster.status == RosterStatus.PUBLISHED,
        )
    )


def list_rosters(*, session: Session, street_id: int, week_start: date | None = None) -> list[Roster]:
    stmt = select(Roster).where(Roster.street_id == street_id)
    if week_start is not None:
        stmt = stmt.where(Roster.week_start == week_start)
    return list(session.scalars(stmt.order_by(Roster.week_start.desc(), Roster.version.desc())))


def generate_roster(
    *,
    session: Session,
    street_id: int,
    week_start: date,
    now: datetime,
    params: SolveParams | None = None,
    actor: str = "system",
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    based_on: Roster | None = None,
    forbid: tuple[tuple[int, int], ...] = (),
    exclude_people: frozenset[int] = frozenset(),
) -> Roster:
    """Stamp the week if needed, solve it, and store the result as a new draft version."""
    get_street(session=session, street_id=street_id)
    stamp_week(session=session, street_id=street_id, week_start=week_start)
    planning = build_problem(
        session=session,
        street_id=street_id,
        week_start=week_start,
        previous=based_on,
        forbid=forbid,
        exclude_people=exclude_people,
    )
    solution = solve(planning.problem, params or SolveParams(), on_progress=on_progress, stop=stop)
    if solution.status is SolveStatus.NO_ROSTER:
        # Only possible when pins or minimum-work rules leave no quick first roster: say so plainly
        # rather than store (and let someone publish) an empty week.
        raise DomainError(
            "no_roster_in_time",
            f"{solution.stats.seconds:.0f} 秒内没有排出班表：请延长求解时间，或检查锁定的班次和最少工时规则",
            f"no roster within {solution.stats.seconds:.0f} s: allow more time, "
            "or check locked shifts and minimum-work rules",
        )
    roster = store_solution(
        session=session,
        planning=planning,
        solution=solution,
        street_id=street_id,
        week_start=week_start,
        now=now,
        actor=actor,
        based_on=based_on,
    )
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="roster.generate",
        entity="roster",
        entity_id=roster.id,
        detail={
            "week": week_start.isoformat(),
            "filled": roster.filled,
            "required": roster.required,
            "objective": roster.objective,
        },
    )
    return roster


def store_solution(
    *,
    session: Session,
    planning: PlanningInput,
    solution: Solution,
    street_id: int,
    week_start: date,
    now: datetime,
    actor: str,
    based_on: Roster | None,
) -> Roster:
    version = (
        session.scalar(
            select(func.max(Roster.version)).where(
                Roster.street_id == street_id, Roster.week_start == week_start
            )
        )
        or 0
    ) + 1
    roster = Roster(
        street_id=street_id,
        week_start=week_start,
        version=version,
        status=RosterStatus.DRAFT,
        based_on_id=based_on.id if based_on else None,
        created_at=now,
        created_by=actor,
        solve_status=solution.status.value,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        seconds=solution.stats.seconds,
        required=sum(s.headcount for s in planning.problem.shifts),
        filled=len(solution.assignments),
        breakdown=solution.points_by_kind(),
    )
    # Carry status and revision over from the roster this one re-plans, so a confirmed person stays
    # confirmed and calendar SEQUENCE numbers only go up.
    carried: dict[tuple[int, int], Assignment] = {}
    if based_on is not None:
        carried = {(a.shift_id, a.person_id): a for a in based_on.assignments if a.status in LIVE}
    for a in solution.assignments:
        shift = planning.shifts[a.shift_id]
        person_id = int(a.person_id)
        old = carried.get((shift.id, person_id))
        demand = shift.demands[a.demand_index] if a.demand_index < len(shift.demands) else None
        roster.assignments.append(
            Assignment(
                shift_id=shift.id,
                person_id=person_id,
                demand_id=demand.id if demand else None,
                status=old.status if old else AssignmentStatus.PROPOSED,
                locked=old.locked if old else False,
                revision=old.revision if old else 0,
                updated_at=now,
            )
        )
    for u in solution.unmet:
        roster.unmet.append(
            UnmetDemand(
                shift_id=int(u.shift_id),
                skill_code=u.skill,
                missing=u.missing,
                reason=u.reason.value,
                detail=unmet_detail(u, planning),
            )
        )
    session.add(roster)
    session.flush()
    return roster


def unmet_detail(u: Any, planning: PlanningInput) -> dict[str, Any]:
    """The counts and suggestion behind an unmet requirement, with times back in local time."""
    detail: dict[str, Any] = {
        "qualified": u.qualified,
        "available": u.available,
        "blocked_by": [list(b) for b in u.blocked_by],
    }
    if u.suggestion is not None:
        s = u.suggestion
        detail["suggestion"] = {
            "count": s.count,
            "skill": s.skill,
            "rule": s.rule,
            "people": list(s.people),
            "start": planning.horizon.at(s.start).isoformat(),
            "end": planning.horizon.at(s.end).isoformat(),
        }
    return detail


def publish_roster(*, session: Session, roster_id: int, now: datetime, actor: str = "system") -> Roster:
    """Freeze a draft: it becomes the published version and the previous one is superseded.

    One transaction (the caller's): either all of it happens or none. Proposed assignments become
    offered, and their offers go into the notifications outbox in this same transaction.
    """
    # Race-free under many workers: the draft's row lock makes a second publisher of it wait and then
    # see it published (populate_existing re-reads a row this session loaded before); the street's
    # row lock serialises publishers of two drafts of one week, so one week never has two published.
    roster = session.scalar(
        select(Roster)
        .where(Roster.id == roster_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if roster is None:
        raise NotFound("roster_not_found", f"没有编号为 {roster_id} 的排班", f"no roster {roster_id}")
    if roster.status is not RosterStatus.DRAFT:
        raise Conflict("roster_not_draft", "只有草稿可以发布", "only a draft roster can be published")
    session.execute(select(Street.id).where(Street.id == roster.street_id).with_for_update())
    current = get_published(session=session, street_id=roster.street_id, week_start=roster.week_start)
    if current is not None:
        current.status = RosterStatus.SUPERSEDED
    roster.status = RosterStatus.PUBLISHED
    roster.published_at = now
    for a in roster.assignments:
        if a.status is AssignmentStatus.PROPOSED:
            a.status = AssignmentStatus.OFFERED
            a.updated_at = now
    session.flush()
    notify_flows.on_publish(session=session, roster=roster, previous=current, now=now)
    # The standby list (备勤) is drawn with every published roster. Imported here: standby builds on
    # this module's services.
    from scheduler.resilience import standby as standby_service

    standby_service.generate_standby(session=session, roster_id=roster.id, now=now, actor=actor)
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="roster.publish",
        entity="roster",
        entity_id=roster.id,
        detail={"superseded": current.id if current else None, "assignments": len(roster.assignments)},
    )
    return roster


def replan(
    *,
    session: Session,
    roster_id: int,
    now: datetime,
    params: SolveParams | None = None,
    actor: str = "system",
    forbid: tuple[tuple[int, int], ...] = (),
) -> Roster:
    """A new draft from a published roster with as few changes as possible.

    Confirmed and locked assignments stay (pinned), declined ones are forbidden, everything else
    may move but each change costs; used by declines and surge calls.
    """
    base = get_roster(session=session, roster_id=roster_id)
    if base.status is not RosterStatus.PUBLISHED:
        raise Conflict(
            "roster_not_published",
            "只能在已发布的排班上重新排班",
            "only a published roster can be re-planned",
        )
    return generate_roster(
        session=session,
        street_id=base.street_id,
        week_start=base.week_start,
        now=now,
        params=params,
        actor=actor,
        based_on=base,
        forbid=forbid,
    )


def diff_rosters(*, old: Roster, new: Roster) -> dict[str, list[tuple[int, int]]]:
    """What changes between two versions, as (shift_id, person_id) pairs added and removed."""
    before = {(a.shift_id, a.person_id) for a in old.assignments if a.status in LIVE}
    after = {(a.shift_id, a.person_id) for a in new.assignments if a.status in LIVE}
    return {"added": sorted(after - before), "removed": sorted(before - after)}
