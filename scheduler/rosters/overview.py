"""What a coordinator reads off a roster: coverage per grid and day, confirmations, alerts, the week grid."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scheduler.audit import service as audit
from scheduler.clock import local_zone
from scheduler.errors import Conflict, NotFound
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift, UnmetDemand
from scheduler.rosters.planning import LIVE, Horizon, street_shifts
from scheduler.territory.models import Grid

ALERT_WINDOW = timedelta(hours=24)


@dataclass
class Cell:
    required: int = 0
    filled: int = 0
    confirmed: int = 0
    shifts: list[ShiftView] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return 1.0 if self.required == 0 else min(1.0, self.filled / self.required)


@dataclass
class ShiftView:
    shift: Shift
    assignments: list[Assignment]

    @property
    def filled(self) -> int:
        return len(self.assignments)

    @property
    def confirmed(self) -> int:
        return sum(
            1
            for a in self.assignments
            if a.status in (AssignmentStatus.CONFIRMED, AssignmentStatus.COMPLETED)
        )


@dataclass
class WeekView:
    roster: Roster
    days: list[date]
    grids: list[Grid]
    cells: dict[tuple[int, date], Cell]  # (grid id, day)
    statuses: Counter[str]
    alerts: list[ShiftView]  # starts within 24 h and not fully confirmed
    unmet: list[UnmetDemand]


def week_view(
    *, session: Session, roster: Roster, now: datetime, grid_ids: set[int] | None = None
) -> WeekView:
    """The roster as grid × day cells; ``grid_ids`` narrows it to a community coordinator's grids."""
    zone = local_zone()
    horizon = Horizon(roster.week_start, zone)
    shifts = [
        s
        for s in street_shifts(session=session, street_id=roster.street_id, horizon=horizon)
        if grid_ids is None or s.grid_id in grid_ids
    ]
    by_shift: dict[int, list[Assignment]] = {}
    stmt = (
        select(Assignment)
        .where(Assignment.roster_id == roster.id, Assignment.status.in_(LIVE))
        .options(selectinload(Assignment.person))
    )
    for a in session.scalars(stmt):
        by_shift.setdefault(a.shift_id, []).append(a)
    days = [roster.week_start + timedelta(days=i) for i in range(7)]
    grids: dict[int, Grid] = {}
    cells: dict[tuple[int, date], Cell] = {}
    alerts: list[ShiftView] = []
    statuses: Counter[str] = Counter()
    for s in shifts:
        grids[s.grid_id] = s.grid
        view = ShiftView(s, sorted(by_shift.get(s.id, []), key=lambda a: a.person.name))
        cell = cells.setdefault((s.grid_id, s.starts_at.astimezone(zone).date()), Cell())
        cell.required += s.headcount
        cell.filled += min(view.filled, s.headcount)
        cell.confirmed += view.confirmed
        cell.shifts.append(view)
        statuses.update(a.status.value for a in view.assignments)
        if (
            roster.status is RosterStatus.PUBLISHED
            and now <= s.starts_at < now + ALERT_WINDOW
            and view.confirmed < s.headcount
        ):
            alerts.append(view)
    unmet = [u for u in roster.unmet if grid_ids is None or u.shift.grid_id in grid_ids]
    return WeekView(
        roster, days, sorted(grids.values(), key=lambda g: g.code), cells, statuses, alerts, unmet
    )


def person_rows(view: WeekView) -> list[tuple[str, dict[date, list[ShiftView]]]]:
    """The same roster by person: each person's shifts per day."""
    rows: dict[int, tuple[str, dict[date, list[ShiftView]]]] = {}
    zone = local_zone()
    for cell in view.cells.values():
        for sv in cell.shifts:
            for a in sv.assignments:
                name, days = rows.setdefault(a.person_id, (a.person.name, {}))
                days.setdefault(sv.shift.starts_at.astimezone(zone).date(), []).append(sv)
    return sorted(rows.values(), key=lambda r: r[0])


def get_assignment(*, session: Session, assignment_id: int) -> Assignment:
    a = session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound("assignment_not_found", "找不到这条排班", "no such assignment")
    return a


def set_locked(
    *, session: Session, assignment: Assignment, locked: bool, now: datetime, actor: str
) -> Assignment:
    """Lock an assignment by hand: re-plans keep it. Superseded rosters are history and stay as they were."""
    if assignment.roster.status is RosterStatus.SUPERSEDED:
        raise Conflict(
            "roster_superseded", "这是已被替换的旧版本排班，不能修改", "this roster version is superseded"
        )
    if assignment.status not in LIVE:
        raise Conflict(
            "assignment_not_live",
            "已拒绝或缺勤的排班不能锁定",
            "a declined or missed assignment cannot be locked",
        )
    assignment.locked = locked
    assignment.updated_at = now
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="assignment.lock" if locked else "assignment.unlock",
        entity="assignment",
        entity_id=assignment.id,
    )
    return assignment


@dataclass(frozen=True)
class Change:
    shift: Shift
    person_name: str
    added: bool


def compare(*, session: Session, old: Roster, new: Roster) -> list[Change]:
    """What changes between two versions, for whom: people added to and removed from shifts."""
    before = {(a.shift_id, a.person_id): a for a in old.assignments if a.status in LIVE}
    after = {(a.shift_id, a.person_id): a for a in new.assignments if a.status in LIVE}
    changes = [Change(a.shift, a.person.name, True) for k, a in after.items() if k not in before]
    changes += [Change(a.shift, a.person.name, False) for k, a in before.items() if k not in after]
    return sorted(changes, key=lambda c: (c.shift.starts_at, c.shift.grid_id, not c.added, c.person_name))
