"""Invitations over real SMTP: REQUEST, SEQUENCE up on change, CANCEL on removal; the feed shares UIDs."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import vobject
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from notifications.email.smtp import SmtpMailer
from scheduler.notify import dispatch, feed, flows
from scheduler.notify.content import event_uid
from tests.conftest import NOW
from tests.notifications.smtp_server import Inbox, SmtpServer, free_port
from tests.scheduler.notify_support import SETTINGS, MovableClock, log_sender, published_roster, sessions_on


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=port, inbox=inbox)
    finally:
        controller.stop()


def _send(session: Session, tmp_path: Path, smtp: SmtpServer) -> None:
    dispatch.dispatch_due(
        sessions=sessions_on(session),
        clock=MovableClock(),
        sms_sender=log_sender(tmp_path),
        mailer=SmtpMailer(host=smtp.host, port=smtp.port, mail_from="paiban@example.cn"),
        settings=SETTINGS,
    )


def _calendars(smtp: SmtpServer) -> list[tuple[str, Any]]:
    """(METHOD, parsed VCALENDAR) of every received invitation, parsed by vobject (not icalendar)."""
    out = []
    for mail in smtp.received:
        message = email.message_from_bytes(mail.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        cal = vobject.readOne(part.get_content())
        assert str(part.get_param("method")) == cal.method.value
        out.append((cal.method.value, cal))
    return out


def test_an_offer_arrives_as_a_request_with_the_assignment_uid(
    session: Session, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    p = published_roster(session, shifts=1)
    _send(session, tmp_path, smtp_server)
    [(method, cal)] = _calendars(smtp_server)
    a = p.roster.assignments[0]
    assert method == "REQUEST"
    assert (
        cal.vevent.uid.value
        == event_uid(a.shift_id, a.person_id)
        == f"assignment-{a.shift_id}-{a.person_id}@gridroster"
    )
    assert int(cal.vevent.sequence.value) == 0
    assert cal.vevent.location.value == "甲社区甲一网格"
    assert cal.vtimezone.tzid.value == "Asia/Shanghai"
    assert "RSVP=TRUE" in cal.vevent.attendee.serialize().upper().replace("\r\n ", "")
    assert smtp_server.received[0].rcpt_tos == [a.person.email]


def test_a_change_raises_sequence_and_a_called_off_shift_sends_cancel(
    session: Session, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    p = published_roster(session, shifts=1)
    _send(session, tmp_path, smtp_server)
    shift = p.shifts[0]
    shift.location = "东门"
    assert flows.notify_shift_changed(session=session, shift_id=shift.id, now=NOW, settings=SETTINGS) == 2
    session.flush()
    _send(session, tmp_path, smtp_server)
    assert flows.cancel_shift(session=session, shift_id=shift.id, now=NOW, settings=SETTINGS) == 2
    session.flush()
    _send(session, tmp_path, smtp_server)
    cals = _calendars(smtp_server)
    assert [(m, int(c.vevent.sequence.value)) for m, c in cals] == [
        ("REQUEST", 0),
        ("REQUEST", 1),
        ("CANCEL", 2),
    ]
    assert len({c.vevent.uid.value for _, c in cals}) == 1
    assert cals[1][1].vevent.location.value.endswith("东门")
    assert cals[2][1].vevent.status.value == "CANCELLED"
    bodies = (tmp_path / "sms.jsonl").read_text(encoding="utf-8")
    assert "安排有变" in bodies and "已取消" in bodies


def test_the_feed_and_the_invitation_share_uid_and_sequence(
    session: Session, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    p = published_roster(session, people=1, shifts=2)
    _send(session, tmp_path, smtp_server)
    invited = {c.vevent.uid.value: int(c.vevent.sequence.value) for _, c in _calendars(smtp_server)}
    person = p.people[0]
    cal = vobject.readOne(
        feed.person_feed(session=session, person=person, now=NOW, settings=SETTINGS).decode()
    )
    fed = {e.uid.value: int(e.sequence.value) for e in cal.vevent_list}
    assert fed == invited and len(fed) == 2
    assert cal.method.value == "PUBLISH"


def test_a_re_plan_that_moves_someone_off_a_shift_sends_them_cancel(
    session: Session, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    from optimizer.params import TEST_PARAMS
    from scheduler.rosters import service as rosters

    p = published_roster(session, people=3, shifts=1)
    _send(session, tmp_path, smtp_server)
    a = p.roster.assignments[0]
    # The coordinator re-plans without this person on the shift: the new version moves them off.
    new = rosters.replan(
        session=session,
        roster_id=p.roster.id,
        now=NOW,
        params=TEST_PARAMS,
        forbid=((a.person_id, a.shift_id),),
    )
    rosters.publish_roster(session=session, roster_id=new.id, now=NOW)
    session.flush()
    _send(session, tmp_path, smtp_server)
    mine = [
        (m, int(c.vevent.sequence.value))
        for m, c in _calendars(smtp_server)
        if c.vevent.uid.value == event_uid(a.shift_id, a.person_id)
    ]
    assert mine == [("REQUEST", 0), ("CANCEL", 1)]
    assert "已取消" in (tmp_path / "sms.jsonl").read_text(encoding="utf-8")
