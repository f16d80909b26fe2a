"""Offers on publish and the dispatcher: exactly once, retried, stopped when permanent, quiet at night."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from notifications.sms.base import SmsSender
from notifications.sms.quiet import QuietHours
from notifications.sms.twilio import TwilioSmsSender
from optimizer.params import TEST_PARAMS
from scheduler.db import make_engine, make_session_factory, transaction
from scheduler.migrate import upgrade
from scheduler.notify import dispatch
from scheduler.notify.summary import roster_delivery
from scheduler.outbox import service as outbox
from scheduler.outbox.models import Channel, OutboxStatus
from scheduler.rosters import service as rosters
from scheduler.rosters.models import AssignmentStatus
from tests.conftest import NOW
from tests.notifications.twilio_stub import TwilioStub
from tests.scheduler.dbbuilders import WEEK, Street1
from tests.scheduler.notify_support import (
    SETTINGS,
    MovableClock,
    folder_mailer,
    log_sender,
    outbox_rows,
    published_roster,
    sessions_on,
)


@pytest.fixture
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


def twilio_sender(stub: TwilioStub) -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid=stub.account_sid,
        auth_token=stub.auth_token,
        from_number="+15005550006",
        api_base=stub.url,
        timeout=2.0,
    )


def run(
    session: Session, tmp_path: Path, clock: MovableClock, sender: SmsSender | None = None, **settings: Any
) -> Counter[str]:
    """One dispatch over the test's transaction; `settings` override fields of SETTINGS."""
    return dispatch.dispatch_due(
        sessions=sessions_on(session),
        clock=clock,
        sms_sender=sender or log_sender(tmp_path),
        mailer=folder_mailer(tmp_path),
        settings=replace(SETTINGS, **settings),
    )


def test_publish_queues_exactly_one_offer_per_assignment(session: Session) -> None:
    p = published_roster(session)
    sms = outbox_rows(session, kind="offer", channel=Channel.SMS)
    mail = outbox_rows(session, kind="offer", channel=Channel.EMAIL)
    identities = sorted((a.shift_id, a.person_id) for a in p.roster.assignments)
    assert len(identities) == 3
    assert sorted((r.shift_id, r.person_id) for r in sms) == identities
    assert (
        sorted((r.shift_id, r.person_id) for r in mail) == identities
    )  # everyone here has an e-mail address
    assert all(r.roster_id == p.roster.id and r.status is OutboxStatus.PENDING for r in sms + mail)
    body = sms[0].payload["body"]
    assert "/o/" in body and "回复1 " in body and "党" not in body


def test_dispatching_twice_sends_nothing_new(session: Session, tmp_path: Path) -> None:
    published_roster(session)
    clock = MovableClock()
    first = run(session, tmp_path, clock)
    assert first == {"sent": 6}
    assert run(session, tmp_path, clock) == {}
    clock.advance(timedelta(hours=1))
    assert run(session, tmp_path, clock) == {}
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert all("****" in json.loads(line)["to"] for line in lines)  # numbers masked in the log
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 3


def test_a_crash_after_twilio_accepted_but_before_the_row_was_marked_does_not_send_twice(
    session: Session, tmp_path: Path, twilio_stub: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    published_roster(session, shifts=1, emails=False)
    clock = MovableClock()
    real = outbox.record_result

    def killed(**kwargs: object) -> None:
        raise SystemExit("worker killed between send and record")

    monkeypatch.setattr(outbox, "record_result", killed)
    with pytest.raises(SystemExit):
        run(session, tmp_path, clock, twilio_sender(twilio_stub))
    monkeypatch.setattr(outbox, "record_result", real)
    assert len(twilio_stub.creates()) == 1  # Twilio has it
    (row,) = outbox_rows(session, kind="offer")
    assert row.status is OutboxStatus.CLAIMED and row.provider_id is None
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {}  # the claim still holds
    clock.advance(timedelta(minutes=6))  # the dead worker's lease runs out
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"sent": 1}
    assert len(twilio_stub.creates()) == 1  # reconciled with the provider, not sent again
    (row,) = outbox_rows(session, kind="offer")
    assert row.status is OutboxStatus.SENT and row.provider_id in twilio_stub.messages


def test_a_dropped_connection_after_accepting_is_reconciled_not_resent(
    session: Session, tmp_path: Path, twilio_stub: TwilioStub
) -> None:
    published_roster(session, shifts=1, emails=False)
    clock = MovableClock()
    twilio_stub.accept_then_drop_next()
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"in_doubt": 1}
    clock.advance(timedelta(minutes=2))
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"sent": 1}
    assert len(twilio_stub.creates()) == 1
    (row,) = outbox_rows(session, kind="offer")
    assert [a.outcome for a in row.attempt_log] == ["in_doubt", "sent"]


