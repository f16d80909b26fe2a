"""The real twilio client, talking HTTP to the local stub through TwilioSmsSender."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from notifications.messages import DeliveryError, Sms
from notifications.sms.base import PhoneMaskingFilter
from notifications.sms.twilio import TwilioSmsSender
from tests.notifications.twilio_stub import TwilioStub

FROM = "+15005550006"
SERVICE = "MG" + "1" * 32
TO = "+8613812345678"
OFFER = Sms(
    to=TO,
    body="李雷：12月26日周六08:00-12:00 幸福里社区第3网格 巡查。确认/拒绝：https://wg.example.cn/s/x",
    key="offer:1:0",
)


def sender(stub: TwilioStub, **overrides: object) -> TwilioSmsSender:
    options: dict[str, object] = {
        "account_sid": stub.account_sid,
        "auth_token": stub.auth_token,
        "from_number": FROM,
        "api_base": stub.url,
        "timeout": 2.0,
    }
    options.update(overrides)
    return TwilioSmsSender(**options)  # type: ignore[arg-type]


def test_send_posts_to_from_and_body_with_basic_auth(twilio_stub: TwilioStub) -> None:
    receipt = sender(twilio_stub, status_callback="https://wg.example.cn/hooks/twilio/status").send(OFFER)
    assert (
        receipt.provider == "twilio" and receipt.status == "queued" and receipt.provider_id.startswith("SM")
    )
    [create] = twilio_stub.creates()
    assert dict(create.form) == {
        "To": TO,
        "From": FROM,
        "Body": OFFER.body,
        "StatusCallback": "https://wg.example.cn/hooks/twilio/status",
    }
    assert create.headers["Authorization"].startswith("Basic ")
    assert receipt.provider_id in twilio_stub.messages


def test_send_through_a_messaging_service_uses_its_sid_instead_of_a_from_number(
    twilio_stub: TwilioStub,
) -> None:
    receipt = sender(twilio_stub, from_number=None, messaging_service_sid=SERVICE).send(OFFER)
    assert receipt.status == "accepted"
    [create] = twilio_stub.creates()
    assert dict(create.form)["MessagingServiceSid"] == SERVICE and "From" not in dict(create.form)


@pytest.mark.parametrize(
    ("status", "code", "permanent", "opted_out", "in_doubt"),
    [
        (400, 21211, True, False, False),  # invalid To
        (400, 21614, True, False, False),  # landline
        (400, 21408, True, False, False),  # region not enabled
        (400, 21610, True, True, False),  # the person replied STOP
        (429, 20429, False, False, False),  # too many requests: retry later
        (500, None, False, False, True),  # outcome unknown: reconcile first
        (503, None, False, False, True),
        (401, 20003, False, False, False),  # credentials: keep the message for when config is fixed
    ],
)
def test_provider_errors_map_to_retry_permanent_or_in_doubt(
    twilio_stub: TwilioStub, status: int, code: int | None, permanent: bool, opted_out: bool, in_doubt: bool
) -> None:
    twilio_stub.fail_next(status=status, code=code)
    with pytest.raises(DeliveryError) as caught:
        sender(twilio_stub).send(OFFER)
    error = caught.value
    assert (error.permanent, error.opted_out, error.in_doubt) == (permanent, opted_out, in_doubt)
    assert error.code == str(code if code is not None else status)


def test_wrong_credentials_are_reported_as_a_configuration_problem(twilio_stub: TwilioStub) -> None:
    with pytest.raises(DeliveryError, match="TWILIO_AUTH_TOKEN") as caught:
        sender(twilio_stub, auth_token="wrong").send(OFFER)
    assert caught.value.permanent is False
    assert twilio_stub.messages == {}


def test_connection_refused_is_safe_to_retry(twilio_stub: TwilioStub) -> None:
    closed = TwilioStub()
    closed.start()
    base = closed.url
    closed.stop()  # nothing listens there any more
    with pytest.raises(DeliveryError) as caught:
        sender(twilio_stub, api_base=base).send(OFFER)
    assert (caught.value.code, caught.value.permanent, caught.value.in_doubt) == (
        "connection_refused",
        False,
        False,
    )


def test_a_dropped_connection_after_acceptance_is_in_doubt_and_lookup_finds_the_message(
    twilio_stub: TwilioStub,
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    twilio_stub.accept_then_drop_next()
    sms_sender = sender(twilio_stub)
    with pytest.raises(DeliveryError) as caught:
        sms_sender.send(OFFER)
    assert caught.value.in_doubt is True and caught.value.code == "connection_lost"
    [accepted] = twilio_stub.messages.values()
    found = sms_sender.lookup(OFFER, since=since)
    assert found is not None and found.provider_id == accepted.sid and found.status == "queued"


def test_a_read_timeout_after_acceptance_is_in_doubt(twilio_stub: TwilioStub) -> None:
    twilio_stub.accept_then_stall_next(seconds=1.5)
    with pytest.raises(DeliveryError) as caught:
        sender(twilio_stub, timeout=0.5).send(OFFER)
    assert caught.value.in_doubt is True and caught.value.code == "read_timeout"
    assert len(twilio_stub.messages) == 1


def test_a_500_after_acceptance_is_in_doubt_and_lookup_finds_the_message(twilio_stub: TwilioStub) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    twilio_stub.accept_then_fail_next(status=500)
    sms_sender = sender(twilio_stub)
    with pytest.raises(DeliveryError) as caught:
        sms_sender.send(OFFER)
    assert caught.value.in_doubt is True
    [accepted] = twilio_stub.messages.values()
    found = sms_sender.lookup(OFFER, since=since)
    assert found is not None and found.provider_id == accepted.sid


def test_lookup_uses_the_date_sent_filter_and_finds_a_sent_message(twilio_stub: TwilioStub) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    sms_sender = sender(twilio_stub)
    receipt = sms_sender.send(OFFER)
    twilio_stub.mark_sent(receipt.provider_id, at=datetime.now(UTC))
    found = sms_sender.lookup(OFFER, since=since)
    assert found is not None and found.provider_id == receipt.provider_id and found.status == "sent"
    lists = [r for r in twilio_stub.requests if r.method == "GET"]
    queries = [parse_qs(r.query_string.decode()) for r in lists]
    assert {q["To"][0] for q in queries} == {TO}
    assert any("DateSent>" in q for q in queries)


def test_lookup_finds_nothing_for_another_body_an_older_message_or_another_number(
    twilio_stub: TwilioStub,
) -> None:
    sms_sender = sender(twilio_stub)
    sms_sender.send(OFFER)
    other_body = Sms(to=TO, body="李雷：另一条", key="offer:2:0")
    other_number = Sms(to="+8613900001111", body=OFFER.body, key="offer:3:0")
    assert sms_sender.lookup(other_body, since=datetime.now(UTC) - timedelta(minutes=1)) is None
    assert sms_sender.lookup(other_number, since=datetime.now(UTC) - timedelta(minutes=1)) is None
    assert sms_sender.lookup(OFFER, since=datetime.now(UTC) + timedelta(minutes=10)) is None


def test_nothing_sent_means_lookup_returns_none(twilio_stub: TwilioStub) -> None:
    assert sender(twilio_stub).lookup(OFFER, since=datetime.now(UTC) - timedelta(hours=1)) is None


def test_logs_never_show_a_full_phone_number(
    twilio_stub: TwilioStub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sms_sender = sender(twilio_stub)
    sms_sender.send(OFFER)
    twilio_stub.fail_next(status=400, code=21211)
    with pytest.raises(DeliveryError):
        sms_sender.send(OFFER)
    sms_sender.lookup(OFFER, since=datetime.now(UTC) - timedelta(minutes=1))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("notifications"))
    assert "+86138****5678" in ours
    assert TO.lstrip("+") not in ours


def test_the_masking_filter_hides_numbers_in_library_request_lines(
    twilio_stub: TwilioStub, caplog: pytest.LogCaptureFixture
) -> None:
    # urllib3 logs the request line, query string included, at DEBUG.
    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(PhoneMaskingFilter())
    sender(twilio_stub).lookup(OFFER, since=datetime.now(UTC) - timedelta(minutes=1))
    urllib3_lines = [r.getMessage() for r in caplog.records if r.name.startswith("urllib3")]
    assert any("Messages.json?To=%2B86138****5678" in line for line in urllib3_lines)
    assert TO.lstrip("+") not in caplog.text
