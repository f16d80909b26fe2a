"""iCalendar output: one VEVENT per assignment, as an iTIP invitation/cancellation or in a feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vDuration
from icalendar.enums import STATUS

from notifications.messages import CalendarEvent, InviteMethod

PRODID = "-//Grid Roster//Shift Scheduler//ZH"
# Calendar clients re-fetch a subscribed feed this often (RFC 7986 REFRESH-INTERVAL and the older
# X-PUBLISHED-TTL that Outlook and Google read).
FEED_REFRESH = timedelta(hours=1)
# VTIMEZONE is generated from zoneinfo for the dates the events use; without a bound,
# Asia/Shanghai would carry China's 1986-1991 daylight-saving rules into every invitation.
_TZ_MARGIN = timedelta(days=366)


def _attendee(event: CalendarEvent, *, partstat: str, rsvp: bool) -> vCalAddress:
    return vCalAddress.new(
        event.attendee_email,
        cn=event.attendee_name,
        role="REQ-PARTICIPANT",
        partstat=partstat,
        rsvp=rsvp,
        cutype="INDIVIDUAL",
    )


def _vevent(event: CalendarEvent, *, cancelled: bool, rsvp: bool, dtstamp: datetime | None) -> Event:
    organizer = vCalAddress.new(event.organizer_email, cn=event.organizer_name, role="CHAIR")
    vevent = Event.new(
        uid=event.uid,
        start=event.start,
        end=event.end,
        summary=event.summary,
        location=event.location,
        description=event.description,
        organizer=organizer,
        attendees=[_attendee(event, partstat="NEEDS-ACTION", rsvp=rsvp)],
        sequence=event.sequence,
        status=STATUS.CANCELLED if cancelled else STATUS(event.status),
    )
    if dtstamp is not None:
        vevent.DTSTAMP = dtstamp.astimezone(UTC)
    return vevent


def _calendar(
    events: list[Event], *, method: str, span: Iterable[CalendarEvent], name: str | None = None
) -> Calendar:
    cal = Calendar.new(method=method, prodid=PRODID, name=name, subcomponents=events)
    # Calendar.new adds an RFC 7986 calendar-level UID; in iTIP the UID that matters is the
    # event's, and a second one only confuses strict clients.
    del cal["UID"]
    span = list(span)
    if span:
        first = min(e.start for e in span).date() - _TZ_MARGIN
        last = max(e.end for e in span).date() + _TZ_MARGIN
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def invite(
    event: CalendarEvent, *, method: InviteMethod = "REQUEST", dtstamp: datetime | None = None
) -> bytes:
    """An iTIP REQUEST (new or changed shift; RSVP asked) or CANCEL (STATUS:CANCELLED) for one person.

    The caller raises `event.sequence` on every meaningful change, and for the cancellation.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cancelled = method == "CANCEL"
    vevent = _vevent(event, cancelled=cancelled, rsvp=not cancelled, dtstamp=dtstamp)
    return bytes(_calendar([vevent], method=method, span=[event]).to_ical())


def feed(events: Iterable[CalendarEvent], *, name: str, dtstamp: datetime | None = None) -> bytes:
    """A person's subscription feed (METHOD:PUBLISH) with the same UIDs and SEQUENCEs as the invitations."""
    events = list(events)
    # No RSVP in a feed: answers come from the invitations and the personal link, not from here.
    vevents = [_vevent(e, cancelled=e.status == "CANCELLED", rsvp=False, dtstamp=dtstamp) for e in events]
    cal = _calendar(vevents, method="PUBLISH", span=events, name=name)
    cal.refresh_interval = FEED_REFRESH
    # icalendar writes REFRESH-INTERVAL without VALUE=DURATION, which RFC 7986 §5.7 requires.
    cal["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    # A bare timedelta would be written as "1:00:00"; vDuration gives "PT1H".
    cal.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    return bytes(cal.to_ical())
