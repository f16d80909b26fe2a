"""What a person sees of their own work: shifts in published rosters, hours this month, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from scheduler.clock import local_zone
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift

# Statuses that are no longer (or never were) work done or to do.
NOT_WORKING = (AssignmentStatus.DECLINED, AssignmentStatus.NO_SHOW)


@dataclass(frozen=True, slots=True)
class MonthHours:
    month: date  # first day of the month
    planned: float  # published, not declined, not yet started
    done: float  # published, started already (or completed), not declined / no-show


def _published_assignments(person_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Assignment)
        .join(Roster)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(Assignment.person_id == person_id, Roster.status == RosterStatus.PUBLISHED)
        .options(
            joinedload(Assignment.shift).joinedload(Shift.grid),
            joinedload(Assignment.shift).joinedload(Shift.task_type),
        )
    )


def list_upcoming_shifts(*, session: Session, person_id: int, now: datetime) -> list[Assignment]:
    """Assignments of published rosters that have not ended yet, soonest first."""
    stmt = _published_assignments(person_id).where(Shift.ends_at > now, Shift.cancelled.is_(False))
    return list(session.scalars(stmt.order_by(Shift.starts_at)).unique())


def list_history(*, session: Session, person_id: int, now: datetime, limit: int = 50) -> list[Assignment]:
    """Assignments of published rosters that have started, latest first."""
    stmt = _published_assignments(person_id).where(Shift.starts_at <= now)
    return list(session.scalars(stmt.order_by(Shift.starts_at.desc()).limit(limit)).unique())


def hours_this_month(
    *, session: Session, person_id: int, now: datetime, zone: ZoneInfo | None = None
) -> MonthHours:
    zone = zone or local_zone()
    local = now.astimezone(zone)
    first = local.date().replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    start, end = datetime.combine(first, time(0), zone), datetime.combine(nxt, time(0), zone)
    stmt = _published_assignments(person_id).where(
        Shift.starts_at >= start,
        Shift.starts_at < end,
        Shift.cancelled.is_(False),
        Assignment.status.not_in(NOT_WORKING),
    )
    planned = done = 0.0
    for a in session.scalars(stmt).unique():
        hours = (a.shift.ends_at - a.shift.starts_at).total_seconds() / 3600
        if a.shift.starts_at <= now or a.status is AssignmentStatus.COMPLETED:
            done += hours
        else:
            planned += hours
    return MonthHours(first, round(planned, 1), round(done, 1))
