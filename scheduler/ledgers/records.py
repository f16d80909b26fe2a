"""What a ledger reads: shifts of a scope and period, published assignments, attendance, unmet, messages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from scheduler.attendance.models import Attendance
from scheduler.outbox.models import OutboxMessage
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, Roster, RosterStatus, Shift, UnmetDemand
from scheduler.territory.models import Community, Grid, Street


@dataclass
class Records:
    """Rows of a scope between ``since`` and ``until`` (aware datetimes), loaded once."""

    streets: list[Street]
    communities: dict[int, Community]
    grids: dict[int, Grid]
    shifts: dict[int, Shift]
    assignments: list[Assignment]  # of the published roster of each week, any status
    attendance: dict[tuple[int, int], Attendance]  # (shift, person)
    unmet: list[UnmetDemand]
    people: dict[int, Person]  # the pool: active people homed in the scope, and anyone assigned
    messages: list[OutboxMessage] = field(default_factory=list)

    def shifts_between(self, since: datetime, until: datetime) -> set[int]:
        return {s.id for s in self.shifts.values() if since <= s.starts_at < until}


def load_records(*, session: Session, streets: list[Street], since: datetime, until: datetime) -> Records:
    street_ids = [s.id for s in streets]
    communities = {
        c.id: c for c in session.scalars(select(Community).where(Community.street_id.in_(street_ids)))
    }
    grids = {
        g.id: g
        for g in session.scalars(
            select(Grid).where(Grid.community_id.in_(list(communities))).order_by(Grid.code)
        )
    }
    in_scope = (
        select(Shift.id)
        .join(Grid, Shift.grid_id == Grid.id)
        .join(Community, Grid.community_id == Community.id)
        .where(
            Community.street_id.in_(street_ids),
            Shift.cancelled.is_(False),
            Shift.starts_at >= since,
            Shift.starts_at < until,
        )
    )
    shifts = {
        s.id: s
        for s in session.scalars(
            select(Shift)
            .where(Shift.id.in_(in_scope))
            .options(selectinload(Shift.demands), selectinload(Shift.task_type))
            .order_by(Shift.starts_at, Shift.id)
        )
    }
    # Every week's published version is the record; drafts and superseded versions are not.
    week_from = since.date() - timedelta(days=7)
    assignments = list(
        session.scalars(
            select(Assignment)
            .join(Roster, Assignment.roster_id == Roster.id)
            .where(
                Roster.status == RosterStatus.PUBLISHED,
                Roster.street_id.in_(street_ids),
                Roster.week_start >= week_from,
                Roster.week_start < until.date() + timedelta(days=1),
                Assignment.shift_id.in_(in_scope),
            )
            .options(selectinload(Assignment.person))
            .order_by(Assignment.id)
        )
    )
    roster_ids = sorted(
        {a.roster_id for a in assignments}
        | set(
            session.scalars(
                select(Roster.id).where(
                    Roster.status == RosterStatus.PUBLISHED,
                    Roster.street_id.in_(street_ids),
                    Roster.week_start >= week_from,
                    Roster.week_start < until.date() + timedelta(days=1),
                )
            )
        )
    )
    attendance = {
        (r.shift_id, r.person_id): r
        for r in session.scalars(
            select(Attendance)
            .where(Attendance.shift_id.in_(in_scope))
            .options(selectinload(Attendance.shift))
        )
    }
    unmet = list(
        session.scalars(
            select(UnmetDemand)
            .where(UnmetDemand.roster_id.in_(roster_ids), UnmetDemand.shift_id.in_(in_scope))
            .order_by(UnmetDemand.id)
        )
    )
    people = {
        p.id: p
        for p in session.scalars(
            select(Person)
            .where(Person.active.is_(True), Person.home_grid_id.in_(list(grids)))
            .order_by(Person.id)
        )
    }
    for a in assignments:
        people.setdefault(a.person_id, a.person)
    return Records(list(streets), communities, grids, shifts, assignments, attendance, unmet, people)


def load_messages(
    *, session: Session, records: Records, since: datetime, until: datetime
) -> list[OutboxMessage]:
    """Outbox messages created in the period that belong to the scope (by roster, shift or person)."""
    street_ids = {s.id for s in records.streets}
    rosters = dict(session.execute(select(Roster.id, Roster.street_id)).all())
    grid_street = {g.id: records.communities[g.community_id].street_id for g in records.grids.values()}
    shift_grid = dict(
        session.execute(
            select(Shift.id, Shift.grid_id).where(
                Shift.id.in_(
                    select(OutboxMessage.shift_id).where(
                        OutboxMessage.created_at >= since, OutboxMessage.created_at < until
                    )
                )
            )
        ).all()
    )
    home_grid = dict(session.execute(select(Person.id, Person.home_grid_id)).all())
    out = []
    for m in session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.created_at >= since, OutboxMessage.created_at < until)
        .order_by(OutboxMessage.id)
    ):
        if m.roster_id is not None:
            street = rosters.get(m.roster_id)
        elif m.shift_id is not None:
            street = grid_street.get(shift_grid.get(m.shift_id, -1))
        else:
            street = grid_street.get(home_grid.get(m.person_id or -1) or -1)
        if street in street_ids:
            out.append(m)
    return out


def by_shift(assignments: list[Assignment]) -> dict[int, list[Assignment]]:
    out: dict[int, list[Assignment]] = defaultdict(list)
    for a in assignments:
        out[a.shift_id].append(a)
    return out
