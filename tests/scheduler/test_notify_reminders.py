"""Reminders for confirmed shifts: the evening before at 20:00 and two hours before, once each."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from scheduler.clock import local_zone
from scheduler.notify import dispatch, flows
from scheduler.notify.settings import SettingsError, parse_reminders
from scheduler.outbox.models import OutboxStatus
from scheduler.rosters.models import AssignmentStatus
from tests.scheduler.dbbuilders import WEEK
from tests.scheduler.notify_support import (
    SETTINGS,
    MovableClock,
    folder_mailer,
    log_sender,
    outbox_rows,
    published_roster,
    sessions_on,
)

SUNDAY_NOON = datetime.combine(WEEK - timedelta(days=1), datetime.min.time(), local_zone()) + timedelta(
    hours=12
)


def test_a_confirmed_shift_gets_an_evening_before_and_a_two_hours_before_reminder_once(
    session: Session,
) -> None:
    p = published_roster(session, shifts=1)
    p.roster.assignments[0].status = AssignmentStatus.CONFIRMED
    session.flush()
    assert flows.schedule_reminders(session=session, now=SUNDAY_NOON, settings=SETTINGS) == 2
    assert flows.schedule_reminders(session=session, now=SUNDAY_NOON, settings=SETTINGS) == 0  # idempotent
    times = sorted(
        r.not_before.astimezone(local_zone()).strftime("%a %H:%M")
        for r in outbox_rows(session, kind="reminder")
    )
    assert times == ["Mon 07:00", "Sun 20:00"]
    assert "提醒您" in outbox_rows(session, kind="reminder")[0].payload["body"]


def test_unconfirmed_shifts_get_no_reminder_and_a_late_one_is_skipped(session: Session) -> None:
    p = published_roster(session, shifts=1)
    assert flows.schedule_reminders(session=session, now=SUNDAY_NOON, settings=SETTINGS) == 0  # only offered
    p.roster.assignments[0].status = AssignmentStatus.CONFIRMED
    session.flush()
    late = SUNDAY_NOON + timedelta(hours=10)  # Sunday 22:00: the evening reminder's time has passed
    assert flows.schedule_reminders(session=session, now=late, settings=SETTINGS) == 1


def test_a_reminder_for_a_shift_declined_meanwhile_is_dropped(session: Session, tmp_path: Path) -> None:
    p = published_roster(session, shifts=1)
    a = p.roster.assignments[0]
    a.status = AssignmentStatus.CONFIRMED
    session.flush()
    flows.schedule_reminders(session=session, now=SUNDAY_NOON, settings=SETTINGS)
    a.status = AssignmentStatus.DECLINED
    session.flush()
    clock = MovableClock(SUNDAY_NOON + timedelta(hours=8))
    dispatch.dispatch_due(
        sessions=sessions_on(session),
        clock=clock,
        sms_sender=log_sender(tmp_path),
        mailer=folder_mailer(tmp_path),
        settings=SETTINGS,
    )
    reminders = outbox_rows(session, kind="reminder")
    assert [r.status for r in reminders if r.not_before <= clock.now()] == [OutboxStatus.DROPPED]


def test_reminder_settings_are_parsed_or_refused_by_name() -> None:
    assert [r.name for r in parse_reminders("eve@19:30, 90m,1h")] == ["eve@19:30", "90m", "1h"]
    assert parse_reminders("off") == ()
    with pytest.raises(SettingsError, match="GRIDROSTER_REMINDERS"):
        parse_reminders("tomorrow")
