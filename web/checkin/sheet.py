"""The day's check-in sheet: published shifts in the given communities, who is on them, who came."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from scheduler.attendance.models import Attendance
from scheduler.clock import local_midnight, local_zone
from scheduler.errors import Conflict
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift
from scheduler.territory.models import Grid


@dataclass
class SheetRow:
    assignment: Assignment
    record: Attendance | None

    @property
    def state(self) -> str:
        """waiting | checked_in | completed | no_show: what the buttons offer next."""
        if self.record is None:
            return "waiting"
        return self.record.status.value


@dataclass
class SheetShift:
    shift: Shift
    rows: list[SheetRow]


def day_sheet(*, session: Session, community_ids: list[int], day: date) -> list[SheetShift]:
    zone = local_zone()
    start = local_midnight(day, zone)
    end = local_midnight(day + timedelta(days=1), zone)
    stmt = (
        select(Assignment)
        .join(Roster)
        .join(Shift, Assignment.shift_id == Shift.id)
        .join(Grid, Shift.grid_id == Grid.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Shift.starts_at >= start,
            Shift.starts_at < end,
            Shift.cancelled.is_(False),
            Grid.community_id.in_(community_ids),
            Assignment.status != AssignmentStatus.DECLINED,
        )
        .options(
            joinedload(Assignment.person),
            joinedload(Assignment.shift).joinedload(Shift.grid),
            joinedload(Assignment.shift).joinedload(Shift.task_type),
        )
        .order_by(Shift.starts_at, Grid.code, Shift.id, Assignment.id)
    )
    assignments = list(session.scalars(stmt).unique())
    shift_ids = {a.shift_id for a in assignments}
    records = {
        (r.shift_id, r.person_id): r
        for r in session.scalars(select(Attendance).where(Attendance.shift_id.in_(shift_ids)))
    }
    out: dict[int, SheetShift] = {}
    for a in assignments:
        sheet = out.setdefault(a.shift_id, SheetShift(a.shift, []))
        sheet.rows.append(SheetRow(a, records.get((a.shift_id, a.person_id))))
    return list(out.values())


def todays_records(
    *, session: Session, person_id: int, shifts: list[Assignment], today: date
) -> dict[int, str]:
    """Shift id → "waiting" | "checked_in" | "completed" | "no_show" for a person's shifts starting today."""
    zone = local_zone()
    ids = [a.shift_id for a in shifts if a.shift.starts_at.astimezone(zone).date() == today]
    found = {
        r.shift_id: r.status.value
        for r in session.scalars(
            select(Attendance).where(Attendance.person_id == person_id, Attendance.shift_id.in_(ids))
        )
    }
    return {i: found.get(i, "waiting") for i in ids}


def already_checked_in() -> Conflict:
    """A second check-in: the service would keep the first silently; the page says so instead."""
    return Conflict("already_checked_in", "已经签到过了，无需重复签到", "already checked in")
