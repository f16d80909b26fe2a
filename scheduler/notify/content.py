"""What a message about one assignment says: SMS facts, the calendar event, and how it is queued."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.messages import CalendarEvent, EventStatus
from notifications.sms import templates
from notifications.sms.templates import ShiftFacts
from scheduler.clock import local_zone
from scheduler.notify.models import AssignmentOffer
from scheduler.notify.settings import NotifySettings
from scheduler.outbox import service as outbox
from scheduler.outbox.models import Channel
from scheduler.people.models import Person
from scheduler.rosters.models import Shift

CODE_DIGITS = 4
_CODE_TRIES = 50


def event_uid(shift_id: int, person_id: int) -> str:
    """The stable UID of an assignment in every invitation and feed: its identity across versions."""
    return f"assignment-{shift_id}-{person_id}@gridroster"


def place_of(shift: Shift) -> str:
    community, grid = shift.grid.community.name, shift.grid.name
    place = grid if grid.startswith(community) else community + grid
    return f"{place}{shift.location}" if shift.location else place


def duty_of(shift: Shift, settings: NotifySettings) -> str:
    return shift.task_type.name_zh if settings.lang is templates.Lang.ZH else shift.task_type.name_en


def get_or_create_offer(*, session: Session, shift_id: int, person_id: int, now: datetime) -> AssignmentOffer:
    return ensure_offers(session=session, pairs=[(shift_id, person_id)], now=now)[(shift_id, person_id)]


def ensure_offers(
    *, session: Session, pairs: Sequence[tuple[int, int]], now: datetime
) -> dict[tuple[int, int], AssignmentOffer]:
    """The offer of each (shift_id, person_id), made where missing: two queries for a whole roster."""
    wanted = set(pairs)
    if not wanted:
        return {}
    shift_ids = {shift_id for shift_id, _ in wanted}
    person_ids = {person_id for _, person_id in wanted}
    known = session.scalars(
        select(AssignmentOffer).where(
            AssignmentOffer.shift_id.in_(shift_ids), AssignmentOffer.person_id.in_(person_ids)
        )
    )
    found = {(o.shift_id, o.person_id): o for o in known if (o.shift_id, o.person_id) in wanted}
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    taken: dict[int, set[str]] = {}
    for person_id, code in session.execute(
        select(AssignmentOffer.person_id, AssignmentOffer.code).where(
            AssignmentOffer.person_id.in_({p for _, p in missing})
        )
    ):
        taken.setdefault(person_id, set()).add(code)
    for shift_id, person_id in missing:
        codes = taken.setdefault(person_id, set())
        code = ""
        for _ in range(_CODE_TRIES):
            # Unique among this person's offers: a reply arrives keyed by phone number only.
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            if code not in codes:
                break
        codes.add(code)
        # 72 random bits: out of reach of online guessing, and 12 characters, because the link is
        # the one part of an offer SMS that is never shortened (two UCS-2 segments, test_notify_segments).
        offer = AssignmentOffer(
            shift_id=shift_id, person_id=person_id, token=secrets.token_urlsafe(9), code=code, created_at=now
        )
        session.add(offer)
        found[(shift_id, person_id)] = offer
    session.flush()
    return found


def facts(
    *, shift: Shift, person: Person, offer: AssignmentOffer | None, settings: NotifySettings
) -> ShiftFacts:
    link = settings.link(f"/o/{offer.token}") if offer else settings.link(f"/me/{person.link_token}")
    code = offer.code if offer is not None and settings.codes_for(person.phone) else None
    return ShiftFacts(
        name=person.name,
        duty=duty_of(shift, settings),
        place=place_of(shift),
        start=shift.starts_at,
        end=shift.ends_at,
        link=link,
        code=code,
    )


def calendar_event(
    *,
    shift: Shift,
    person: Person,
    sequence: int,
    settings: NotifySettings,
    status: EventStatus = "CONFIRMED",
) -> CalendarEvent:
    """The same VEVENT for the invitation and the feed: UID from the identity, SEQUENCE the revision."""
    street = shift.grid.community.street.name
    return CalendarEvent(
        uid=event_uid(shift.id, person.id),
        sequence=sequence,
        start=shift.starts_at.astimezone(local_zone()),
        end=shift.ends_at.astimezone(local_zone()),
        summary=f"{duty_of(shift, settings)} · {shift.grid.name}",
        location=place_of(shift),
        description=f"{street} 网格值守。详情与确认：{settings.link('/me/' + person.link_token)}",
        organizer_name=street,
        organizer_email=settings.mail_from,
        attendee_name=person.name,
        attendee_email=person.email or f"person-{person.id}@gridroster.invalid",  # feed only: no address
        status=status,
    )


def event_payload(event: CalendarEvent) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "sequence": event.sequence,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "summary": event.summary,
        "location": event.location,
        "description": event.description,
        "organizer_name": event.organizer_name,
        "organizer_email": event.organizer_email,
        "attendee_name": event.attendee_name,
        "attendee_email": event.attendee_email,
        "status": event.status,
        "tzid": str(local_zone()),
    }


def event_from_payload(data: dict[str, Any]) -> CalendarEvent:
    # An ISO string keeps only the offset; calendars need the zone (VTIMEZONE Asia/Shanghai).
    zone = ZoneInfo(data.get("tzid") or str(local_zone()))
    fields = {k: v for k, v in data.items() if k != "tzid"}
    return CalendarEvent(
        **{
            **fields,
            "start": datetime.fromisoformat(data["start"]).astimezone(zone),
            "end": datetime.fromisoformat(data["end"]).astimezone(zone),
        }
    )


def queue_sms(
    *,
    session: Session,
    kind: str,
    shift: Shift,
    person: Person,
    revision: int,
    now: datetime,
    render: Callable[[ShiftFacts], str],
    offer: AssignmentOffer | None,
    settings: NotifySettings,
    roster_id: int | None,
    not_before: datetime | None = None,
    key_suffix: str = "",
    batch: list[dict[str, Any]] | None = None,
) -> bool:
    """Queue one SMS about a shift (or add it to `batch` for one outbox.enqueue_many later)."""
    if not person.reachable:
        return False
    body = render(facts(shift=shift, person=person, offer=offer, settings=settings))
    return _put(
        session,
        batch,
        dedupe_key=f"{kind}:sms:{shift.id}:{person.id}:{revision}{key_suffix}",
        channel=Channel.SMS,
        kind=kind,
        recipient=person.phone,
        payload={"body": body},
        now=now,
        not_before=not_before,
        person_id=person.id,
        roster_id=roster_id,
        shift_id=shift.id,
    )


def _put(session: Session, batch: list[dict[str, Any]] | None, **fields: Any) -> bool:
    values = outbox.message_values(**fields)
    if batch is not None:
        batch.append(values)
        return True
    return outbox.enqueue_many(session=session, rows=[values]) == 1


_SUBJECTS = {
    "offer": ("值守安排：", "Shift: "),
    "change": ("值守安排有变：", "Shift changed: "),
    "cancel": ("值守已取消：", "Shift called off: "),
}


def queue_invite(
    *,
    session: Session,
    kind: str,
    shift: Shift,
    person: Person,
    sequence: int,
    now: datetime,
    settings: NotifySettings,
    roster_id: int | None,
    method: str = "REQUEST",
    batch: list[dict[str, Any]] | None = None,
) -> bool:
    """An iMIP invitation (REQUEST) or cancellation (CANCEL), for people with an e-mail address."""
    if not person.email or not person.reachable:
        return False
    event = calendar_event(
        shift=shift,
        person=person,
        sequence=sequence,
        settings=settings,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
    )
    zh, en = _SUBJECTS[kind]
    when = templates.format_when(
        facts(shift=shift, person=person, offer=None, settings=settings), lang=settings.lang
    )
    subject = (zh if settings.lang is templates.Lang.ZH else en) + f"{event.summary} {when}"
    return _put(
        session,
        batch,
        dedupe_key=f"{kind}:email:{shift.id}:{person.id}:{sequence}",
        channel=Channel.EMAIL,
        kind=kind,
        recipient=person.email,
        payload={
            "subject": subject,
            "body": f"{subject}\n{event.location}\n{event.description}",
            "to_name": person.name,
            "method": method,
            "event": event_payload(event),
        },
        now=now,
        person_id=person.id,
        roster_id=roster_id,
        shift_id=shift.id,
    )
