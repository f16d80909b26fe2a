"""Calendar output read back with vobject, an independent parser."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import vobject

from notifications.calendar.ics import feed, invite
from tests.notifications.builders import shift_event

CN = ZoneInfo("Asia/Shanghai")
STAMP = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def parse(ics: bytes) -> vobject.base.Component:
    return vobject.readOne(ics.decode("utf-8"))


def test_request_has_method_uid_sequence_attendee_rsvp_and_shanghai_time() -> None:
    cal = parse(invite(shift_event(sequence=3), method="REQUEST", dtstamp=STAMP))
    assert cal.method.value == "REQUEST"
    ev = cal.vevent
    assert ev.uid.value == "assignment-42@gridroster.example.cn"
    assert ev.sequence.value == "3"
    assert ev.status.value == "CONFIRMED"
    assert ev.attendee.value == "mailto:nana@example.cn"
    assert ev.attendee.params["RSVP"] == ["TRUE"]
    assert ev.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
    assert ev.attendee.params["CN"] == ["欧阳娜娜娜"]
    assert ev.organizer.value == "mailto:roster@gridroster.example.cn"
    # vobject resolves TZID to its own tzinfo built from our VTIMEZONE, keeping the original id.
    assert ev.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Asia/Shanghai"]
    assert vobject.icalendar.TimezoneComponent.pickTzid(ev.dtstart.value.tzinfo) == "Asia/Shanghai"
    assert ev.dtstart.value == datetime(2026, 12, 26, 8, 0, tzinfo=CN)
    assert ev.location.value == "和平里第十四社区 第十二网格"
    assert ev.dtstamp.value == STAMP


def test_vtimezone_is_included_and_bounded_to_a_single_standard_period() -> None:
    text = invite(shift_event()).decode()
    cal = parse(text.encode())
    assert cal.vtimezone.tzid.value == "Asia/Shanghai"
    # Without a bounded range, China's 1986-1991 daylight-saving rules would be included.
    assert text.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in text


def test_an_itip_message_has_no_calendar_level_uid() -> None:
    cal = parse(invite(shift_event()))
    assert "uid" not in cal.contents


def test_cancel_carries_status_cancelled_and_a_higher_sequence() -> None:
    request = parse(invite(shift_event(sequence=1), method="REQUEST"))
    cancel = parse(invite(shift_event(sequence=2), method="CANCEL"))
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.status.value == "CANCELLED"
    assert cancel.vevent.uid.value == request.vevent.uid.value
    assert int(cancel.vevent.sequence.value) > int(request.vevent.sequence.value)
    assert cancel.vevent.attendee.value == "mailto:nana@example.cn"


def test_feed_shares_uids_and_sequences_with_the_invitations_and_sets_refresh() -> None:
    events = [shift_event(sequence=2), shift_event(uid="assignment-43@gridroster.example.cn", day=27)]
    text = feed(events, name="欧阳娜娜娜的值守", dtstamp=STAMP).decode()
    cal = parse(text.encode())
    assert cal.method.value == "PUBLISH"
    assert cal.contents["x-wr-calname"][0].value == "欧阳娜娜娜的值守"
    assert cal.contents["name"][0].value == "欧阳娜娜娜的值守"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    feed_events = {ev.uid.value: ev.sequence.value for ev in cal.vevent_list}
    invited = {parse(invite(e)).vevent.uid.value: parse(invite(e)).vevent.sequence.value for e in events}
    assert (
        feed_events
        == invited
        == {
            "assignment-42@gridroster.example.cn": "2",
            "assignment-43@gridroster.example.cn": "0",
        }
    )


def test_a_cancelled_shift_stays_in_the_feed_as_cancelled() -> None:
    cancelled = replace(shift_event(sequence=4), status="CANCELLED")
    ev = parse(feed([cancelled], name="x")).vevent
    assert ev.status.value == "CANCELLED" and ev.sequence.value == "4"
