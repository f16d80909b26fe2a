"""Time: the configured zone, an injectable clock, and ISO-week helpers."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.errors import ValidationError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("GRIDROSTER_TIMEZONE", DEFAULT_TIMEZONE))


@dataclass(frozen=True)
class Clock:
    """Reads the time once per operation; tests pass a FixedClock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock(Clock):
    at: datetime

    def now(self) -> datetime:
        return self.at


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_iso_week(text: str) -> date:
    """'2026-W49' -> the Monday of that ISO week."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValidationError(
            "bad_week", f"周应写作 2026-W49 这样的格式：{text!r}", f"week must look like 2026-W49: {text!r}"
        )
    year, week = int(m.group(1)), int(m.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValidationError("bad_week", f"没有这一周：{text}", f"no such week: {text}") from exc


def iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def local_midnight(day: date, zone: ZoneInfo | None = None) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone or local_zone())


def parse_local_time(text: str, what_zh: str = "时间", what_en: str = "a time") -> datetime:
    """An ISO time ("2026-12-01T08:30", as typed or sent by a datetime-local input); without an
    offset it is local time. A bad one is a ValidationError ``bad_time`` naming the field."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(
            "bad_time",
            f"{what_zh}应写作 2026-12-01T08:30 这样的格式：{text!r}",
            f"{what_en} must look like 2026-12-01T08:30: {text!r}",
        ) from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=local_zone())
