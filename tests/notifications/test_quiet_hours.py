"""Quiet hours: [22:00, 07:00) by default, configurable, "off", and emergencies bypass them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from notifications.sms.quiet import QuietHours, QuietHoursError, quiet_hours_from_env

CN = ZoneInfo("Asia/Shanghai")
DEFAULT = QuietHours.parse("22:00-07:00")


def at(hour: int, minute: int = 0, *, day: int = 27) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CN)


@pytest.mark.parametrize(
    ("when", "quiet"),
    [
        (at(21, 59), False),
        (at(22, 0), True),  # 22:00 exactly is already quiet
        (at(23, 59), True),
        (at(0, 0), True),
        (at(6, 59), True),
        (at(7, 0), False),  # 07:00 exactly may send
        (at(12, 0), False),
    ],
)
def test_default_window_edges(when: datetime, quiet: bool) -> None:
    assert DEFAULT.is_quiet(when) is quiet


def test_a_message_at_22_waits_until_7_next_morning() -> None:
    assert DEFAULT.next_allowed(at(22, 0)) == at(7, 0, day=28)


def test_a_message_at_0659_waits_one_minute() -> None:
    assert DEFAULT.next_allowed(at(6, 59)) == at(7, 0)


def test_outside_quiet_hours_a_message_goes_now() -> None:
    assert DEFAULT.next_allowed(at(9, 30)) == at(9, 30)


def test_emergencies_bypass_quiet_hours() -> None:
    assert DEFAULT.is_quiet(at(2, 0), urgent=True) is False
    assert DEFAULT.next_allowed(at(2, 0), urgent=True) == at(2, 0)


def test_utc_times_are_judged_in_china_time() -> None:
    # 14:30 UTC is 22:30 in Shanghai.
    assert DEFAULT.is_quiet(datetime.fromisoformat("2026-11-27T14:30:00+00:00")) is True
    assert DEFAULT.is_quiet(datetime.fromisoformat("2026-11-27T13:30:00+00:00")) is False


def test_off_disables_quiet_hours() -> None:
    off = QuietHours.parse("off")
    assert off.enabled is False
    assert off.is_quiet(at(3, 0)) is False


def test_a_window_inside_one_day_is_supported() -> None:
    lunch = QuietHours.parse("12:00-14:00")
    assert [lunch.is_quiet(at(h, m)) for h, m in [(11, 59), (12, 0), (13, 59), (14, 0)]] == [
        False,
        True,
        True,
        False,
    ]
    assert lunch.next_allowed(at(12, 30)) == at(14, 0)


def test_environment_default_is_22_to_7() -> None:
    assert quiet_hours_from_env({}) == DEFAULT
    assert quiet_hours_from_env({"GRIDROSTER_QUIET_HOURS": "OFF"}).enabled is False


@pytest.mark.parametrize("spec", ["", "22-07", "22:00", "25:00-07:00", "22:60-07:00", "07:00-07:00", "night"])
def test_bad_quiet_hours_are_refused_with_the_variable_named(spec: str) -> None:
    with pytest.raises(QuietHoursError, match="GRIDROSTER_QUIET_HOURS"):
        QuietHours.parse(spec)
