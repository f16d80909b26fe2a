"""Declined and unanswered offers: a minimal-change re-plan of those slots, published as a new version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from optimizer.params import SolveParams
from scheduler.audit import service as audit
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.settings import NotifySettings
from scheduler.outbox.models import Channel, OutboxMessage, OutboxStatus
from scheduler.rosters import service as rosters
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift
from scheduler.rosters.planning import LIVE


def expire_unanswered(*, session: Session, now: datetime, settings: NotifySettings) -> int:
    """Offers sent longer than the timeout ago with no answer count as declined (and get re-offered)."""
    sent_long_ago = exists().where(
        OutboxMessage.kind == "offer",
        OutboxMessage.channel == Channel.SMS,
        OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.sent_at <= now - settings.offer_timeout,
        OutboxMessage.shift_id == Assignment.shift_id,
        OutboxMessage.person_id == Assignment.person_id,
    )
    stale = session.scalars(
        select(Assignment)
        .join(Roster)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Assignment.status == AssignmentStatus.OFFERED,
            Shift.starts_at > now,
            Shift.cancelled.is_(False),
            sent_long_ago,
        )
    ).all()
    for a in stale:
        a.status = AssignmentStatus.DECLINED
        a.updated_at = now
        offer = session.scalar(
            select(AssignmentOffer).where(
                AssignmentOffer.shift_id == a.shift_id, AssignmentOffer.person_id == a.person_id
            )
        )
        if offer is not None:
            offer.answered_at, offer.answer = now, "unanswered"
        audit.record(
            session=session,
            at=now,
            actor="system",
            action="offer.unanswered",
            entity="assignment",
            entity_id=a.id,
            detail={"roster": a.roster_id, "timeout_hours": settings.offer_timeout.total_seconds() / 3600},
        )
    session.flush()
    return len(stale)


def rosters_to_replan(*, session: Session, now: datetime) -> list[int]:
    """Published rosters holding a declined assignment on a shift still to come."""
    return list(
        session.scalars(
            select(Roster.id)
            .where(Roster.status == RosterStatus.PUBLISHED)
            .where(
                exists().where(
                    Assignment.roster_id == Roster.id,
                    Assignment.status == AssignmentStatus.DECLINED,
                    Assignment.shift_id == Shift.id,
                    Shift.starts_at > now,
                )
            )
            .order_by(Roster.id)
        )
    )


def reoffer_declined(
    *,
    session: Session,
    roster_id: int,
    now: datetime,
    params: SolveParams,
    actor: str = "notify",
) -> Roster:
    """Re-plan only the declined slots: decliners forbidden, everyone else pinned; publish the result.

    Publishing queues offers to the people newly placed (publish_roster -> flows.on_publish) and
    cancellations to anyone moved off. Why pin through `locked`: the re-plan pins confirmed and
    locked assignments; locking the other live ones for the duration of this solve makes it a
    change of those slots only. Their own `locked` flags are put back on both versions.
    """
    base = rosters.get_roster(session=session, roster_id=roster_id)
    declined = tuple(
        (a.person_id, a.shift_id) for a in base.assignments if a.status is AssignmentStatus.DECLINED
    )
    was_locked = {(a.shift_id, a.person_id): a.locked for a in base.assignments}
    for a in base.assignments:
        if a.status in LIVE:
            a.locked = True
    session.flush()
    try:
        new = rosters.replan(
            session=session, roster_id=roster_id, now=now, params=params, actor=actor, forbid=declined
        )
    finally:
        for a in base.assignments:
            a.locked = was_locked[(a.shift_id, a.person_id)]
    for a in new.assignments:
        a.locked = was_locked.get((a.shift_id, a.person_id), False)
    session.flush()
    rosters.publish_roster(session=session, roster_id=new.id, now=now, actor=actor)
    changes = rosters.diff_rosters(old=base, new=new)
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="roster.reoffer",
        entity="roster",
        entity_id=new.id,
        detail={
            "based_on": base.id,
            "declined": [list(p) for p in declined],
            "added": [list(p) for p in changes["added"]],
        },
    )
    return new
