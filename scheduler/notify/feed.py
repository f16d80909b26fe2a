"""A person's calendar subscription feed: their current shifts, with the invitations' UIDs and SEQUENCEs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from notifications.calendar.ics import feed
from scheduler.notify import content
from scheduler.notify.settings import NotifySettings
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift

# Past shifts stay in the feed for a while so a calendar does not lose last week's entries.
FEED_HISTORY = timedelta(days=30)
SHOWN = (AssignmentStatus.OFFERED, AssignmentStatus.CONFIRMED, AssignmentStatus.COMPLETED)


def person_feed(*, session: Session, person: Person, now: datetime, settings: NotifySettings) -> bytes:
    """METHOD:PUBLISH calendar of the person's shifts in published rosters (called-off ones as CANCELLED)."""
    rows = session.scalars(
        select(Assignment)
        .join(Roster)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Assignment.person_id == person.id,
            Roster.status == RosterStatus.PUBLISHED,
            Assignment.status.in_(SHOWN),
            Shift.ends_at > now - FEED_HISTORY,
        )
        .options(joinedload(Assignment.shift))
        .order_by(Shift.starts_at)
    ).unique()
    events = [
        content.calendar_event(
            shift=a.shift,
            person=person,
            sequence=a.revision,
            settings=settings,
            status="CANCELLED"
            if a.shift.cancelled
            else ("CONFIRMED" if a.status is not AssignmentStatus.OFFERED else "TENTATIVE"),
        )
        for a in rows
    ]
    return feed(events, name=f"{person.name}的值守", dtstamp=now)
