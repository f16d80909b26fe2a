"""The dataclasses handed in refuse values the channels could not deliver correctly."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.messages import CalendarEvent, DeliveryError, Email, Sms

CN = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("to", ["13812345678", "+86 138 1234 5678", "+0123456789", ""])
def test_an_sms_needs_an_e164_number(to: str) -> None:
    with pytest.raises(ValueError, match="E.164"):
        Sms(to=to, body="x", key="k")


@pytest.mark.parametrize(("body", "key"), [("", "k"), ("  ", "k"), ("x", "")])
def test_an_sms_needs_a_body_and_a_key(body: str, key: str) -> None:
    with pytest.raises(ValueError):
        Sms(to="+8613812345678", body=body, key=key)


def test_an_opted_out_error_must_be_permanent_and_an_in_doubt_one_cannot_be() -> None:
    with pytest.raises(ValueError):
        DeliveryError("x", code="21610", opted_out=True)
    with pytest.raises(ValueError):
        DeliveryError("x", code="500", permanent=True, in_doubt=True)


def _event(**changes: object) -> CalendarEvent:
    fields: dict[str, object] = {
        "uid": "a-1@x",
        "sequence": 0,
        "start": datetime(2026, 12, 26, 8, tzinfo=CN),
        "end": datetime(2026, 12, 26, 12, tzinfo=CN),
        "summary": "s",
        "location": "l",
        "description": "d",
        "organizer_name": "o",
        "organizer_email": "o@x.cn",
        "attendee_name": "a",
        "attendee_email": "a@x.cn",
    }
    fields.update(changes)
    return CalendarEvent(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"start": datetime(2026, 12, 26, 8)},  # naive
        {"end": datetime(2026, 12, 26, 7, tzinfo=CN)},  # ends before it starts
        {"sequence": -1},
    ],
    ids=["naive-start", "end-before-start", "negative-sequence"],
)
def test_a_calendar_event_refuses_naive_times_backwards_shifts_and_negative_sequences(
    changes: dict[str, object],
) -> None:
    with pytest.raises(ValueError):
        _event(**changes)


def test_an_email_needs_an_address_and_a_key() -> None:
    with pytest.raises(ValueError):
        Email(to="not-an-address", subject="s", body="b", key="k")
    with pytest.raises(ValueError):
        Email(to="a@x.cn", subject="s", body="b", key=" ")
    assert Email(to="A@X.cn", subject="s", body="b", key="k", invite=_event()).invite is not None