def test_permanent_errors_stop_retries_and_show_the_reason_to_the_coordinator(
    session: Session, tmp_path: Path, twilio_stub: TwilioStub
) -> None:
    p = published_roster(session, shifts=2, emails=False)
    clock = MovableClock()
    twilio_stub.fail_next(status=400, code=21211)
    twilio_stub.fail_next(status=400, code=21610)
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"permanent": 2}
    clock.advance(timedelta(days=1))
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {}  # never retried
    summary = roster_delivery(session=session, roster_id=p.roster.id)
    assert (summary.offers_queued, summary.sent, summary.failed) == (2, 0, 2)
    reasons = {f.code: f.reason for f in summary.failures}
    assert reasons["21211"] == "invalid phone number"
    assert "opted out" in reasons["21610"]
    assert all("****" in f.recipient for f in summary.failures)
    opted = [r.person_id for r in outbox_rows(session, kind="offer") if r.error_code == "21610"]
    assert p.street.session.get(type(p.people[0]), opted[0]).opted_out_at is not None  # type: ignore[union-attr]


def test_too_many_requests_is_retried_after_a_back_off(
    session: Session, tmp_path: Path, twilio_stub: TwilioStub
) -> None:
    published_roster(session, shifts=1, emails=False)
    clock = MovableClock()
    twilio_stub.fail_next(status=429, code=20429)
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"retry_later": 1}
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {}  # not before the back-off
    clock.advance(timedelta(seconds=31))
    assert run(session, tmp_path, clock, twilio_sender(twilio_stub)) == {"sent": 1}


def test_quiet_hours_hold_offers_until_the_morning(session: Session, tmp_path: Path) -> None:
    published_roster(session, shifts=1, emails=False)
    night = MovableClock(datetime(2026, 11, 27, 15, 0, tzinfo=NOW.tzinfo))  # 23:00 in Shanghai
    quiet = QuietHours.parse("22:00-07:00")
    assert run(session, tmp_path, night, quiet=quiet) == {"deferred": 1}
    (row,) = outbox_rows(session, kind="offer")
    assert row.attempts == 0 and row.not_before == datetime(2026, 11, 27, 23, 0, tzinfo=NOW.tzinfo)  # 07:00
    assert not (tmp_path / "sms.jsonl").exists()
    night.advance(timedelta(hours=8))
    assert run(session, tmp_path, night, quiet=quiet) == {"sent": 1}


def test_a_person_gets_no_more_than_the_daily_limit_of_texts(session: Session, tmp_path: Path) -> None:
    p = published_roster(session, people=1, shifts=3, emails=False)
    assert {a.person_id for a in p.roster.assignments} == {p.people[0].id}
    clock = MovableClock()
    assert run(session, tmp_path, clock, daily_sms_limit=2) == {"sent": 2, "deferred": 1}
    (held,) = [r for r in outbox_rows(session, kind="offer") if r.status is OutboxStatus.PENDING]
    assert held.not_before == datetime(2026, 11, 27, 16, 0, tzinfo=NOW.tzinfo)  # local midnight


def test_an_offer_answered_before_it_went_out_is_dropped(session: Session, tmp_path: Path) -> None:
    p = published_roster(session, shifts=1, emails=False)
    p.roster.assignments[0].status = AssignmentStatus.CONFIRMED
    session.flush()
    assert run(session, tmp_path, MovableClock()) == {"dropped": 1}


def test_two_dispatchers_at_once_send_each_message_once(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as s:
            st = Street1(s)
            for name in ("甲", "乙", "丙", "丁", "戊"):
                st.person(name, windows=[("0123456", "08:00", "22:00")])
            for day in range(5):
                st.shift(day, "09:00", "11:00", demand=[(None, 2)])
            r = rosters.generate_roster(
                session=s, street_id=st.street.id, week_start=WEEK, now=NOW, params=TEST_PARAMS
            )
            rosters.publish_roster(session=s, roster_id=r.id, now=NOW)
        sender = log_sender(tmp_path)  # one log file, written by both
        results: list[object] = []
        start = threading.Barrier(2)

        def worker() -> None:
            start.wait()
            results.append(
                dispatch.dispatch_due(
                    sessions=factory,
                    clock=MovableClock(),
                    sms_sender=sender,
                    mailer=folder_mailer(tmp_path),
                    settings=SETTINGS,
                )
            )

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        keys = [
            json.loads(line)["key"]
            for line in (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert len(keys) == 10 and len(set(keys)) == 10  # every offer once, none twice
    finally:
        engine.dispose()


class TickingClock(MovableClock):
    """Each reading is a minute later: a slow provider, seen from the dispatcher."""

    def now(self) -> datetime:
        self.at = self.at + timedelta(minutes=1)
        return self.at


def test_a_slow_batch_stops_before_its_claims_can_be_taken_over(session: Session, tmp_path: Path) -> None:
    published_roster(session, shifts=3, emails=False)
    outcomes = run(session, tmp_path, TickingClock())
    assert outcomes == {"sent": 1, "left_for_later": 2}
    left = [r for r in outbox_rows(session, kind="offer") if r.status is OutboxStatus.CLAIMED]
    assert len(left) == 2  # never sent: they wait for their lease, then go out once
    later = MovableClock(NOW + timedelta(minutes=10))
    assert run(session, tmp_path, later) == {"sent": 2}
    assert len((tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()) == 3
