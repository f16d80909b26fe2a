"""deliver(): one claimed message in, what to record out; nothing is sent twice after a crash."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from notifications.dispatcher import BACKOFF_CAP, backoff, deliver
from notifications.email.folder import FolderMailer
from notifications.email.smtp import SmtpMailer
from notifications.messages import Email, Outcome, Sms
from notifications.sms.outbox_log import OutboxLogSmsSender
from notifications.sms.quiet import QuietHours
from notifications.sms.twilio import TwilioSmsSender
from tests.notifications.smtp_server import free_port
from tests.notifications.twilio_stub import TwilioStub

CN = ZoneInfo("Asia/Shanghai")
OFFER = Sms(
    to="+8613812345678", body="李雷：12月26日周六08:00-12:00 幸福里社区第3网格 巡查。", key="offer:1:0"
)
SURGE = Sms(
    to="+8613812345678", body="李雷：幸福里社区第3网格急需3人协助，现在。", key="surge:9:1", urgent=True
)
PLAIN = Email(to="li.lei@example.cn", subject="本周值守", body="您本周有两个值守安排。", key="digest:1")


@pytest.fixture
def twilio(twilio_stub: TwilioStub) -> TwilioSmsSender:
    return TwilioSmsSender(
        account_sid=twilio_stub.account_sid,
        auth_token=twilio_stub.auth_token,
        from_number="+15005550006",
        api_base=twilio_stub.url,
        timeout=2.0,
    )


@pytest.fixture
def mailer(tmp_path: Path) -> FolderMailer:
    return FolderMailer(directory=tmp_path / "mail", mail_from="noreply@example.cn")


def test_a_sent_sms_returns_its_receipt(twilio: TwilioSmsSender, mailer: FolderMailer) -> None:
    result = deliver(OFFER, sms_sender=twilio, mailer=mailer)
    assert result.outcome is Outcome.SENT
    assert result.receipt is not None and result.receipt.provider_id.startswith("SM")


def test_an_invalid_number_is_permanent_with_a_reason_for_the_coordinator(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    twilio_stub.fail_next(status=400, code=21211)
    result = deliver(OFFER, sms_sender=twilio, mailer=mailer)
    assert (result.outcome, result.code, result.reason) == (
        Outcome.PERMANENT,
        "21211",
        "invalid phone number",
    )
    assert result.retry_after is None and result.opted_out is False


def test_an_opted_out_person_is_permanent_and_flagged(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    twilio_stub.fail_next(status=400, code=21610)
    result = deliver(OFFER, sms_sender=twilio, mailer=mailer)
    assert result.outcome is Outcome.PERMANENT and result.opted_out is True


def test_a_rate_limit_is_retried_later_with_growing_back_off(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    twilio_stub.fail_next(status=429, code=20429)
    twilio_stub.fail_next(status=429, code=20429)
    first = deliver(OFFER, sms_sender=twilio, mailer=mailer, attempt=1)
    third = deliver(OFFER, sms_sender=twilio, mailer=mailer, attempt=3)
    assert (first.outcome, third.outcome) == (Outcome.RETRY_LATER, Outcome.RETRY_LATER)
    assert first.retry_after == timedelta(seconds=30) and third.retry_after == timedelta(minutes=2)
    assert twilio_stub.messages == {}


def test_a_crash_after_the_provider_accepted_does_not_send_twice(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    claimed_at = datetime.now(UTC) - timedelta(seconds=1)
    first = deliver(OFFER, sms_sender=twilio, mailer=mailer)
    # ... the worker dies here: the receipt is never recorded, the row is still "claimed".
    # The next worker finds the stale claim and delivers with reconciliation.
    again = deliver(OFFER, sms_sender=twilio, mailer=mailer, reconcile_since=claimed_at)
    assert again.outcome is Outcome.SENT
    assert again.receipt == first.receipt
    assert len(twilio_stub.creates()) == 1


def test_an_in_doubt_send_that_twilio_accepted_is_found_not_resent(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    claimed_at = datetime.now(UTC) - timedelta(seconds=1)
    twilio_stub.accept_then_drop_next()
    first = deliver(OFFER, sms_sender=twilio, mailer=mailer)
    assert first.outcome is Outcome.IN_DOUBT and first.retry_after is not None
    [accepted] = twilio_stub.messages
    second = deliver(OFFER, sms_sender=twilio, mailer=mailer, attempt=2, reconcile_since=claimed_at)
    assert second.outcome is Outcome.SENT and second.receipt is not None
    assert second.receipt.provider_id == accepted
    assert len(twilio_stub.creates()) == 1


def test_an_in_doubt_send_that_twilio_never_took_is_sent_once_after_checking(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    claimed_at = datetime.now(UTC) - timedelta(seconds=1)
    twilio_stub.fail_next(status=503)
    assert deliver(OFFER, sms_sender=twilio, mailer=mailer).outcome is Outcome.IN_DOUBT
    second = deliver(OFFER, sms_sender=twilio, mailer=mailer, attempt=2, reconcile_since=claimed_at)
    assert second.outcome is Outcome.SENT
    assert len(twilio_stub.messages) == 1 and len(twilio_stub.creates()) == 2


def test_if_the_provider_cannot_be_asked_the_message_stays_in_doubt(mailer: FolderMailer) -> None:
    closed = TwilioStub()
    closed.start()
    base = closed.url
    closed.stop()
    unreachable = TwilioSmsSender(
        account_sid=closed.account_sid, auth_token="t", from_number="+1", api_base=base
    )
    result = deliver(OFFER, sms_sender=unreachable, mailer=mailer, reconcile_since=datetime.now(UTC))
    assert result.outcome is Outcome.IN_DOUBT and result.code == "connection_refused"


def test_quiet_hours_defer_a_non_urgent_sms_without_sending(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    night = datetime(2026, 11, 27, 23, 0, tzinfo=CN)
    result = deliver(
        OFFER, sms_sender=twilio, mailer=mailer, now=night, quiet=QuietHours.parse("22:00-07:00")
    )
    assert result.outcome is Outcome.DEFERRED
    assert result.not_before == datetime(2026, 11, 28, 7, 0, tzinfo=CN)
    assert twilio_stub.requests == []


def test_an_urgent_surge_call_goes_out_during_quiet_hours(
    twilio_stub: TwilioStub, twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    night = datetime(2026, 11, 27, 23, 0, tzinfo=CN)
    result = deliver(
        SURGE, sms_sender=twilio, mailer=mailer, now=night, quiet=QuietHours.parse("22:00-07:00")
    )
    assert result.outcome is Outcome.SENT and len(twilio_stub.creates()) == 1


def test_quiet_hours_without_a_clock_reading_are_refused(
    twilio: TwilioSmsSender, mailer: FolderMailer
) -> None:
    with pytest.raises(ValueError, match="now"):
        deliver(OFFER, sms_sender=twilio, mailer=mailer, quiet=QuietHours.parse("22:00-07:00"))


def test_the_embedded_defaults_deliver_sms_to_the_log_and_mail_to_the_folder(tmp_path: Path) -> None:
    sms_sender = OutboxLogSmsSender(path=tmp_path / "sms.jsonl")
    folder = FolderMailer(directory=tmp_path / "mail", mail_from="noreply@example.cn")
    sms_result = deliver(OFFER, sms_sender=sms_sender, mailer=folder)
    mail_result = deliver(PLAIN, sms_sender=sms_sender, mailer=folder)
    assert (sms_result.outcome, mail_result.outcome) == (Outcome.SENT, Outcome.SENT)
    assert len((tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()) == 1
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


class _RefuseRecipient:
    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        return "550 5.1.1 No such user"


@pytest.fixture
def refusing_smtp() -> Iterator[int]:
    port = free_port()
    controller = Controller(_RefuseRecipient(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_a_mailbox_that_does_not_exist_is_permanent(refusing_smtp: int, twilio: TwilioSmsSender) -> None:
    smtp = SmtpMailer(host="127.0.0.1", port=refusing_smtp, mail_from="noreply@example.cn")
    result = deliver(PLAIN, sms_sender=twilio, mailer=smtp)
    assert result.outcome is Outcome.PERMANENT and result.code == "550"


@pytest.mark.parametrize(
    ("attempt", "wait"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(minutes=1)),
        (5, timedelta(minutes=8)),
        (8, timedelta(hours=1)),
    ],
)
def test_backoff_doubles_from_30_seconds(attempt: int, wait: timedelta) -> None:
    assert backoff(attempt) == wait


def test_backoff_is_capped_even_after_many_attempts() -> None:
    assert backoff(10_000) == BACKOFF_CAP


def test_backoff_counts_attempts_from_one() -> None:
    with pytest.raises(ValueError):
        backoff(0)
