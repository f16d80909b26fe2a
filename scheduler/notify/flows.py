"""Messages caused by roster changes: offers on publish, change and cancel notices, reminders."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from notifications.sms import templates
from scheduler.audit import service as audit
from scheduler.clock import local_zone
from scheduler.notify import content
from scheduler.notify.settings import NotifySettings, Reminder, settings_from_env
from scheduler.outbox import service as outbox
from scheduler.people.models import Person
from scheduler.rosters.models import Assignment, AssignmentStatus, Roster, RosterStatus, Shift
from scheduler.rosters.planning import LIVE
from scheduler.territory.models import Community, Grid

# Reminders are queued this far ahead; `gridroster notify remind` runs more often than this.
REMINDER_HORIZON = timedelta(hours=48)
# A reminder whose time passed longer ago than this is skipped (the next one, closer to the
# start, still goes out): nobody wants "see you tomorrow evening" at midnight.
REMINDER_GRACE = timedelta(minutes=30)


def _settings(settings: NotifySettings | None) -> NotifySettings:
    return settings if settings is not None else settings_from_env(os.environ)


def _lang(settings: NotifySettings) -> templates.Lang:
    return settings.lang


def on_publish(
    *,
    session: Session,
    roster: Roster,
    previous: Roster | None,
    now: datetime,
    settings: NotifySettings | None = None,
) -> int:
    """Queue an offer (SMS + invitation) per newly offered assignment and a cancellation per removed one.

    Called by publish_roster inside its transaction. Assignments carried over from `previous`
    keep their revision, so their dedupe keys match what was queued before and nothing repeats.
    """
    s = _settings(settings)
    # Held in a variable: the session's identity map keeps objects only while something refers to them.
    _keep = _preload(session, [roster] + ([previous] if previous is not None else []))
    offered = [
        a
        for a in roster.assignments
        if a.status is AssignmentStatus.OFFERED and not a.shift.cancelled and a.shift.starts_at > now
    ]
    offers = content.ensure_offers(
        session=session, pairs=[(a.shift_id, a.person_id) for a in offered], now=now
    )
    batch: list[dict[str, Any]] = []
    for a in offered:
        shift = a.shift
        offer = offers[(a.shift_id, a.person_id)]
        content.queue_sms(
            session=session,
            kind="offer",
            shift=shift,
            person=a.person,
            revision=a.revision,
            now=now,
            render=lambda f: templates.offer(f, lang=_lang(s)),
            offer=offer,
            settings=s,
            roster_id=roster.id,
            batch=batch,
        )
        content.queue_invite(
            session=session,
            kind="offer",
            shift=shift,
            person=a.person,
            sequence=a.revision,
            now=now,
            settings=s,
            roster_id=roster.id,
            batch=batch,
        )
    if previous is None:
        return outbox.enqueue_many(session=session, rows=batch)
    kept = {(a.shift_id, a.person_id) for a in roster.assignments if a.status in LIVE}
    for old in previous.assignments:
        if (old.shift_id, old.person_id) in kept or old.shift.starts_at <= now:
            continue
        if old.status in LIVE:
            content.queue_sms(
                session=session,
                kind="cancel",
                shift=old.shift,
                person=old.person,
                revision=old.revision + 1,
                now=now,
                render=lambda f: templates.cancel(f, lang=_lang(s)),
                offer=None,
                settings=s,
                roster_id=roster.id,
                batch=batch,
            )
        if old.status in LIVE or old.status is AssignmentStatus.DECLINED:
            # A declined shift leaves the person's calendar too; they were told on the spot, no SMS.
            content.queue_invite(
                session=session,
                kind="cancel",
                shift=old.shift,
                person=old.person,
                sequence=old.revision + 1,
                now=now,
                settings=s,
                roster_id=roster.id,
                method="CANCEL",
                batch=batch,
            )
    return outbox.enqueue_many(session=session, rows=batch)


def _preload(session: Session, rosters: list[Roster]) -> list[object]:
    """Load every shift (with grid, community, street, task type) and person once, not per message."""
    shift_ids = {a.shift_id for r in rosters for a in r.assignments}
    person_ids = {a.person_id for r in rosters for a in r.assignments}
    loaded: list[object] = []
    if shift_ids:
        loaded += (
            session.scalars(
                select(Shift)
                .where(Shift.id.in_(shift_ids))
                .options(
                    joinedload(Shift.grid).joinedload(Grid.community).joinedload(Community.street),
                    joinedload(Shift.task_type),
                )
            )
            .unique()
            .all()
        )
    if person_ids:
        loaded += session.scalars(select(Person).where(Person.id.in_(person_ids))).all()
    return loaded


def _live_on_shift(session: Session, shift_id: int) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .join(Roster)
            .where(
                Assignment.shift_id == shift_id,
                Roster.status == RosterStatus.PUBLISHED,
                Assignment.status.in_(LIVE),
            )
            .options(joinedload(Assignment.person))
        )
    )


def notify_shift_changed(
    *,
    session: Session,
    shift_id: int,
    now: datetime,
    actor: str = "system",
    settings: NotifySettings | None = None,
) -> int:
    """The shift changed time or place (already stored): raise SEQUENCE and tell everyone on it."""
    s = _settings(settings)
    shift = session.get(Shift, shift_id)
    if shift is None:
        return 0
    queued = _tell_everyone_on(session=session, shift=shift, kind="change", now=now, settings=s)
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="shift.change_notified",
        entity="shift",
        entity_id=shift_id,
        detail={"messages": queued},
    )
    return queued


def cancel_shift(
    *,
    session: Session,
    shift_id: int,
    now: datetime,
    actor: str = "system",
    settings: NotifySettings | None = None,
) -> int:
    """Call a shift off: mark it cancelled, raise SEQUENCE, send the SMS notice and METHOD:CANCEL."""
    s = _settings(settings)
    shift = session.get(Shift, shift_id)
    if shift is None or shift.cancelled:
        return 0
    shift.cancelled = True
    queued = _tell_everyone_on(session=session, shift=shift, kind="cancel", now=now, settings=s)
    session.flush()
    audit.record(
        session=session,
        at=now,
        actor=actor,
        action="shift.cancel",
        entity="shift",
        entity_id=shift_id,
        detail={"messages": queued},
    )
    return queued


def reminder_time(reminder: Reminder, start: datetime) -> datetime:
    if reminder.lead is not None:
        return start - reminder.lead
    assert reminder.evening is not None
    local = start.astimezone(local_zone())
    return datetime.combine(local.date() - timedelta(days=1), reminder.evening, local.tzinfo)


def schedule_reminders(*, session: Session, now: datetime, settings: NotifySettings | None = None) -> int:
    """Queue reminders for confirmed shifts starting within the next two days (idempotent)."""
    s = _settings(settings)
    rows = session.scalars(
        select(Assignment)
        .join(Roster)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Roster.status == RosterStatus.PUBLISHED,
            Assignment.status == AssignmentStatus.CONFIRMED,
            Shift.cancelled.is_(False),
            Shift.starts_at > now,
            Shift.starts_at <= now + REMINDER_HORIZON,
        )
        .options(joinedload(Assignment.shift), joinedload(Assignment.person))
    ).unique()
    queued = 0
    for a in rows:
        for reminder in s.reminders:
            at = reminder_time(reminder, a.shift.starts_at)
            if at >= a.shift.starts_at or at < now - REMINDER_GRACE:
                continue
            queued += content.queue_sms(
                session=session,
                kind="reminder",
                shift=a.shift,
                person=a.person,
                revision=a.revision,
                now=now,
                render=lambda f: templates.reminder(f, lang=_lang(s)),
                offer=None,
                settings=s,
                roster_id=a.roster_id,
                not_before=max(at, now),
                key_suffix=f":{reminder.name}",
            )
    return queued


def _tell_everyone_on(
    *, session: Session, shift: Shift, kind: str, now: datetime, settings: NotifySettings
) -> int:
    """Raise SEQUENCE for everyone on the shift and queue the SMS notice and the calendar update
    (REQUEST for a change, METHOD:CANCEL for a cancellation); returns how many were queued."""
    render = templates.change if kind == "change" else templates.cancel
    queued = 0
    for a in _live_on_shift(session, shift.id):
        a.revision += 1
        a.updated_at = now
        queued += content.queue_sms(
            session=session,
            kind=kind,
            shift=shift,
            person=a.person,
            revision=a.revision,
            now=now,
            render=lambda f: render(f, lang=_lang(settings)),
            offer=None,
            settings=settings,
            roster_id=a.roster_id,
        )
        queued += content.queue_invite(
            session=session,
            kind=kind,
            shift=shift,
            person=a.person,
            sequence=a.revision,
            now=now,
            settings=settings,
            roster_id=a.roster_id,
            method="CANCEL" if kind == "cancel" else "REQUEST",
        )
    return queued
