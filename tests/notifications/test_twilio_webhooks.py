"""Inbound Twilio webhooks: signatures, status callbacks, inbound SMS, and status that only moves forward."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict

from notifications.inbound import (
    CallbackError,
    InboundSms,
    StatusUpdate,
    next_status,
    parse_inbound_sms,
    parse_status_callback,
    verify_twilio_signature,
)

TOKEN = "12345678901234567890123456789012"
URL = "https://wg.example.cn/hooks/twilio/sms"
FORM = {"From": "+8613812345678", "To": "+15005550006", "Body": "1 4821", "MessageSid": "SM" + "a" * 32}


def signed(params: dict[str, str], *, url: str = URL, token: str = TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


def test_a_correctly_signed_webhook_is_accepted() -> None:
    assert verify_twilio_signature(auth_token=TOKEN, url=URL, params=FORM, signature=signed(FORM)) is True


def test_a_flask_multidict_form_is_accepted_too() -> None:
    form = MultiDict(list(FORM.items()))
    assert verify_twilio_signature(auth_token=TOKEN, url=URL, params=form, signature=signed(FORM)) is True


@pytest.mark.parametrize(
    ("params", "url", "signature_of"),
    [
        ({**FORM, "Body": "2 4821"}, URL, FORM),  # body changed after signing
        (FORM, "https://evil.example.cn/hooks/twilio/sms", FORM),  # another URL
        (FORM, URL, None),  # no signature header at all
    ],
    ids=["tampered-body", "other-url", "missing-signature"],
)
def test_a_forged_webhook_is_refused(
    params: dict[str, str], url: str, signature_of: dict[str, str] | None
) -> None:
    signature = signed(signature_of) if signature_of is not None else ""
    assert verify_twilio_signature(auth_token=TOKEN, url=url, params=params, signature=signature) is False


def test_a_signature_made_with_another_token_is_refused() -> None:
    forged = signed(FORM, token="0" * 32)
    assert verify_twilio_signature(auth_token=TOKEN, url=URL, params=FORM, signature=forged) is False


def test_an_hmac_sha256_signature_is_checked_with_the_algorithm_its_settings_header_names() -> None:
    settings = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256"
    sha256 = str(RequestValidator(TOKEN).compute_signature(URL, FORM, "HMAC_SHA256"))
    assert verify_twilio_signature(
        auth_token=TOKEN, url=URL, params=FORM, signature=sha256, signature_settings=settings
    )
    # The same signature judged as legacy HMAC-SHA1 (header missing) does not match.
    assert not verify_twilio_signature(auth_token=TOKEN, url=URL, params=FORM, signature=sha256)


def test_inbound_sms_form_becomes_a_dataclass() -> None:
    assert parse_inbound_sms(FORM) == InboundSms(
        from_="+8613812345678", to="+15005550006", body="1 4821", sid="SM" + "a" * 32
    )


def test_status_callback_with_error_code() -> None:
    form = {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30006"}
    assert parse_status_callback(form) == StatusUpdate(sid="SM1", status="undelivered", error_code=30006)


def test_status_callback_without_error_code() -> None:
    assert parse_status_callback({"MessageSid": "SM1", "MessageStatus": "delivered"}).error_code is None


@pytest.mark.parametrize(
    "form",
    [
        {"MessageStatus": "sent"},
        {"MessageSid": "SM1"},
        {"MessageSid": "SM1", "MessageStatus": "x", "ErrorCode": "?"},
    ],
    ids=["no-sid", "no-status", "bad-error-code"],
)
def test_a_malformed_status_callback_is_refused(form: dict[str, str]) -> None:
    with pytest.raises(CallbackError):
        parse_status_callback(form)


@pytest.mark.parametrize(
    ("current", "reported", "stored"),
    [
        (None, "queued", "queued"),
        ("queued", "sent", "sent"),
        ("sent", "delivered", "delivered"),
        ("delivered", "sent", "delivered"),  # a late "sent" callback does not undo delivery
        ("sent", "queued", "sent"),
        ("accepted", "queued", "queued"),
        ("sent", "undelivered", "undelivered"),
        ("failed", "delivered", "failed"),  # failed is final
        ("undelivered", "sent", "undelivered"),
        ("delivered", "undelivered", "delivered"),
        ("delivered", "read", "read"),
        ("sent", "no-such-status", "sent"),
    ],
)
def test_status_only_moves_forward(current: str | None, reported: str, stored: str) -> None:
    assert next_status(current, reported) == stored
